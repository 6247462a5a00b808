/**
 * What the automation model needs from the outside world, declared here so that it stays pure:
 * the history (model/history.ts facts plus a few aggregates), cron fire times, and the assets'
 * definitions (AssetDefinition and CheckDefinition fit structurally).
 */
import type { AutomationCondition, DefinitionKind, FreshnessPolicy } from "./definitions";
import type { AssetHistory } from "./history";
import type { TickMemo } from "./automationMemo";

/** Cron fire times (epoch ms); undefined when the schedule never fires. */
export interface CronTimes {
  /** The latest tick at or before `at`. */
  latestAtOrBefore(cron: string, timezone: string | undefined, at: number): number | undefined;
  /** The first tick strictly after `at`. */
  nextAfter(cron: string, timezone: string | undefined, at: number): number | undefined;
}

/** Failed builds since the last materialization, for back-off. */
export interface FailureStreak {
  /** Consecutive failed attempts (a run abandoned by a killed process does not count: the asset did not fail). */
  readonly count: number;
  /** Epoch ms of the last of them. */
  readonly lastAt: number;
}

/**
 * The history as the automation model reads it: one adapter (automation/historyView.ts) builds it.
 * Records are immutable: an asset whose history changes gets a new `latest()` object (TickMemo
 * relies on it), and its durations and failure streak follow from that record.
 */
export interface AutomationHistoryView {
  /** Latest facts of an asset, or undefined when it has none. */
  latest(key: string): AssetHistory | undefined;
  /** Assets being built right now by a live run (any process). */
  readonly running: ReadonlySet<string>;
  /** Durations (ms) of recent successful builds, newest first. */
  recentDurations(key: string): readonly number[];
  /** Counted failures since the last materialization, or undefined when none. */
  failureStreak(key: string): FailureStreak | undefined;
  /** The cron tick (epoch ms) of the last recorded "skipped: no new upstream data" for this asset and expression. */
  lastCronSkip(key: string, cron: string): number | undefined;
  /**
   * Optional: the keys whose `latest()` record or cron skips changed after `revision` (a number
   * this returned before; undefined at first), with the revision now. `keys` undefined: unknown,
   * everything may have changed. Lets TickMemo look only at what changed.
   */
  changesSince?(revision: number | undefined): {
    readonly revision: number;
    readonly keys: ReadonlySet<string> | undefined;
  };
}

/** The structural subset of an AssetDefinition that automation reads. */
export interface AutomationAsset {
  readonly key: string;
  readonly kind?: DefinitionKind;
  readonly codeVersion: string | undefined;
  readonly freshness: FreshnessPolicy | undefined;
  readonly automation: readonly AutomationCondition[];
  readonly deps: readonly { readonly key: string | undefined }[];
}

/** The structural subset of a CheckDefinition that automation reads. */
export interface AutomationCheck {
  readonly name: string;
  readonly assetKey: string | undefined;
  readonly blocking: boolean;
}

export interface AutomationSettings {
  /** Assets being built at once, counting those already running; further due assets wait. */
  readonly maxConcurrent: number;
  /** The loop's tick: on-freshness starts this much earlier, as the next tick may be too late. */
  readonly tickMs: number;
  /** First delay after a failure, doubling with each further one, capped at `backoffMaxMs`. */
  readonly backoffInitialMs: number;
  readonly backoffMaxMs: number;
  /** For times in reasons ("materialized at 10:02"); default the machine's. */
  readonly timeZone?: string;
}

/** Everything one tick decides from. */
export interface TickInput {
  readonly assets: readonly AutomationAsset[];
  readonly checks: readonly AutomationCheck[];
  readonly history: AutomationHistoryView;
  readonly cron: CronTimes;
  /** Epoch ms. */
  readonly now: number;
  readonly settings: AutomationSettings;
  /** Assets already planned in runs this loop started that have not finished (their steps may not have started). */
  readonly inFlight?: ReadonlySet<string>;
  /** What the previous ticks of the same loop computed and this one may reuse (automationMemo.ts). */
  readonly memo?: TickMemo;
}

/**
 * What happened to an asset whose condition applied this tick:
 * - run: in this tick's run;
 * - held: due, but not started now (running, backing off, blocked, waiting), reconsidered next tick;
 * - skipped: a cron tick passed with no new upstream data; recorded once per tick (`cronTick`).
 */
export interface AutomationDecision {
  readonly key: string;
  readonly outcome: "run" | "held" | "skipped";
  /** The conditions that applied, as written: "eager", "on-freshness", "cron 0 6 * * *". */
  readonly conditions: readonly string[];
  /** Why, in the user's words. */
  readonly reason: string;
  /** Skipped cron decisions: the tick handled, and its expression. */
  readonly cronTick?: number;
  readonly cron?: string;
}

export interface TickPlan {
  /** Keys to materialize now, in dependency order (empty: nothing due). */
  readonly run: readonly string[];
  /** One per asset whose condition applied, in dependency order. */
  readonly decisions: readonly AutomationDecision[];
}
