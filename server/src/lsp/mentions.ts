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
 * The deps, check targets and reads pointing at `key`, in definition order (`readsFrom` says
 * whether a read is about it: whether the key produces what it reads). One pass over the
 * definitions per key asked: an index of every key's references, built at the first request,
 * held ~8 MB at 3,000 files for as long as its snapshot lived and cost that request ~250 ms.
 */
export function referencesToKey(
  snapshot: AnalysisSnapshot,
  key: string,
  readsFrom: (effect: Effect) => boolean,
): KeyReference[] {
  const found: KeyReference[] = [];
  for (const asset of snapshot.assets) {
    for (const dep of asset.deps)
      if (dep.key === key)
        found.push({ file: dep.location.file, mention: { kind: "dep", range: dep.location.range, dep, owner: asset } });
    // A write is not a use (the producers of a table are its definitions), nor is a read of its own output.
    if (asset.key === key) continue;
    for (const effect of asset.reads) {
      if (!readsFrom(effect)) continue;
      const mention: Mention = { kind: "effect", range: effect.location.range, effect, writes: false, owner: asset };
      found.push({ file: effect.location.file, mention });
    }
  }
  for (const check of snapshot.checks) {
    if (check.assetKey === key) {
      const mention: Mention = { kind: "checkTarget", range: check.targetLocation.range, check };
      found.push({ file: check.targetLocation.file, mention });
    }
  }
  return found;
}
