/**
 * Where a snapshot mentions assets: keys where they are defined, deps, check targets, and
 * table/file names inside SQL strings and fs calls. Navigation, hover and references all
 * start from "what is under the cursor" and "who mentions this key": SnapshotIndex answers
 * them, from the mentions collected here.
 */
import type { AnalysisSnapshot } from "../analysis";
import type { AssetDefinition, CheckDefinition, DependencyRef, Effect, TextRange } from "../model/definitions";

export type Mention =
  /** The key where a definition spells it (its `name`, or the const it is assigned to). */
  | { readonly kind: "key"; readonly range: TextRange; readonly asset: AssetDefinition }
  | { readonly kind: "dep"; readonly range: TextRange; readonly dep: DependencyRef; readonly owner: AssetDefinition }
  | { readonly kind: "checkTarget"; readonly range: TextRange; readonly check: CheckDefinition }
  /** A table or file an asset's code reads or writes. */
  | {
      readonly kind: "effect";
      readonly range: TextRange;
      readonly effect: Effect;
      readonly writes: boolean;
      readonly owner: AssetDefinition;
    };

export interface KeyReference {
  readonly file: string;
  readonly mention: Mention;
}

/** The mentions written in `file` (a definition's deps and effects are always in its own file). */
export function mentionsWrittenIn(snapshot: AnalysisSnapshot, file: string): Mention[] {
  const mentions: Mention[] = [];
  for (const asset of snapshot.assets) {
    if (asset.location.file !== file && asset.keyLocation.file !== file) continue;
    if (asset.keyLocation.file === file) mentions.push({ kind: "key", range: asset.keyLocation.range, asset });
    if (asset.location.file !== file) continue;
    for (const dep of asset.deps) mentions.push({ kind: "dep", range: dep.location.range, dep, owner: asset });
    for (const effect of asset.reads)
      mentions.push({ kind: "effect", range: effect.location.range, effect, writes: false, owner: asset });
    for (const effect of asset.writes)
      mentions.push({ kind: "effect", range: effect.location.range, effect, writes: true, owner: asset });
  }
  for (const check of snapshot.checks) {
    if (check.targetLocation.file === file)
      mentions.push({ kind: "checkTarget", range: check.targetLocation.range, check });
  }
  return mentions;
}

/**
 * One pass over every definition: deps, check targets and reads, by the keys they point at
 * (`keysOf` says which keys a read is about: the producers of what it reads).
 */
export function referencesByKey(
  snapshot: AnalysisSnapshot,
  keysOf: (mention: Mention) => string[],
): Map<string, KeyReference[]> {
  const references = new Map<string, KeyReference[]>();
  const push = (key: string, file: string, mention: Mention): void => {
    const list = references.get(key);
    if (list) list.push({ file, mention });
    else references.set(key, [{ file, mention }]);
  };
  for (const asset of snapshot.assets) {
    for (const dep of asset.deps)
      if (dep.key !== undefined)
        push(dep.key, dep.location.file, { kind: "dep", range: dep.location.range, dep, owner: asset });
    // A write is not a use: the producers of a table are its definitions, not its readers.
    for (const effect of asset.reads) {
      const mention: Mention = { kind: "effect", range: effect.location.range, effect, writes: false, owner: asset };
      for (const key of keysOf(mention)) if (key !== asset.key) push(key, effect.location.file, mention);
    }
  }
  for (const check of snapshot.checks) {
    if (check.assetKey !== undefined)
      push(check.assetKey, check.targetLocation.file, {
        kind: "checkTarget",
        range: check.targetLocation.range,
        check,
      });
  }
  return references;
}
