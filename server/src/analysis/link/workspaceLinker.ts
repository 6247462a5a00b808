import type {
  AnalysisDiagnostic,
  AssetDefinition,
  CheckDefinition,
  DependencyRef,
  ResourceId,
} from "../../model/definitions";
import { compareKeyStrings as compare } from "../../model/assetKey";
import { AssetGraph } from "../../model/graph";
import {
  badCheckTargetDiagnostics,
  cycleDiagnostics,
  duplicateDiagnostics,
  type KeyIndex,
  missingUpstreamDiagnostics,
  producedResources,
  undeclaredDependencyDiagnostics,
} from "../diagnostics/graphDiagnostics";
import type { FileFacts } from "../facts";
import { HelperVersions } from "./helperVersions";
import { type FileLink, LinkPass, linkSurface } from "./linkWorkspace";

/** What one link of the workspace produces; sorted as the snapshot exposes it. */
export interface LinkedWorkspace {
  /** Sorted by key, file, line (then call order). */
  readonly assets: readonly AssetDefinition[];
  /** Sorted by target key and name (then file and call order). */
  readonly checks: readonly CheckDefinition[];
  /** Sorted by file, position and code (then the order the checks run in, below). */
  readonly diagnostics: readonly AnalysisDiagnostic[];
  /** Every file with facts, sorted. */
  readonly files: readonly string[];
  /** The graph, when linking had to build it anyway (otherwise build it from assets and checks). */
  readonly graph: AssetGraph | undefined;
  readonly producedResources: (asset: AssetDefinition) => readonly ResourceId[];
}

/** Past this many files to re-link, one whole-workspace link is cheaper than patching. */
const FULL_LINK_FRACTION = 0.25;
/** Nodes whose level one new edge may raise before it is cheaper to look for cycles from scratch. */
const MAX_LEVEL_WORK = 20_000;

/**
 * Links the workspace and keeps the result up to date as files change, doing work in
 * proportion to what an edit can affect rather than to the workspace:
 *
 *  - a file is re-linked when its facts change, or when what other files can see of a file
 *    its link read (through imports, re-exports, helpers, or a probed path that did not
 *    exist) changes: see `linkSurface`;
 *  - the sorted definition lists, the key, producer and reader indexes are patched with the
 *    definitions that were replaced;
 *  - AL002–AL005 are recomputed only for the definitions whose inputs changed (their own
 *    definition, the definedness of a key they name, the producers of a table they read);
 *  - AL001 is re-derived only when the dependency edges change: an acyclic graph keeps a
 *    level per node (longest path from a root), a new edge from a lower level to a higher
 *    one (depending on something upstream: the usual case) keeps it acyclic at no cost, and
 *    otherwise the levels below it are raised, which finds any cycle the edge closes;
 *  - diagnostics are kept per file, and only the files whose diagnostics changed are re-sorted.
 *
 * The result is the same as linking every file from scratch (bench/analysis/verify.mjs
 * checks it after random edits); the orders where the old whole-workspace link had ties
 * now fall back on the file path, which is the order a fresh analysis always had.
 */
export class WorkspaceLinker {
  private readonly helperVersions: HelperVersions;
  private links = new Map<string, FileLink>();
  private initialised = false;

  private files: string[] = [];
  private assets: AssetDefinition[] = [];
  private checks: CheckDefinition[] = [];
  /** True once the list was handed out with a snapshot: it must not change any more. */
  private filesShared = false;
  private assetsShared = false;
  private checksShared = false;
  /** A definition's position in its file's link, the last tie-breaker of the sort orders. */
  private ordinals = new WeakMap<AssetDefinition | CheckDefinition, number>();
  private definitionsByKey = new Map<string, AssetDefinition[]>();
  private producers = new Map<ResourceId, AssetDefinition[]>();
  /**
   * What only edits need (which files read a path, which assets read a resource or name a
   * key, which checks target a key): built at the first edit, so a one-shot analysis (the
   * CLI) does not pay for it.
   */
  private edits: EditIndexes | undefined;
  /** How many deps of first definitions name each key: a named, undefined key is a placeholder. */
  private winnerRefs = new Map<string, number>();
  private placeholders = new Set<string>();
  private readonly produced = new WeakMap<AssetDefinition, readonly ResourceId[]>();

  private missing = new Map<AssetDefinition, AnalysisDiagnostic[]>();
  private undeclared = new Map<AssetDefinition, AnalysisDiagnostic[]>();
  private duplicates = new Map<AssetDefinition, AnalysisDiagnostic>();
  private badTargets = new Map<CheckDefinition, AnalysisDiagnostic[]>();
  private cycles: { paths: string[][]; components: string[][] } = { paths: [], components: [] };
  private cycleDiagnostics: AnalysisDiagnostic[] = [];
  /** While the graph is acyclic, a level per node that grows along every edge (computed at the first edge change). */
  private levels: Map<string, number> | undefined;
  private readonly surfaces = new WeakMap<FileFacts, string>();

  private diagnosticsByFile = new Map<string, AnalysisDiagnostic[]>();
  private diagnosticFiles: string[] = [];

  private readonly keyIndex: KeyIndex = {
    isDefined: (key) => this.definitionsByKey.has(key),
    isPlaceholder: (key) => this.placeholders.has(key),
    definedKeys: () => this.definitionsByKey.keys(),
  };

  constructor(private readonly facts: ReadonlyMap<string, FileFacts>) {
    this.helperVersions = new HelperVersions(() => this.facts);
  }

  readonly producedResources = (asset: AssetDefinition): readonly ResourceId[] => {
    let resources = this.produced.get(asset);
    if (!resources) {
      resources = producedResources(asset);
      this.produced.set(asset, resources);
    }
    return resources;
  };

  /**
   * Builds now what edits need and a one-shot analysis does not (indexes, node levels), so the
   * first edit after a full link does not pay for it (~130 ms at 13,500 definitions).
   */
  prepareForEdits(): void {
    if (!this.initialised) return;
    this.edits ??= this.buildEditIndexes();
    if (!this.levels && this.cycles.paths.length === 0) this.levels = this.computeLevels();
  }

  /** Forgets everything: the next link starts from scratch. */
  reset(): void {
    this.initialised = false;
  }

  /** Links after the facts of `changed` paths were replaced, added or removed. */
  link(changed: ReadonlySet<string>): LinkedWorkspace {
    if (!this.initialised) return this.linkEverything();
    const edits = (this.edits ??= this.buildEditIndexes());
    const dirty = new Set<string>();
    for (const path of changed) {
      dirty.add(path);
      const users = edits.dependents.get(path);
      if (!users || this.surfaceUnchanged(path)) continue;
      for (const file of users) dirty.add(file);
    }
    if (dirty.size > 64 && dirty.size > this.facts.size * FULL_LINK_FRACTION) return this.linkEverything();
    return this.linkIncrementally(changed, dirty);
  }

  // ---------------------------------------------------------------- whole workspace

  private linkEverything(): LinkedWorkspace {
    this.links = new Map();
    this.edits = undefined;
    this.files = [...this.facts.keys()].sort();
    this.assetsShared = this.checksShared = this.filesShared = false;
    const pass = new LinkPass(this.facts, this.helperVersions);
    const assets: AssetDefinition[] = [];
    const checks: CheckDefinition[] = [];
    for (const file of this.files) {
      const link = pass.linkFile(file)!;
      this.setLink(file, link);
      assets.push(...link.assets);
      checks.push(...link.checks);
    }
    this.assets = assets.sort(this.assetOrder);
    this.checks = checks.sort(this.checkOrder);

    this.definitionsByKey = new Map();
    this.producers = new Map();
    for (const asset of this.assets) {
      const same = this.definitionsByKey.get(asset.key);
      if (same) same.push(asset);
      else this.definitionsByKey.set(asset.key, [asset]);
      for (const resource of this.producedResources(asset)) {
        const list = this.producers.get(resource);
        if (list) list.push(asset);
        else this.producers.set(resource, [asset]);
      }
    }
    this.winnerRefs = new Map();
    for (const list of this.definitionsByKey.values()) this.countRefs(list[0]!, +1);
    this.placeholders = new Set();
    for (const [key, count] of this.winnerRefs) if (count > 0 && !this.definitionsByKey.has(key)) this.placeholders.add(key);

    // The graph is built once here (the first snapshot hands it out) and gives the cycles.
    const graph = AssetGraph.fromDefinitions(this.assets, this.checks);
    this.cycles = { paths: graph.cycles(), components: graph.cyclicComponents() };
    this.levels = undefined;

    this.missing = new Map();
    this.undeclared = new Map();
    this.duplicates = new Map();
    this.badTargets = new Map();
    for (const asset of this.assets) {
      this.updateMissing(asset);
      this.updateUndeclared(asset);
    }
    for (const [key, list] of this.definitionsByKey) this.updateDuplicates(key, list);
    for (const check of this.checks) this.updateBadTarget(check);
    this.cycleDiagnostics = this.computeCycleDiagnostics();

    this.diagnosticsByFile = new Map();
    this.diagnosticFiles = [];
    const withDiagnostics = new Set<string>(this.files);
    for (const diagnostic of this.cycleDiagnostics) withDiagnostics.add(diagnostic.location.file);
    for (const file of [...withDiagnostics].sort()) this.rebuildFileDiagnostics(file);
    this.initialised = true;
    return this.result(graph);
  }

  // ---------------------------------------------------------------- incremental

  private linkIncrementally(changed: ReadonlySet<string>, dirty: ReadonlySet<string>): LinkedWorkspace {
    const edits = this.edits!;
    for (const path of changed) this.updateFileList(path);
    const pass = new LinkPass(this.facts, this.helperVersions);
    const removedAssets: AssetDefinition[] = [];
    const addedAssets: AssetDefinition[] = [];
    const removedChecks: CheckDefinition[] = [];
    const addedChecks: CheckDefinition[] = [];
    const replacedAssets: Array<[AssetDefinition, AssetDefinition]> = [];
    const replacedChecks: Array<[CheckDefinition, CheckDefinition]> = [];
    const touchedFiles = new Set<string>();

    for (const file of dirty) {
      const old = this.links.get(file);
      const next = this.facts.has(file) ? pass.linkFile(file, old) : undefined;
      if (!old && !next) continue;
      touchedFiles.add(file);
      if (old) this.clearLink(file, old, edits);
      if (next) this.setLink(file, next, edits);
      pairUp(old?.assets ?? [], next?.assets ?? [], this.assetOrder, replacedAssets, removedAssets, addedAssets);
      pairUp(old?.checks ?? [], next?.checks ?? [], this.checkOrder, replacedChecks, removedChecks, addedChecks);
    }

    // Definitions linking returned unchanged (the same objects) need nothing below.
    dropUnchanged(replacedAssets);
    dropUnchanged(replacedChecks);

    // The sorted lists: same-position replacements in place, the rest removed and inserted.
    // A list handed out with a snapshot is copied before its first change.
    if (replacedAssets.length + removedAssets.length + addedAssets.length > 0) {
      if (this.assetsShared) this.assets = this.assets.slice();
      this.assetsShared = false;
      replaceSorted(this.assets, replacedAssets, this.assetOrder);
      this.assets = patchSorted(this.assets, removedAssets, addedAssets, this.assetOrder);
    }
    if (replacedChecks.length + removedChecks.length + addedChecks.length > 0) {
      if (this.checksShared) this.checks = this.checks.slice();
      this.checksShared = false;
      replaceSorted(this.checks, replacedChecks, this.checkOrder);
      this.checks = patchSorted(this.checks, removedChecks, addedChecks, this.checkOrder);
    }

    const goneAssets = [...removedAssets, ...replacedAssets.map(([old]) => old)];
    const newAssets = [...addedAssets, ...replacedAssets.map(([, next]) => next)];
    const goneChecks = [...removedChecks, ...replacedChecks.map(([old]) => old)];
    const newChecks = [...addedChecks, ...replacedChecks.map(([, next]) => next)];

    // Indexes by resource, dep key and check target.
    const changedResources = new Set<ResourceId>();
    for (const asset of goneAssets) for (const resource of this.indexAsset(asset, -1, edits)) changedResources.add(resource);
    for (const asset of newAssets) for (const resource of this.indexAsset(asset, +1, edits)) changedResources.add(resource);
    for (const check of goneChecks) indexCheck(check, -1, edits);
    for (const check of newChecks) indexCheck(check, +1, edits);

    // Keys: their definitions, first definitions (graph edges), definedness, placeholders.
    const keys = new Set<string>();
    for (const asset of goneAssets) keys.add(asset.key);
    for (const asset of newAssets) keys.add(asset.key);
    const definedChanged = new Set<string>();
    const refsTouched = new Set<string>();
    const addedEdges: Array<[string, string]> = [];
    let edgesChanged = false;
    for (const key of keys) {
      const before = this.definitionsByKey.get(key);
      const after = this.definitionsOf(key);
      if (after) this.definitionsByKey.set(key, after);
      else this.definitionsByKey.delete(key);
      if (!before !== !after) definedChanged.add(key);
      const oldWinner = before?.[0];
      const newWinner = after?.[0];
      if (oldWinner !== newWinner) {
        const oldDeps = oldWinner ? depKeys(oldWinner) : [];
        const newDeps = newWinner ? depKeys(newWinner) : [];
        if (oldWinner) this.countRefs(oldWinner, -1, refsTouched);
        if (newWinner) this.countRefs(newWinner, +1, refsTouched);
        if (!sameList(oldDeps, newDeps)) {
          edgesChanged = true;
          const had = new Set(oldDeps);
          for (const dep of newDeps) if (!had.has(dep)) addedEdges.push([dep, key]);
        }
      }
      this.replaceDuplicates(before ?? [], after ?? [], key, touchedFiles);
    }
    const placeholderChanged = new Set<string>();
    for (const key of [...refsTouched, ...definedChanged]) {
      const now = !this.definitionsByKey.has(key) && (this.winnerRefs.get(key) ?? 0) > 0;
      if (now === this.placeholders.has(key)) continue;
      if (now) this.placeholders.add(key);
      else this.placeholders.delete(key);
      placeholderChanged.add(key);
    }
    // A node appearing or disappearing changes the graph's node set, which the rank check must see.
    if (definedChanged.size > 0 || placeholderChanged.size > 0) edgesChanged = true;

    // AL002: new assets, assets naming a key whose status changed, and (suggestions) all reported ones.
    for (const asset of goneAssets) if (this.missing.delete(asset)) touchedFiles.add(asset.location.file);
    const missingToCheck = new Set<AssetDefinition>(newAssets);
    for (const key of [...definedChanged, ...placeholderChanged]) {
      for (const asset of edits.depUsers.get(key) ?? []) missingToCheck.add(asset);
    }
    if (definedChanged.size > 0) for (const asset of this.missing.keys()) missingToCheck.add(asset);
    for (const asset of missingToCheck) if (this.updateMissing(asset)) touchedFiles.add(asset.location.file);

    // AL003: new assets, and readers of a resource whose producers changed.
    for (const asset of goneAssets) if (this.undeclared.delete(asset)) touchedFiles.add(asset.location.file);
    const undeclaredToCheck = new Set<AssetDefinition>(newAssets);
    for (const resource of changedResources) for (const asset of edits.readers.get(resource) ?? []) undeclaredToCheck.add(asset);
    for (const asset of undeclaredToCheck) if (this.updateUndeclared(asset)) touchedFiles.add(asset.location.file);

    // AL005: new checks, checks on a key whose definedness changed, and (suggestions) all reported ones.
    for (const check of goneChecks) if (this.badTargets.delete(check)) touchedFiles.add(check.location.file);
    const checksToCheck = new Set<CheckDefinition>(newChecks);
    for (const key of definedChanged) for (const check of edits.checksByTarget.get(key) ?? []) checksToCheck.add(check);
    if (definedChanged.size > 0) for (const check of this.badTargets.keys()) checksToCheck.add(check);
    for (const check of checksToCheck) if (this.updateBadTarget(check)) touchedFiles.add(check.location.file);

    // AL001: only when the edges changed; an acyclic graph whose new edges fit its levels stays acyclic.
    let graph: AssetGraph | undefined;
    if (edgesChanged && !(this.cycles.paths.length === 0 && this.levelsAccept(addedEdges))) graph = this.recomputeCycles();
    if (this.cycles.paths.length > 0 || this.cycleDiagnostics.length > 0) {
      for (const diagnostic of this.cycleDiagnostics) touchedFiles.add(diagnostic.location.file);
      this.cycleDiagnostics = this.computeCycleDiagnostics();
      for (const diagnostic of this.cycleDiagnostics) touchedFiles.add(diagnostic.location.file);
    }

    for (const file of touchedFiles) this.rebuildFileDiagnostics(file);
    return this.result(graph);
  }

  /** The definitions of a key, in the sorted order: a contiguous run of the sorted list. */
  private definitionsOf(key: string): AssetDefinition[] | undefined {
    let low = 0;
    let high = this.assets.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.assets[mid]!.key < key) low = mid + 1;
      else high = mid;
    }
    const run: AssetDefinition[] = [];
    for (let i = low; i < this.assets.length && this.assets[i]!.key === key; i++) run.push(this.assets[i]!);
    return run.length > 0 ? run : undefined;
  }

  private updateFileList(path: string): void {
    const index = lowerBound(this.files, path, compare);
    const listed = index < this.files.length && this.files[index] === path;
    const exists = this.facts.has(path);
    if (exists === listed) return;
    if (this.filesShared) this.files = this.files.slice();
    this.filesShared = false;
    if (exists) this.files.splice(index, 0, path);
    else this.files.splice(index, 1);
  }

  private setLink(file: string, link: FileLink, edits?: EditIndexes): void {
    this.links.set(file, link);
    link.assets.forEach((asset, index) => this.ordinals.set(asset, index));
    link.checks.forEach((check, index) => this.ordinals.set(check, index));
    if (edits) for (const path of link.dependsOn) addToSetMap(edits.dependents, path, file, +1);
  }

  private clearLink(file: string, link: FileLink, edits: EditIndexes): void {
    this.links.delete(file);
    for (const path of link.dependsOn) addToSetMap(edits.dependents, path, file, -1);
  }

  private buildEditIndexes(): EditIndexes {
    const edits: EditIndexes = { dependents: new Map(), readers: new Map(), depUsers: new Map(), checksByTarget: new Map() };
    for (const [file, link] of this.links) for (const path of link.dependsOn) addToSetMap(edits.dependents, path, file, +1);
    for (const asset of this.assets) indexReadsAndDeps(asset, +1, edits);
    for (const check of this.checks) indexCheck(check, +1, edits);
    return edits;
  }

  /** Adds (+1) or removes (-1) an asset from the producer, reader and dep indexes; returns the resources it produces. */
  private indexAsset(asset: AssetDefinition, sign: 1 | -1, edits: EditIndexes): readonly ResourceId[] {
    const produced = this.producedResources(asset);
    for (const resource of produced) {
      const list = this.producers.get(resource);
      if (sign > 0) {
        if (!list) this.producers.set(resource, [asset]);
        else list.splice(upperBound(list, asset, this.assetOrder), 0, asset);
      } else if (list) {
        const at = list.indexOf(asset);
        if (at >= 0) list.splice(at, 1);
        if (list.length === 0) this.producers.delete(resource);
      }
    }
    indexReadsAndDeps(asset, sign, edits);
    return produced;
  }

  private countRefs(winner: AssetDefinition, sign: 1 | -1, touched?: Set<string>): void {
    for (const dep of winner.deps) {
      if (dep.key === undefined) continue;
      const count = (this.winnerRefs.get(dep.key) ?? 0) + sign;
      if (count === 0) this.winnerRefs.delete(dep.key);
      else this.winnerRefs.set(dep.key, count);
      touched?.add(dep.key);
    }
  }

  /** AL002 of one asset; true when its diagnostics changed. */
  private updateMissing(asset: AssetDefinition): boolean {
    const link = this.links.get(asset.location.file);
    return setOrDelete(this.missing, asset, missingUpstreamDiagnostics(asset, this.keyIndex, link?.unresolvedTargets ?? EMPTY_MAP));
  }

  private updateUndeclared(asset: AssetDefinition): boolean {
    return setOrDelete(this.undeclared, asset, undeclaredDependencyDiagnostics(asset, (resource) => this.producers.get(resource)));
  }

  private updateBadTarget(check: CheckDefinition): boolean {
    const link = this.links.get(check.location.file);
    return setOrDelete(this.badTargets, check, badCheckTargetDiagnostics(check, this.keyIndex, link?.unresolvedTargets ?? EMPTY_MAP));
  }

  private updateDuplicates(key: string, definitions: readonly AssetDefinition[]): void {
    duplicateDiagnostics(key, definitions).forEach((diagnostic, index) => this.duplicates.set(definitions[index]!, diagnostic));
  }

  private replaceDuplicates(before: readonly AssetDefinition[], after: readonly AssetDefinition[], key: string, touched: Set<string>): void {
    for (const definition of before) if (this.duplicates.delete(definition)) touched.add(definition.location.file);
    this.updateDuplicates(key, after);
    if (after.length > 1) for (const definition of after) touched.add(definition.location.file);
  }

  private surfaceUnchanged(path: string): boolean {
    const before = this.links.get(path)?.facts;
    const after = this.facts.get(path);
    if (!before || !after) return false;
    return before === after || this.surfaceOf(before) === this.surfaceOf(after);
  }

  private surfaceOf(facts: FileFacts): string {
    let surface = this.surfaces.get(facts);
    if (surface === undefined) {
      surface = linkSurface(facts, this.helperVersions);
      this.surfaces.set(facts, surface);
    }
    return surface;
  }

  /** The first definition of each key that depends on `key` (the graph's children of `key`). */
  private *childrenOf(key: string): Iterable<string> {
    const users = this.edits!.depUsers.get(key);
    if (!users) return;
    for (const asset of users) if (this.definitionsByKey.get(asset.key)?.[0] === asset) yield asset.key;
  }

  /** Levels by Kahn's algorithm over the first definitions' deps; undefined when there is a cycle. */
  private computeLevels(): Map<string, number> | undefined {
    const levels = new Map<string, number>();
    const waiting = new Map<string, number>();
    const ready: string[] = [];
    const nodes = [...this.definitionsByKey.keys(), ...this.placeholders];
    for (const key of nodes) {
      const winner = this.definitionsByKey.get(key)?.[0];
      const parents = winner ? new Set(depKeys(winner)).size : 0;
      waiting.set(key, parents);
      levels.set(key, 0);
      if (parents === 0) ready.push(key);
    }
    let done = 0;
    while (ready.length > 0) {
      const key = ready.pop()!;
      done++;
      const next = levels.get(key)! + 1;
      for (const child of this.childrenOf(key)) {
        if (levels.get(child)! < next) levels.set(child, next);
        const left = waiting.get(child)! - 1;
        waiting.set(child, left);
        if (left === 0) ready.push(child);
      }
    }
    return done === nodes.length ? levels : undefined;
  }

  /**
   * Keeps the levels valid for the added edges; false when an edge closes a cycle (or the
   * work gets large), and the cycles must be looked for from scratch.
   */
  private levelsAccept(addedEdges: ReadonlyArray<readonly [string, string]>): boolean {
    if (!this.levels) {
      // First edge change since the graph was (re)built: levels of the graph as it is now,
      // new edges included; computing them is itself the acyclicity check.
      this.levels = this.computeLevels();
      return this.levels !== undefined;
    }
    const levels = this.levels;
    let work = 0;
    for (const [from, to] of addedEdges) {
      const floor = (levels.get(from) ?? 0) + 1;
      if ((levels.get(to) ?? 0) >= floor) continue;
      const stack: Array<[string, number]> = [[to, floor]];
      while (stack.length > 0) {
        const [key, level] = stack.pop()!;
        if (key === from) return this.invalidateLevels(); // `to` reaches `from`: a cycle
        if ((levels.get(key) ?? 0) >= level) continue;
        levels.set(key, level);
        if (++work > MAX_LEVEL_WORK) return this.invalidateLevels();
        for (const child of this.childrenOf(key)) stack.push([child, level + 1]);
      }
    }
    return true;
  }

  private invalidateLevels(): false {
    this.levels = undefined;
    return false;
  }

  /** Finds the graph's cycles from scratch (rare: only when an edit's new edges may close one). */
  private recomputeCycles(): AssetGraph {
    const graph = AssetGraph.fromDefinitions(this.assets, this.checks);
    this.cycles = { paths: graph.cycles(), components: graph.cyclicComponents() };
    this.levels = undefined;
    return graph;
  }

  private computeCycleDiagnostics(): AnalysisDiagnostic[] {
    if (this.cycles.paths.length === 0) return [];
    return cycleDiagnostics(this.cycles.paths, this.cycles.components, (key) => this.definitionsByKey.get(key)?.[0]);
  }

  /**
   * One file's diagnostics, sorted by position and code; ties keep the order the checks run
   * in: linking's AL006, the file's own, then AL001, AL002, AL003, AL004 (definitions in
   * sorted order), AL005 (checks in call order).
   */
  private rebuildFileDiagnostics(file: string): void {
    const link = this.links.get(file);
    const found: AnalysisDiagnostic[] = [];
    if (link) found.push(...link.diagnostics);
    const facts = this.facts.get(file);
    if (facts) found.push(...facts.diagnostics);
    for (const diagnostic of this.cycleDiagnostics) if (diagnostic.location.file === file) found.push(diagnostic);
    if (link) {
      const sorted = link.assets.length > 1 ? [...link.assets].sort(this.assetOrder) : link.assets;
      for (const asset of sorted) found.push(...(this.missing.get(asset) ?? []));
      for (const asset of sorted) found.push(...(this.undeclared.get(asset) ?? []));
      for (const asset of sorted) {
        const duplicate = this.duplicates.get(asset);
        if (duplicate) found.push(duplicate);
      }
      for (const check of link.checks) found.push(...(this.badTargets.get(check) ?? []));
    }
    const index = lowerBound(this.diagnosticFiles, file, compare);
    const listed = index < this.diagnosticFiles.length && this.diagnosticFiles[index] === file;
    if (found.length === 0) {
      this.diagnosticsByFile.delete(file);
      if (listed) this.diagnosticFiles.splice(index, 1);
      return;
    }
    this.diagnosticsByFile.set(file, found.sort(byPosition));
    if (!listed) this.diagnosticFiles.splice(index, 0, file);
  }

  private result(graph: AssetGraph | undefined): LinkedWorkspace {
    const diagnostics: AnalysisDiagnostic[] = [];
    for (const file of this.diagnosticFiles) {
      for (const diagnostic of this.diagnosticsByFile.get(file)!) {
        // Every diagnostic sits in the file of the definition it is about; if one ever did
        // not, the per-file order would be wrong: sort the whole list instead.
        if (diagnostic.location.file !== file) return this.resultSortingEverything(graph);
        diagnostics.push(diagnostic);
      }
    }
    return this.share(diagnostics, graph);
  }

  private resultSortingEverything(graph: AssetGraph | undefined): LinkedWorkspace {
    const diagnostics = this.diagnosticFiles.flatMap((file) => this.diagnosticsByFile.get(file)!).sort(byPosition);
    return this.share(diagnostics, graph);
  }

  private share(diagnostics: AnalysisDiagnostic[], graph: AssetGraph | undefined): LinkedWorkspace {
    this.assetsShared = this.checksShared = this.filesShared = true;
    return { assets: this.assets, checks: this.checks, diagnostics, files: this.files, graph, producedResources: this.producedResources };
  }

  private readonly assetOrder = (a: AssetDefinition, b: AssetDefinition): number =>
    compare(a.key, b.key) ||
    compare(a.location.file, b.location.file) ||
    a.location.range.start.line - b.location.range.start.line ||
    this.ordinals.get(a)! - this.ordinals.get(b)!;

  private readonly checkOrder = (a: CheckDefinition, b: CheckDefinition): number =>
    compare(a.asset ?? "", b.asset ?? "") ||
    compare(a.name, b.name) ||
    compare(a.location.file, b.location.file) ||
    this.ordinals.get(a)! - this.ordinals.get(b)!;
}

const EMPTY_MAP: ReadonlyMap<DependencyRef | CheckDefinition, string> = new Map();

interface EditIndexes {
  /** Path → the files whose link read it. */
  readonly dependents: Map<string, Set<string>>;
  /** Resource → the assets reading it (AL003 depends on its producers). */
  readonly readers: Map<ResourceId, Set<AssetDefinition>>;
  /** Key → the assets with a dep on it (AL002, and the graph's children). */
  readonly depUsers: Map<string, Set<AssetDefinition>>;
  /** Key → the checks targeting it (AL005). */
  readonly checksByTarget: Map<string, Set<CheckDefinition>>;
}

function indexReadsAndDeps(asset: AssetDefinition, sign: 1 | -1, edits: EditIndexes): void {
  for (const read of asset.reads) addToSetMap(edits.readers, read.resource, asset, sign);
  for (const dep of asset.deps) if (dep.key !== undefined) addToSetMap(edits.depUsers, dep.key, asset, sign);
}

function indexCheck(check: CheckDefinition, sign: 1 | -1, edits: EditIndexes): void {
  if (check.asset !== undefined) addToSetMap(edits.checksByTarget, check.asset, check, sign);
}

function byPosition(a: AnalysisDiagnostic, b: AnalysisDiagnostic): number {
  const left = a.location;
  const right = b.location;
  return (
    compare(left.file, right.file) ||
    left.range.start.line - right.range.start.line ||
    left.range.start.character - right.range.start.character ||
    compare(a.code, b.code)
  );
}

function depKeys(asset: AssetDefinition): string[] {
  const keys: string[] = [];
  for (const dep of asset.deps) if (dep.key !== undefined) keys.push(dep.key);
  return keys;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function addToSetMap<K, V>(map: Map<K, Set<V>>, key: K, value: V, sign: 1 | -1): void {
  const set = map.get(key);
  if (sign > 0) {
    if (set) set.add(value);
    else map.set(key, new Set([value]));
  } else if (set) {
    set.delete(value);
    if (set.size === 0) map.delete(key);
  }
}

/** Stores non-empty diagnostics (or forgets the owner); true when that changes what is stored. */
function setOrDelete<K>(map: Map<K, AnalysisDiagnostic[]>, owner: K, diagnostics: AnalysisDiagnostic[]): boolean {
  if (diagnostics.length === 0) return map.delete(owner);
  map.set(owner, diagnostics);
  return true;
}

/**
 * Matches a file's old definitions with its new ones: same length and every pair in the
 * same sort position → replacements; otherwise all old ones removed and all new ones added.
 */
function pairUp<T>(
  old: readonly T[],
  next: readonly T[],
  order: (a: T, b: T) => number,
  replaced: Array<[T, T]>,
  removed: T[],
  added: T[],
): void {
  if (old.length === next.length && old.every((item, i) => order(item, next[i]!) === 0)) {
    for (let i = 0; i < old.length; i++) replaced.push([old[i]!, next[i]!]);
    return;
  }
  removed.push(...old);
  added.push(...next);
}

function dropUnchanged<T>(pairs: Array<[T, T]>): void {
  let kept = 0;
  for (const pair of pairs) if (pair[0] !== pair[1]) pairs[kept++] = pair;
  pairs.length = kept;
}

function lowerBound<T>(list: readonly T[], item: T, order: (a: T, b: T) => number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (order(list[mid]!, item) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

function upperBound<T>(list: readonly T[], item: T, order: (a: T, b: T) => number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (order(list[mid]!, item) <= 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The index of `item` itself in a sorted list (-1 when absent). */
function indexOfSorted<T>(list: readonly T[], item: T, order: (a: T, b: T) => number): number {
  for (let i = lowerBound(list, item, order); i < list.length && order(list[i]!, item) === 0; i++) if (list[i] === item) return i;
  return list.indexOf(item);
}

function replaceSorted<T>(list: T[], replaced: ReadonlyArray<readonly [T, T]>, order: (a: T, b: T) => number): void {
  for (const [old, next] of replaced) {
    const at = indexOfSorted(list, old, order);
    if (at >= 0) list[at] = next;
  }
}

function patchSorted<T>(list: T[], removed: readonly T[], added: readonly T[], order: (a: T, b: T) => number): T[] {
  let patched = list;
  if (removed.length > 0) {
    if (removed.length <= 8) {
      for (const item of removed) {
        const at = indexOfSorted(patched, item, order);
        if (at >= 0) patched.splice(at, 1);
      }
    } else {
      const gone = new Set(removed);
      patched = patched.filter((item) => !gone.has(item));
    }
  }
  if (added.length > 64) return patched.concat(added).sort(order);
  for (const item of added) patched.splice(upperBound(patched, item, order), 0, item);
  return patched;
}
