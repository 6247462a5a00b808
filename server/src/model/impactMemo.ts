/** What answers against one base revision keep between edits (see analyzeImpact). */
import type { AssetDefinition } from "./definitions";
import type { SideIndex } from "./impactIndex";

/**
 * What stays true between two answers for the same base: working definitions found unchanged
 * (by object: an unedited file keeps its definitions), and the working side's index.
 */
export class ImpactMemo {
  readonly unchanged = new WeakMap<AssetDefinition, AssetDefinition>();
  working: SideIndex | undefined;
}
