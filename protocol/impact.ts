/**
 * Impact analysis of uncommitted changes: what the working tree (unsaved buffers included)
 * changes against a git revision, what is downstream of it, and who to tell. The same shape
 * is printed by `assetline impact --format json`, so a CI job and the editor read one format.
 */

export interface ImpactParams {
  /** The git revision to compare with (a branch, tag, `HEAD~1`, a sha); `HEAD` when absent. */
  readonly base?: string;
  /** Only changes to (and impact on) the keys this selection names, in the selection syntax. */
  readonly selection?: string;
}

export type ImpactChangeKind = "added" | "removed" | "renamed" | "modified";
export type ImpactReason = "code" | "deps" | "metadata" | "checks";
/**
 * `breaking`: something a consumer uses is gone (a key, a table, a column it references);
 * `non-breaking`: code changed, nothing consumers use is gone; `metadata`: only owners, group,
 * description, tags, kinds, freshness or checks; `unknown`: cannot be decided statically.
 */
export type ImpactCategory = "breaking" | "non-breaking" | "metadata" | "unknown";
/** `breaking`: it uses what was removed (it will fail); `data`: its inputs may change (rebuild it). */
export type ImpactKind = "breaking" | "data";

export interface ImpactColumns {
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

export interface ImpactChange {
  readonly key: string;
  readonly change: ImpactChangeKind;
  /** The key before a rename. */
  readonly previousKey?: string;
  /** Sorted; empty for added and removed assets. */
  readonly reasons: readonly ImpactReason[];
  readonly category: ImpactCategory;
  /** One sentence in the user's words: what changed and why it got its category. */
  readonly why: string;
  /** Columns of the produced table gained and lost (empty when either side is not statically known). */
  readonly columns: ImpactColumns;
  /** The asset's owners (as defined on the working side; the base side for removed assets). */
  readonly owners: readonly string[];
  /** Workspace-relative path of the definition (of the base side for removed assets). */
  readonly file: string;
  /** 1-based line of the definition. */
  readonly line: number;
}

export interface ImpactBecause {
  /** The changed (or impacted) upstream the impact arrives through. */
  readonly key: string;
  readonly why: string;
}

export interface ImpactedAsset {
  readonly key: string;
  readonly impact: ImpactKind;
  /** Edges from the nearest changed asset (1: a direct consumer). */
  readonly distance: number;
  readonly because: readonly ImpactBecause[];
  readonly owners: readonly string[];
  /** Names of the checks on it, which should run again once it is rebuilt. */
  readonly checks: readonly string[];
  /** Where it is defined (working side), for editors; absent for placeholders. */
  readonly file?: string;
  readonly line?: number;
}

export interface ImpactCheckChange {
  /** The key of the asset the check targets. */
  readonly asset: string;
  readonly name: string;
  readonly change: "added" | "removed" | "modified";
}

export interface ImpactReport {
  readonly base: { readonly ref: string; readonly commit: string };
  /** Sorted by key. */
  readonly changes: readonly ImpactChange[];
  /** Sorted by distance, then key; a changed asset downstream of another change is listed here too. */
  readonly impacted: readonly ImpactedAsset[];
  readonly checks: readonly ImpactCheckChange[];
  /** Everyone to tell: owners of changed and impacted assets, sorted, unique. */
  readonly owners: readonly string[];
}
