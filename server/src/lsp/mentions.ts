/**
 * Where a snapshot mentions assets: keys where they are defined, deps, check targets, and
 * table/file names inside SQL strings and fs calls. Navigation, hover and references all
 * start from "what is under the cursor" and "who mentions this key", answered here.
 */
import type { Position } from "vscode-languageserver";
import type { AnalysisSnapshot } from "../analysis";
import type { AssetDefinition, CheckDefinition, DependencyRef, Effect, ResourceId, TextRange } from "../model/definitions";
import { contains, rangeSize } from "./uris";

export type Mention =
  /** The key where a definition spells it (its `name`, or the const it is assigned to). */
  | { readonly kind: "key"; readonly range: TextRange; readonly asset: AssetDefinition }
  | { readonly kind: "dep"; readonly range: TextRange; readonly dep: DependencyRef; readonly owner: AssetDefinition }
  | { readonly kind: "checkTarget"; readonly range: TextRange; readonly check: CheckDefinition }
  /** A table or file an asset's code reads or writes. */
  | { readonly kind: "effect"; readonly range: TextRange; readonly effect: Effect; readonly writes: boolean; readonly owner: AssetDefinition };

export interface KeyReference {
  readonly file: string;
  readonly mention: Mention;
}

const cache = new WeakMap<AnalysisSnapshot, SnapshotIndex>();

/**
 * Built lazily, per file and per question: after a keystroke the next hover asks about one
 * file, and must not pay for indexing a workspace of thousands of definitions. For the same
 * reason the per-key questions (definition, checks, parents, downstream count) are answered
 * from the sorted definition lists, never by building the snapshot's whole graph.
 */
export class SnapshotIndex {
  private readonly byFile = new Map<string, Mention[]>();
  private referencesByKey: Map<string, KeyReference[]> | undefined;
  private downstream: Map<string, number> | undefined;

  /** The index of a snapshot, built once and shared by every request on that snapshot. */
  static of(snapshot: AnalysisSnapshot): SnapshotIndex {
    let index = cache.get(snapshot);
    if (!index) cache.set(snapshot, (index = new SnapshotIndex(snapshot)));
    return index;
  }

  private constructor(readonly snapshot: AnalysisSnapshot) {}

  /** Every mention in a file, in no particular order. */
  mentionsIn(file: string): readonly Mention[] {
    let mentions = this.byFile.get(file);
    if (!mentions) this.byFile.set(file, (mentions = this.collect(file)));
    return mentions;
  }

  /** The innermost mention under the cursor. */
  mentionAt(file: string, position: Position): Mention | undefined {
    let best: Mention | undefined;
    for (const mention of this.mentionsIn(file)) {
      if (!contains(mention.range, position)) continue;
      if (!best || rangeSize(mention.range) < rangeSize(best.range)) best = mention;
    }
    return best;
  }

  /** Every definition of a key (more than one is AL004). Assets are sorted by key: a binary search. */
  definitionsOf(key: string): readonly AssetDefinition[] {
    const assets = this.snapshot.assets;
    let low = 0;
    let high = assets.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (assets[middle]!.key < key) low = middle + 1;
      else high = middle;
    }
    const found: AssetDefinition[] = [];
    for (let i = low; i < assets.length && assets[i]!.key === key; i++) found.push(assets[i]!);
    return found;
  }

  /** The definition of a key that is in the graph (the first, when duplicated), as `graph.definition` answers. */
  definition(key: string): AssetDefinition | undefined {
    return this.definitionsOf(key)[0];
  }

  /** The checks targeting a key, sorted by name. Checks are sorted by target then name: a binary search. */
  checksOf(key: string): readonly CheckDefinition[] {
    const checks = this.snapshot.checks;
    let low = 0;
    let high = checks.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((checks[middle]!.asset ?? "") < key) low = middle + 1;
      else high = middle;
    }
    const found: CheckDefinition[] = [];
    for (let i = low; i < checks.length && checks[i]!.asset === key; i++) found.push(checks[i]!);
    return found;
  }

  /** The direct upstream keys of a key (placeholders included, itself excluded), sorted. */
  parents(key: string): string[] {
    const definition = this.definition(key);
    if (!definition) return [];
    const keys = new Set<string>();
    for (const dep of definition.deps) if (dep.key !== undefined && dep.key !== key) keys.add(dep.key);
    return [...keys].sort();
  }

  /** How many assets depend directly on a key (itself excluded). */
  downstreamCount(key: string): number {
    this.downstream ??= new Map();
    let count = this.downstream.get(key);
    if (count === undefined) {
      count = 0;
      const assets = this.snapshot.assets;
      for (let i = 0; i < assets.length; i++) {
        const asset = assets[i]!;
        // Only the first definition of a key is in the graph (duplicates are AL004).
        if (asset.key === key || (i > 0 && assets[i - 1]!.key === asset.key)) continue;
        if (asset.deps.some((dep) => dep.key === key)) count++;
      }
      this.downstream.set(key, count);
    }
    return count;
  }

  /** The assets and sources producing a table or file. */
  producersOf(resource: ResourceId): readonly AssetDefinition[] {
    return this.snapshot.producers.get(resource) ?? [];
  }

  /** The keys a mention is about: the asset it names, or the producers of the table/file it names. */
  keysOf(mention: Mention): string[] {
    switch (mention.kind) {
      case "key":
        return [mention.asset.key];
      case "dep":
        return mention.dep.key === undefined ? [] : [mention.dep.key];
      case "checkTarget":
        return mention.check.asset === undefined ? [] : [mention.check.asset];
      case "effect":
        return [...new Set(this.producersOf(mention.effect.resource).map((producer) => producer.key))];
    }
  }

  /** Places that depend on a key: deps naming it, checks targeting it, code reading what it produces. */
  referencesTo(key: string): readonly KeyReference[] {
    this.referencesByKey ??= this.buildReferences();
    return this.referencesByKey.get(key) ?? [];
  }

  /** The mentions written in `file` (a definition's deps and effects are always in its own file). */
  private collect(file: string): Mention[] {
    const mentions: Mention[] = [];
    for (const asset of this.snapshot.assets) {
      if (asset.location.file !== file && asset.keyLocation.file !== file) continue;
      if (asset.keyLocation.file === file) mentions.push({ kind: "key", range: asset.keyLocation.range, asset });
      if (asset.location.file !== file) continue;
      for (const dep of asset.deps) mentions.push({ kind: "dep", range: dep.location.range, dep, owner: asset });
      for (const effect of asset.reads) mentions.push({ kind: "effect", range: effect.location.range, effect, writes: false, owner: asset });
      for (const effect of asset.writes) mentions.push({ kind: "effect", range: effect.location.range, effect, writes: true, owner: asset });
    }
    for (const check of this.snapshot.checks) {
      if (check.targetLocation.file === file) mentions.push({ kind: "checkTarget", range: check.targetLocation.range, check });
    }
    return mentions;
  }

  /** One pass over every definition: deps, check targets and reads, by the keys they point at. */
  private buildReferences(): Map<string, KeyReference[]> {
    const references = new Map<string, KeyReference[]>();
    const push = (key: string, file: string, mention: Mention): void => {
      const list = references.get(key);
      if (list) list.push({ file, mention });
      else references.set(key, [{ file, mention }]);
    };
    for (const asset of this.snapshot.assets) {
      for (const dep of asset.deps) if (dep.key !== undefined) push(dep.key, dep.location.file, { kind: "dep", range: dep.location.range, dep, owner: asset });
      // A write is not a use: the producers of a table are its definitions, not its readers.
      for (const effect of asset.reads) {
        const mention: Mention = { kind: "effect", range: effect.location.range, effect, writes: false, owner: asset };
        for (const key of this.keysOf(mention)) if (key !== asset.key) push(key, effect.location.file, mention);
      }
    }
    for (const check of this.snapshot.checks) {
      if (check.asset !== undefined) push(check.asset, check.targetLocation.file, { kind: "checkTarget", range: check.targetLocation.range, check });
    }
    return references;
  }
}
