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

export class SnapshotIndex {
  private readonly byFile = new Map<string, Mention[]>();
  private referencesByKey: Map<string, KeyReference[]> | undefined;
  private readonly definitionsByKey = new Map<string, AssetDefinition[]>();

  /** The index of a snapshot, built once and shared by every request on that snapshot. */
  static of(snapshot: AnalysisSnapshot): SnapshotIndex {
    let index = cache.get(snapshot);
    if (!index) cache.set(snapshot, (index = new SnapshotIndex(snapshot)));
    return index;
  }

  private constructor(readonly snapshot: AnalysisSnapshot) {
    for (const asset of snapshot.assets) {
      const same = this.definitionsByKey.get(asset.key);
      if (same) same.push(asset);
      else this.definitionsByKey.set(asset.key, [asset]);
      this.add(asset.keyLocation.file, { kind: "key", range: asset.keyLocation.range, asset });
      for (const dep of asset.deps) this.add(dep.location.file, { kind: "dep", range: dep.location.range, dep, owner: asset });
      for (const effect of asset.reads) this.add(effect.location.file, { kind: "effect", range: effect.location.range, effect, writes: false, owner: asset });
      for (const effect of asset.writes) this.add(effect.location.file, { kind: "effect", range: effect.location.range, effect, writes: true, owner: asset });
    }
    for (const check of snapshot.checks) {
      this.add(check.targetLocation.file, { kind: "checkTarget", range: check.targetLocation.range, check });
    }
  }

  /** Every mention in a file, in no particular order. */
  mentionsIn(file: string): readonly Mention[] {
    return this.byFile.get(file) ?? [];
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
    return this.definitionsByKey.get(key) ?? [];
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

  private add(file: string, mention: Mention): void {
    const list = this.byFile.get(file);
    if (list) list.push(mention);
    else this.byFile.set(file, [mention]);
  }

  private buildReferences(): Map<string, KeyReference[]> {
    const references = new Map<string, KeyReference[]>();
    const push = (key: string, file: string, mention: Mention): void => {
      const list = references.get(key);
      if (list) list.push({ file, mention });
      else references.set(key, [{ file, mention }]);
    };
    for (const [file, mentions] of this.byFile) {
      for (const mention of mentions) {
        if (mention.kind === "key") continue;
        // A write is not a use: the producers of a table are its definitions, not its readers.
        if (mention.kind === "effect" && mention.writes) continue;
        for (const key of this.keysOf(mention)) {
          if (mention.kind === "effect" && key === mention.owner.key) continue;
          push(key, file, mention);
        }
      }
    }
    return references;
  }
}
