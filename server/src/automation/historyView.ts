/**
 * The one place the automation loop reads run history: adapts the store's queries to the pure
 * model's AutomationHistoryView (model/automationTypes.ts). Whatever backs the store (SQLite
 * today), only this file knows how the loop's facts are fetched.
 *
 * Refreshed once per tick. Latest states are the store's incremental cache itself; per-asset step
 * outcomes (durations, failures) are read lazily and kept until that asset's latest ids move,
 * so a steady tick over thousands of assets reads only what changed.
 */
import type { AutomationHistoryView, FailureStreak } from "../model/automationTypes";
import type { AssetLatestState, EventStore, HistoryStore, SqliteHistory, StepOutcome } from "../store";
import { ChangeLog, type ChangesSince } from "../store/changeLog";

/** Outcomes kept per asset: enough for a p90 and for back-off's failure count. */
const OUTCOMES_PER_ASSET = 20;

interface CachedOutcomes {
  readonly stamp: string;
  readonly outcomes: readonly StepOutcome[];
  /** Of the successes, newest first: one list per stamp, so percentiles of it are cached (model). */
  readonly durations: readonly number[];
}

export class StoreHistoryView implements AutomationHistoryView {
  private states: ReadonlyMap<string, AssetLatestState> = new Map();
  private readonly outcomes = new Map<string, CachedOutcomes>();
  /** Asset key → cron expression → last skipped tick (nested: a tick asks thousands of times, without building keys). */
  private readonly skips = new Map<string, Map<string, number>>();
  private runningKeys = new Set<string>();
  /** The store's change revision at the last refresh. */
  private storeRevision: number | undefined;
  /** Assets whose last attempt started after their last materialization and failure. */
  private readonly openAttempts = new Set<string>();
  /** What changed for the model between refreshes: latest states moved, skips noted. */
  private readonly changes = new ChangeLog();

  constructor(private readonly store: EventStore) {
    for (const skip of store.lastCronSkips()) this.noteCronSkip(skip.assetKey, skip.cron, skip.tick);
  }

  /** Reads what changed since the last refresh; call once per tick, before deciding. */
  refresh(): void {
    this.states = this.store.currentLatestStates();
    const moved = this.store.latestChangesSince(this.storeRevision);
    this.storeRevision = moved.revision;
    if (moved.keys === undefined) this.changes.noteAll();
    else this.changes.note([...moved.keys]);
    if (moved.keys === undefined) {
      this.openAttempts.clear();
      for (const [key, state] of this.states) if (hasOpenAttempt(state)) this.openAttempts.add(key);
    } else {
      for (const key of moved.keys) {
        const state = this.states.get(key);
        if (state !== undefined && hasOpenAttempt(state)) this.openAttempts.add(key);
        else this.openAttempts.delete(key);
      }
    }
    // A run can end without its open steps' records moving (cancelled, abandoned): ask each time.
    const running = new Set<string>();
    const runStatus = new Map<string, boolean>();
    for (const key of this.openAttempts) {
      const runId = this.states.get(key)!.lastAttempt!.runId;
      let live = runStatus.get(runId);
      if (live === undefined) {
        // An abandoned run reads as FAILURE: its owner is gone, so nothing of it is running.
        live = this.store.getRun(runId)?.status === "STARTED";
        runStatus.set(runId, live);
      }
      if (live) running.add(key);
    }
    this.runningKeys = running;
  }

  /**
   * Latest state of every asset with history, as of the last refresh (status and forecast read
   * it too): the store's own cache, not a copy, so read it before the store is asked again.
   */
  get latestStates(): ReadonlyMap<string, AssetLatestState> {
    return this.states;
  }

  get running(): ReadonlySet<string> {
    return this.runningKeys;
  }

  latest(key: string): AssetLatestState | undefined {
    return this.states.get(key);
  }

  recentDurations(key: string): readonly number[] {
    return this.cachedOutcomes(key).durations;
  }

  failureStreak(key: string): FailureStreak | undefined {
    // Only failures after the last materialization count, and the store says whether there is one.
    if (this.states.get(key)?.failure === undefined) return undefined;
    let count = 0;
    let lastAt: number | undefined;
    for (const outcome of this.cachedOutcomes(key).outcomes) {
      if (outcome.succeeded) break;
      if (outcome.abandoned) continue;
      count++;
      lastAt ??= outcome.timestamp;
    }
    return lastAt === undefined ? undefined : { count, lastAt };
  }

  lastCronSkip(key: string, cron: string): number | undefined {
    return this.skips.get(key)?.get(cron);
  }

  /** Remembers a skip this process just recorded (this loop is the only writer of skips while it runs). */
  noteCronSkip(key: string, cron: string, tick: number): void {
    let ticks = this.skips.get(key);
    if (ticks === undefined) this.skips.set(key, (ticks = new Map()));
    ticks.set(cron, Math.max(tick, ticks.get(cron) ?? tick));
    this.changes.note([key]);
  }

  changesSince(revision: number | undefined): ChangesSince {
    return this.changes.since(revision);
  }

  private cachedOutcomes(key: string): CachedOutcomes {
    const state = this.states.get(key);
    if (state === undefined) return NO_OUTCOMES;
    const stamp = `${state.materialization?.eventId ?? 0}:${state.failure?.eventId ?? 0}:${state.lastAttempt?.eventId ?? 0}`;
    const cached = this.outcomes.get(key);
    if (cached !== undefined && cached.stamp === stamp) return cached;
    const outcomes = this.store.stepOutcomes(key, OUTCOMES_PER_ASSET);
    const durations: number[] = [];
    for (const outcome of outcomes) if (outcome.durationMs !== undefined) durations.push(outcome.durationMs);
    const fresh = { stamp, outcomes, durations };
    this.outcomes.set(key, fresh);
    return fresh;
  }
}

function hasOpenAttempt(state: AssetLatestState): boolean {
  const attempt = state.lastAttempt;
  return (
    attempt !== undefined &&
    attempt.eventId > (state.materialization?.eventId ?? 0) &&
    attempt.eventId > (state.failure?.eventId ?? 0)
  );
}

const NO_OUTCOMES: CachedOutcomes = { stamp: "", outcomes: [], durations: [] };

/**
 * The synchronous SQLite store under a history, which holds the automation records (schema v3);
 * undefined for a PostgreSQL history, which has no automation tables yet.
 */
export function automationStoreOf(history: HistoryStore): EventStore | undefined {
  return history.backend === "sqlite" ? (history as SqliteHistory).store : undefined;
}
