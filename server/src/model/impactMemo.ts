/** What answers against one base revision keep between edits (see analyzeImpact). */
import type { ImpactBecause, ImpactCheckChange, ImpactedAsset, ImpactKind } from "../../../protocol/impact";
import type { AssetDefinition, CheckDefinition } from "./definitions";
import type { SideIndex } from "./impactIndex";

/**
 * What stays true between two answers for the same base: working definitions found unchanged
 * (by object: an unedited file keeps its definitions), the working side's index, the keys the
 * last answer found changed, and its downstream walk.
 */
export class ImpactMemo {
  readonly unchanged = new WeakMap<AssetDefinition, AssetDefinition>();
  working: SideIndex | undefined;
  /**
   * The keys the last answer found added, removed or changed, and the working index (and its
   * patch count) they were found against: any other key is unchanged until a patch touches it.
   */
  suspects: { readonly index: SideIndex; readonly patches: number; readonly keys: ReadonlySet<string> } | undefined;
  /** A check's identity in the diff (target and name), by object. */
  readonly checkIds = new WeakMap<CheckDefinition, string>();
  /** The base's checks by identity, for the base's checks list it was built from. */
  baseChecks:
    { readonly checks: readonly CheckDefinition[]; readonly byId: ReadonlyMap<string, CheckDefinition> } | undefined;
  /** The working side's checks the last diff of checks was computed for, and its result. */
  workingChecks:
    { readonly checks: readonly CheckDefinition[]; readonly changes: readonly ImpactCheckChange[] } | undefined;
  /** The last downstream walk and the impacted list built from it (see impactWalk.ts). */
  walk: ImpactWalk | undefined;
}

/** Where the walk reached an asset: its verdict, its distance, and every upstream at that distance. */
export interface Reached {
  impact: ImpactKind;
  distance: number;
  because: ImpactBecause[];
}

export interface ImpactWalk {
  /** The walk's inputs: what the changes seed it with, and the index's edges version. */
  readonly seeds: string;
  readonly index: SideIndex;
  readonly edges: number;
  /** The index's patch count when the entries were last brought up to date. */
  readonly patches: number;
  readonly reached: ReadonlyMap<string, Reached>;
  /** Built from `reached`, sorted by distance then key; entries are replaced when their definition or checks change. */
  readonly impacted: readonly ImpactedAsset[];
  /** The definition and the checks each entry was built from. */
  readonly builtFrom: ReadonlyMap<string, AssetDefinition | undefined>;
  readonly checks: readonly CheckDefinition[];
  /** How many impacted entries each owner owns, and those owners sorted. */
  readonly ownerCounts: ReadonlyMap<string, number>;
  readonly owners: readonly string[];
}
