/**
 * Asset health as the server reports it to the client (CodeLens, lineage colours, status
 * views). Plain data; the server computes it from the run history and the current code.
 */
import type { FailureLocation } from "./runs";

/**
 * One state per asset, the first that applies (most actionable first). "unknown" means the
 * run history exists but cannot be read (e.g. written by a newer Assetline).
 */
export type AssetState =
  "failed" | "never-materialized" | "code-changed" | "upstream-changed" | "overdue" | "fresh" | "unknown";

export interface CheckSummary {
  readonly name: string;
  /** Undefined when the check was never evaluated. */
  readonly passed: boolean | undefined;
  /** Epoch ms of the latest evaluation. */
  readonly evaluatedAt: number | undefined;
}

/**
 * "When will my data be ready?" for one asset, as `assetline status` answers it (NEXT): its next
 * expected materialization, from its automation conditions, its upstreams' expected times and
 * its own duration history.
 */
export interface AssetNext {
  /** Epoch ms the next materialization should be done; undefined when nothing will rebuild it. */
  readonly expectedAt: number | undefined;
  /** p50 of its recent successful builds, undefined when never timed. */
  readonly durationP50Ms: number | undefined;
  /** p90 of the same (what on-freshness plans with). */
  readonly durationP90Ms: number | undefined;
  /**
   * With a freshness policy: true when the next materialization lands after its deadline, or
   * none is coming. Undefined without a policy.
   */
  readonly willBeOverdue: boolean | undefined;
  /** Why that time, in the user's words ("cron 0 6 * * * at 06:00, takes about 4 min"). */
  readonly basis: string;
}

export interface AssetStatus {
  readonly key: string;
  readonly state: AssetState;
  /** Why, in the user's words: "upstream raw_orders materialized 5 min after this one". */
  readonly reason: string;
  /** Epoch ms of the last materialization, when there is one. */
  readonly lastMaterializedAt: number | undefined;
  /** Who made it and where, "ana on ci-runner-3" (only the host for runs recorded before users were). */
  readonly lastMaterializedBy?: string;
  /** Epoch ms of the last failed build, when it came after the last materialization. */
  readonly lastFailedAt: number | undefined;
  /** Every check currently defined on the asset, sorted by name. */
  readonly checks: readonly CheckSummary[];
  /** Why the last build failed, while the asset's state is "failed". */
  readonly lastError?: LastError;
  /**
   * In StatusRequest answers (the lineage graph's nodes leave it out, to stay small): when the
   * next materialization is expected. Absent for sources, and for a history without forecasts
   * (PostgreSQL, for now).
   */
  readonly next?: AssetNext;
}

export interface LastError {
  /** The error's first line, as the user's code threw it. */
  readonly message: string;
  readonly runId: string;
  /** The throwing line in the user's code, when the stack names one in the workspace. */
  readonly location?: FailureLocation;
}

/** The short glyph the editor shows before a status line, per state. */
export const STATE_GLYPHS: Readonly<Record<AssetState, string>> = {
  failed: "✗",
  "never-materialized": "○",
  "code-changed": "⚠",
  "upstream-changed": "⚠",
  overdue: "⚠",
  fresh: "✓",
  unknown: "?",
};

/** Human words for each state, as the status line and hovers spell them. */
export const STATE_LABELS: Readonly<Record<AssetState, string>> = {
  failed: "failed",
  "never-materialized": "never materialized",
  "code-changed": "code changed",
  "upstream-changed": "upstream changed",
  overdue: "overdue",
  fresh: "fresh",
  unknown: "status unknown",
};
