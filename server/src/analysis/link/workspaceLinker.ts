import type {
  AnalysisDiagnostic,
  AssetDefinition,
  CheckDefinition,
  DependencyRef,
  ResourceId,
} from "../../model/definitions";
import type { AssetGraph } from "../../model/graph";
import { ColumnDiagnostics } from "../diagnostics/columnDiagnostics";
import type { FileFacts } from "../facts";
import { CycleTracker } from "./cycleTracker";
import { type DefinitionDelta, DefinitionLists, emptyRelinked, type Relinked } from "./definitionLists";
import { DefinitionProblems } from "./definitionProblems";
import { buildEditIndexes, type EditIndexes, indexCheck, indexDependsOn, indexReadsAndDeps } from "./editIndexes";
import { FileDiagnostics } from "./fileDiagnostics";
import { HelperVersions } from "./helperVersions";
import { type KeyChanges, LinkedKeys } from "./linkedKeys";
import { type FileLink, LinkPass, linkSurface } from "./linkPass";
import { ProducerIndex } from "./producerIndex";
import { appendAll, dropUnchanged, pairUp } from "./sortedLists";

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

/** Past this fraction of the workspace's files to re-link, one whole-workspace link is cheaper than patching. */
const FULL_LINK_FRACTION = 0.25;
/** Up to this many files to re-link, patching wins even in a small workspace. */
const FULL_LINK_MIN_FILES = 64;

/**
 * Links the workspace and keeps the result up to date as files change, doing work in
 * proportion to what an edit can affect rather than to the workspace:
 *
 *  - a file is re-linked when its facts change, or when what other files can see of a file
 *    its link read (through imports, re-exports, helpers, or a probed path that did not
 *    exist) changes: see `linkSurface`;
 *  - the sorted definition lists (`DefinitionLists`), the keys (`LinkedKeys`), the producers
 *    (`ProducerIndex`) and the reader indexes (`EditIndexes`) are patched with the definitions
 *    that were replaced;
 *  - AL002–AL005 are recomputed only for the definitions whose inputs changed (their own
 *    definition, the definedness of a key they name, the producers of a table they read:
 *    `DefinitionProblems`); AL008 likewise, by its own module (`ColumnDiagnostics`);
 *  - AL001 is re-derived only when the dependency edges change, and then only when the new
 *    edges do not fit the acyclic graph's levels (`CycleTracker`);
 *  - diagnostics are kept per file, and only the files whose diagnostics changed are re-sorted
 *    (`FileDiagnostics`).
 *
 * The result is the same as linking every file from scratch (test/unit/analysis-incremental.test.ts
 * checks it after random edits); the orders where the old whole-workspace link had ties
 * now fall back on the file path, which is the order a fresh analysis always had.
 *
 * This class orchestrates: one method per step of a link, the state they share, the orders.
 */
export class WorkspaceLinker {
  private readonly helperVersions: HelperVersions;
  private links = new Map<string, FileLink>();
  private initialised = false;

  private readonly lists = new DefinitionLists();
  private readonly keys = new LinkedKeys();
  private readonly producers = new ProducerIndex(this.lists.assetOrder);
  /** Built at the first edit (see EditIndexes). */
  private editIndexes: EditIndexes | undefined;
  private readonly surfaces = new WeakMap<FileFacts, string>();

  /** AL008, kept by its own module. */
  private readonly columnDiagnostics = new ColumnDiagnostics();
  private readonly problems = new DefinitionProblems({
    keys: this.keys.index,
    columnDiagnosticsOf: (asset) => this.columnDiagnostics.of(asset),
    unresolvedTargets: (file) => this.links.get(file)?.unresolvedTargets ?? EMPTY_MAP,
    producersOf: this.producers.producersOf,
  });
  private readonly cycles = new CycleTracker({
    nodes: () => this.keys.nodes(),
    depsOf: (key) => this.keys.depsOf(key),
    childrenOf: (key) => this.childrenOf(key),
    sortedAssets: () => this.lists.sortedAssets,
    sortedChecks: () => this.lists.sortedChecks,
    first: (key) => this.keys.first(key),
  });
  private readonly fileDiagnostics = new FileDiagnostics();

  constructor(
    private readonly facts: ReadonlyMap<string, FileFacts>,
    private readonly options: { readonly trackFirstLink: boolean } = { trackFirstLink: false },
  ) {
    this.helperVersions = new HelperVersions();
  }

  readonly producedResources = this.producers.producedResources;

  /**
   * Builds now what edits need and a one-shot analysis does not (indexes, node levels), so the
   * first edit after a full link does not pay for it (~130 ms at 13,500 definitions).
   */
  prepareForEdits(): void {
    if (!this.initialised) return;
    this.editIndexes ??= this.buildEditIndexes();
    this.keys.prepareForEdits();
    this.cycles.prepareForEdits();
    this.columnDiagnostics.prepareForEdits();
  }

  /** Forgets everything: the next link starts from scratch. */
  reset(): void {
    this.initialised = false;
  }

  /** Links after the facts of `changed` paths were replaced, added or removed. */
  link(changed: ReadonlySet<string>): LinkedWorkspace {
    if (!this.initialised) return this.linkEverything();
    const dirty = this.filesToRelink(changed);
    if (dirty.size > FULL_LINK_MIN_FILES && dirty.size > this.facts.size * FULL_LINK_FRACTION)
      return this.linkEverything();
    return this.linkIncrementally(changed, dirty);
  }

  private linkEverything(): LinkedWorkspace {
    // The first link may be all there is (the CLI): what each file's link read is traced when
    // edits need it. A whole link during an editing session is followed by edits: track it.
    const { files, definitionsByKey } = this.linkEveryFile(this.initialised || this.options.trackFirstLink);
    this.indexEveryDefinition(definitionsByKey);
    // Only a graph with cycles is built here (to report them); otherwise the snapshot builds it when asked.
    const graph = this.cycles.recompute();
    this.checkEveryDefinition();
    this.fileDiagnostics.clear();
    // Every file is sorted already; AL001 sits in files with definitions, so adds none unless a facts-less one.
    let withDiagnostics: readonly string[] = files;
    if (this.cycles.diagnostics.length > 0) {
      const all = new Set<string>(files);
      for (const diagnostic of this.cycles.diagnostics) all.add(diagnostic.location.file);
      withDiagnostics = [...all].sort();
    }
    for (let i = 0; i < withDiagnostics.length; i++) this.rebuildFileDiagnostics(withDiagnostics[i]!);
    this.initialised = true;
    return this.result(graph);
  }

  private linkIncrementally(changed: ReadonlySet<string>, dirty: ReadonlySet<string>): LinkedWorkspace {
    for (const path of changed) this.lists.updateFile(path, this.facts.has(path));
    const touchedFiles = new Set<string>();
    const delta = this.lists.patch(this.relink(dirty, touchedFiles));
    const changedResources = this.reindex(delta);
    const keys = this.updateKeys(delta);
    this.recheckDuplicates(keys, touchedFiles);
    this.recheckMissingUpstream(delta, keys, touchedFiles);
    this.recheckUndeclaredReads(delta, changedResources, touchedFiles);
    this.recheckCheckTargets(delta, keys, touchedFiles);
    this.recheckColumns(delta, touchedFiles);
    const graph = this.cycles.recheck(keys, touchedFiles);
    for (const file of touchedFiles) this.rebuildFileDiagnostics(file);
    return this.result(graph);
  }

  // ---- the steps of a whole-workspace link

  /** Links every file and sorts what they define; returns the files, sorted, and each key's definitions. */
  private linkEveryFile(track: boolean): { files: string[]; definitionsByKey: Map<string, AssetDefinition[]> } {
    this.links = new Map();
    this.editIndexes = undefined;
    const files = [...this.facts.keys()].sort();
    const pass = new LinkPass(this.facts, this.helperVersions, { track });
    const links = files.map((file) => {
      const link = pass.linkFile(file)!;
      this.setLink(file, link);
      return link;
    });
    return { files, definitionsByKey: this.lists.reset(files, links) };
  }

  /** The keys and the producer index, from scratch. */
  private indexEveryDefinition(definitionsByKey: Map<string, AssetDefinition[]>): void {
    this.keys.reset(definitionsByKey);
    this.producers.reset(this.lists.sortedAssets);
  }

  /**
   * AL002–AL005 of every definition, and AL001 of the cycles found. The whole link's loops index
   * their arrays and call `forEach` on maps: they run once, mostly before V8 optimises them, and
   * unoptimised `for…of` allocates an iterator result per item (~22 of the link's 74 MB).
   */
  private checkEveryDefinition(): void {
    this.problems.clear();
    const assets = this.lists.sortedAssets;
    for (let i = 0; i < assets.length; i++) {
      this.problems.updateMissing(assets[i]!);
      this.problems.updateUndeclared(assets[i]!);
    }
    this.keys.forEachKey((list, key) => this.problems.updateDuplicates(key, list));
    const checks = this.lists.sortedChecks;
    for (let i = 0; i < checks.length; i++) this.problems.updateBadTarget(checks[i]!);
    this.columnDiagnostics.rebuild(this.lists.sortedAssets);
    this.cycles.rediagnose();
  }

  // ---- the steps of an incremental link

  /** The changed paths, plus the files whose link read one whose surface changed. */
  private filesToRelink(changed: ReadonlySet<string>): Set<string> {
    const editIndexes = (this.editIndexes ??= this.buildEditIndexes());
    const dirty = new Set<string>();
    for (const path of changed) {
      dirty.add(path);
      const users = editIndexes.dependents.get(path);
      if (!users || this.surfaceUnchanged(path)) continue;
      for (const file of users) dirty.add(file);
    }
    return dirty;
  }

  /** Re-links the dirty files; adds the files whose definitions changed to `touched`. */
  private relink(dirty: ReadonlySet<string>, touched: Set<string>): Relinked {
    const editIndexes = this.editIndexes!;
    const pass = new LinkPass(this.facts, this.helperVersions, { track: true });
    const relinked = emptyRelinked();
    const { assets, checks } = relinked;
    for (const file of dirty) {
      const old = this.links.get(file);
      const next = this.facts.has(file) ? pass.linkFile(file, old) : undefined;
      if (!old && !next) continue;
      touched.add(file);
      if (old) this.clearLink(file, old, editIndexes);
      if (next) this.setLink(file, next, editIndexes);
      pairUp(
        old?.assets ?? [],
        next?.assets ?? [],
        this.lists.assetOrder,
        assets.replaced,
        assets.removed,
        assets.added,
      );
      pairUp(
        old?.checks ?? [],
        next?.checks ?? [],
        this.lists.checkOrder,
        checks.replaced,
        checks.removed,
        checks.added,
      );
    }
    // Definitions linking returned unchanged (the same objects) need nothing below.
    dropUnchanged(assets.replaced);
    dropUnchanged(checks.replaced);
    return relinked;
  }

  /** The indexes by resource, dep key and check target; returns the resources whose producers changed. */
  private reindex(delta: DefinitionDelta): Set<ResourceId> {
    const editIndexes = this.editIndexes!;
    const changedResources = new Set<ResourceId>();
    for (const asset of delta.goneAssets)
      for (const resource of this.indexAsset(asset, -1, editIndexes)) changedResources.add(resource);
    for (const asset of delta.newAssets)
      for (const resource of this.indexAsset(asset, +1, editIndexes)) changedResources.add(resource);
    for (const check of delta.goneChecks) indexCheck(check, -1, editIndexes);
    for (const check of delta.newChecks) indexCheck(check, +1, editIndexes);
    return changedResources;
  }

  /** The keys of the definitions gone and new: their definitions, graph edges, definedness, placeholders. */
  private updateKeys(delta: DefinitionDelta): KeyChanges {
    const keys = new Set<string>();
    for (const asset of delta.goneAssets) keys.add(asset.key);
    for (const asset of delta.newAssets) keys.add(asset.key);
    return this.keys.update(keys, (key) => this.lists.definitionsOf(key));
  }

  /** AL004: the keys whose definitions changed. */
  private recheckDuplicates(keys: KeyChanges, touched: Set<string>): void {
    for (const [key, before, after] of keys.redefined) this.problems.replaceDuplicates(key, before, after, touched);
  }

  /** AL002: new assets, assets naming a key whose status changed, and (suggestions) all reported ones. */
  private recheckMissingUpstream(delta: DefinitionDelta, keys: KeyChanges, touched: Set<string>): void {
    for (const asset of delta.goneAssets) if (this.problems.forgetMissing(asset)) touched.add(asset.location.file);
    const toCheck = new Set<AssetDefinition>(delta.newAssets);
    for (const key of [...keys.defined, ...keys.placeholders]) {
      for (const asset of this.editIndexes!.depUsers.get(key) ?? []) toCheck.add(asset);
    }
    if (keys.defined.size > 0) for (const asset of this.problems.assetsMissingUpstream()) toCheck.add(asset);
    for (const asset of toCheck) if (this.problems.updateMissing(asset)) touched.add(asset.location.file);
  }

  /** AL003: new assets, and readers of a resource whose producers changed. */
  private recheckUndeclaredReads(
    delta: DefinitionDelta,
    changedResources: ReadonlySet<ResourceId>,
    touched: Set<string>,
  ): void {
    for (const asset of delta.goneAssets) if (this.problems.forgetUndeclared(asset)) touched.add(asset.location.file);
    const toCheck = new Set<AssetDefinition>(delta.newAssets);
    for (const resource of changedResources)
      for (const asset of this.editIndexes!.readers.get(resource) ?? []) toCheck.add(asset);
    for (const asset of toCheck) if (this.problems.updateUndeclared(asset)) touched.add(asset.location.file);
  }

  /** AL005: new checks, checks on a key whose definedness changed, and (suggestions) all reported ones. */
  private recheckCheckTargets(delta: DefinitionDelta, keys: KeyChanges, touched: Set<string>): void {
    for (const check of delta.goneChecks) if (this.problems.forgetBadTarget(check)) touched.add(check.location.file);
    const toCheck = new Set<CheckDefinition>(delta.newChecks);
    for (const key of keys.defined)
      for (const check of this.editIndexes!.checksByTarget.get(key) ?? []) toCheck.add(check);
    if (keys.defined.size > 0) for (const check of this.problems.checksWithBadTarget()) toCheck.add(check);
    for (const check of toCheck) if (this.problems.updateBadTarget(check)) touched.add(check.location.file);
  }

  /** AL008: its module knows which readers a change of columns can affect. */
  private recheckColumns(delta: DefinitionDelta, touched: Set<string>): void {
    const files = this.columnDiagnostics.update(delta.goneAssets, delta.newAssets);
    for (const file of files) touched.add(file);
  }

  // ---- shared by both

  private setLink(file: string, link: FileLink, editIndexes?: EditIndexes): void {
    this.links.set(file, link);
    this.lists.noteLink(link);
    if (editIndexes) indexDependsOn(file, link, +1, editIndexes);
  }

  private clearLink(file: string, link: FileLink, editIndexes: EditIndexes): void {
    this.links.delete(file);
    indexDependsOn(file, link, -1, editIndexes);
  }

  private buildEditIndexes(): EditIndexes {
    this.traceDependencies();
    return buildEditIndexes(this.links, this.lists.sortedAssets, this.lists.sortedChecks);
  }

  /**
   * Fills in `dependsOn` of links made without tracking, by tracing each file's link again over
   * the facts it was made from (helpers included: a file deleted since has facts only there).
   */
  private traceDependencies(): void {
    let pass: LinkPass | undefined;
    for (const [file, link] of this.links) {
      if (link.dependsOn) continue;
      pass ??= new LinkPass(this.linkedFacts(), this.helperVersions, { track: true });
      this.links.set(file, { ...link, dependsOn: pass.dependenciesOf(file, link) });
    }
  }

  /** The facts the current links were made from. */
  private linkedFacts(): Map<string, FileFacts> {
    const facts = new Map<string, FileFacts>();
    for (const [file, link] of this.links) facts.set(file, link.facts);
    return facts;
  }

  /** Adds (+1) or removes (-1) an asset from the producer, reader and dep indexes; returns the resources it produces. */
  private indexAsset(asset: AssetDefinition, sign: 1 | -1, editIndexes: EditIndexes): readonly ResourceId[] {
    const produced = this.producers.update(asset, sign);
    indexReadsAndDeps(asset, sign, editIndexes);
    return produced;
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
    const users = this.editIndexes!.depUsers.get(key);
    if (!users) return;
    for (const asset of users) if (this.keys.first(asset.key) === asset) yield asset.key;
  }

  /**
   * One file's diagnostics; ties in position and code keep the order the checks run in:
   * linking's AL006, the file's own, then AL001, then the definitions' (DefinitionProblems.collect).
   */
  private rebuildFileDiagnostics(file: string): void {
    const link = this.links.get(file);
    const found: AnalysisDiagnostic[] = [];
    if (link) appendAll(found, link.diagnostics);
    const facts = this.facts.get(file);
    if (facts) appendAll(found, facts.diagnostics);
    const cycles = this.cycles.diagnostics;
    for (let i = 0; i < cycles.length; i++) if (cycles[i]!.location.file === file) found.push(cycles[i]!);
    if (link) this.problems.collect(link, this.lists.assetOrder, found);
    this.fileDiagnostics.set(file, found);
  }

  private result(graph: AssetGraph | undefined): LinkedWorkspace {
    const diagnostics = this.fileDiagnostics.all();
    return { ...this.lists.share(), diagnostics, graph, producedResources: this.producedResources };
  }
}

const EMPTY_MAP: ReadonlyMap<DependencyRef | CheckDefinition, string> = new Map();
