import type { Position } from "vscode-languageserver";
import type { AnalysisSnapshot } from "../analysis";
import { DefinitionIndex } from "../model/definitionIndex";
import type { AssetDefinition, CheckDefinition, Effect, ResourceId } from "../model/definitions";
import { type KeyReference, type Mention, mentionsWrittenIn, referencesToKey } from "./mentions";
import { contains, rangeSize } from "./uris";

const cache = new WeakMap<AnalysisSnapshot, SnapshotIndex>();

/**
 * What the language server asks of a snapshot: the mentions in a file, the references to a key,
 * and the per-key questions (definition, checks, parents, downstream count). Built lazily, per
 * file and per question: after a keystroke the next hover asks about one file, and must not pay
 * for indexing a workspace of thousands of definitions. For the same reason the per-key questions
 * are answered from the sorted definition lists (DefinitionIndex), never by building the
 * snapshot's whole graph; they answer as the graph would.
 */
export class SnapshotIndex {
  private readonly byFile = new Map<string, Mention[]>();
  private readonly definitions: DefinitionIndex;
  /** The last key asked for and its references: a references request asks for the same key again. */
  private references: { readonly key: string; readonly found: readonly KeyReference[] } | undefined;
  private downstream: Map<string, number> | undefined;

  /** The index of a snapshot, built once and shared by every request on that snapshot. */
  static of(snapshot: AnalysisSnapshot): SnapshotIndex {
    let index = cache.get(snapshot);
    if (!index) cache.set(snapshot, (index = new SnapshotIndex(snapshot)));
    return index;
  }

  private constructor(readonly snapshot: AnalysisSnapshot) {
    this.definitions = new DefinitionIndex(snapshot.assets, snapshot.checks);
  }

  /** Every mention in a file, in no particular order. */
  mentionsIn(file: string): readonly Mention[] {
    let mentions = this.byFile.get(file);
    if (!mentions) this.byFile.set(file, (mentions = mentionsWrittenIn(this.snapshot, file)));
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

  /** Every definition of a key (more than one is AL004). */
  definitionsOf(key: string): readonly AssetDefinition[] {
    return this.definitions.definitionsOf(key);
  }

  /** The definition of a key that is in the graph (the first, when duplicated), as `graph.definition` answers. */
  definition(key: string): AssetDefinition | undefined {
    return this.definitions.definition(key);
  }

  /** The checks targeting a key, sorted by name, as `graph.checksOf` answers. */
  checksOf(key: string): readonly CheckDefinition[] {
    return this.definitions.checksOf(key);
  }

  /** The direct upstream keys of a key, sorted, as `graph.parents` answers (itself included on a self-loop). */
  parents(key: string): string[] {
    return this.definitions.parents(key);
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
        return mention.check.assetKey === undefined ? [] : [mention.check.assetKey];
      case "effect":
        return [...new Set(this.producersOf(mention.effect.resource).map((producer) => producer.key))];
    }
  }

  /** Places that depend on a key: deps naming it, checks targeting it, code reading what it produces. */
  referencesTo(key: string): readonly KeyReference[] {
    if (this.references?.key !== key) {
      const readsFrom = (effect: Effect): boolean =>
        this.producersOf(effect.resource).some((producer) => producer.key === key);
      this.references = { key, found: referencesToKey(this.snapshot, key, readsFrom) };
    }
    return this.references.found;
  }
}
