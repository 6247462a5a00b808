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

/**
 * The editor's answer: what changed and how far it reaches, in counts. Its size depends on the
 * changes the user made, not on how many assets they impact; the impacted assets themselves are
 * fetched a page at a time (ImpactDownstreamRequest) when a view shows them.
 */
export interface ImpactSummary {
  readonly base: { readonly ref: string; readonly commit: string };
  /**
   * Every asset the changes touch, changed or impacted, counted once by its strongest tone:
   * `breaking` (it will fail, or breaks a consumer), `data` (its data may change: rebuild it),
   * `other` (a metadata-only change). The lineage overlay colours nodes the same way.
   */
  readonly counts: { readonly breaking: number; readonly data: number; readonly other: number };
  /** Impacted assets downstream of the changes, by kind; `total` is their sum. */
  readonly impacted: { readonly total: number; readonly breaking: number; readonly data: number };
  /** Sorted by key, as in the report, each with how much of the impact it leads to. */
  readonly changes: readonly ImpactChangeSummary[];
  readonly checks: readonly ImpactCheckChange[];
  /** Everyone to tell: how many, and the first of them by name (the rest by ImpactOwnersRequest). */
  readonly owners: { readonly total: number; readonly first: readonly string[] };
}

/** A change as the summary lists it; a `why` naming many consumers is cut at 400 characters, ending in "…". */
export interface ImpactChangeSummary extends ImpactChange {
  /** Impacted assets listed under this change (ImpactDownstreamRequest pages through them), by kind. */
  readonly downstream: { readonly breaking: number; readonly data: number };
}

/** Which page of what: the base as for ImpactParams, then where the page starts and its size. */
export interface ImpactPageParams {
  /** The git revision to compare with; `HEAD` when absent. */
  readonly base?: string;
  /** 0-based index of the first entry; 0 when absent. */
  readonly offset?: number;
  /** Entries wanted; 200 when absent, at most 1,000. */
  readonly limit?: number;
}

export interface ImpactDownstreamParams extends ImpactPageParams {
  /** The changed asset's key, as the summary lists it. */
  readonly change: string;
}

/** An impacted asset as listed under one change. */
export interface ImpactDownstreamEntry {
  /** Edges from this change (the asset's own `distance` counts from its nearest change). */
  readonly hops: number;
  readonly asset: ImpactedAsset;
}

/**
 * One page of what a change impacts: breaking first, then by hops from the change, then by key.
 * `total` is the length of the whole list, so a view can say how many more there are.
 */
export interface ImpactDownstreamPage {
  readonly base: { readonly ref: string; readonly commit: string };
  /** The change, in full (its `why` is not shortened as the summary's may be). */
  readonly change: ImpactChange;
  readonly total: number;
  readonly offset: number;
  readonly entries: readonly ImpactDownstreamEntry[];
}

export interface ImpactOwnersPage {
  readonly base: { readonly ref: string; readonly commit: string };
  readonly total: number;
  readonly offset: number;
  /** Sorted, unique. */
  readonly owners: readonly string[];
}

export interface ImpactHighlightsParams {
  /** The git revision to compare with; `HEAD` when absent. */
  readonly base?: string;
  /** The keys a view draws; the answer covers only these. */
  readonly keys: readonly string[];
}
