/**
 * The one place the automation loop reads run history: adapts the store's queries to the pure
 * model's AutomationHistoryView (model/automationTypes.ts). Whatever backs the store (SQLite
 * today), only this file knows how the loop's facts are fetched.
 *
 * Refreshed once per tick. Latest states come from the store's incremental cache; per-asset step
 * outcomes (durations, failures) are read lazily and kept until that asset's latest ids move,
 * so a steady tick over thousands of assets reads only what changed.
 */
import type { AutomationHistoryView, FailureStreak } from "../model/automationTypes";
import type { AssetLatestState, EventStore, HistoryStore, SqliteHistory, StepOutcome } from "../store";

/** Outcomes kept per asset: enough for a p90 and for back-off's failure count. */
const OUTCOMES_PER_ASSET = 20;

interface CachedOutcomes {
  readonly stamp: string;
  readonly outcomes: readonly StepOutcome[];
}

export class StoreHistoryView implements AutomationHistoryView {
  private states = new Map<string, AssetLatestState>();
  private readonly outcomes = new Map<string, CachedOutcomes>();
  private readonly skips = new Map<string, number>();
  private runningKeys = new Set<string>();

  constructor(private readonly store: EventStore) {
    for (const skip of store.lastCronSkips()) this.skips.set(skipId(skip.assetKey, skip.cron), skip.tick);
  }

  /** Reads what changed since the last refresh; call once per tick, before deciding. */
  refresh(): void {
    this.states = this.store.latestState();
    const running = new Set<string>();
    const runStatus = new Map<string, boolean>();
    for (const [key, state] of this.states) {
      const attempt = state.lastAttempt;
      if (attempt === undefined) continue;
      if (attempt.eventId <= (state.materialization?.eventId ?? 0) || attempt.eventId <= (state.failure?.eventId ?? 0))
        continue;
      let live = runStatus.get(attempt.runId);
      if (live === undefined) {
        // An abandoned run reads as FAILURE: its owner is gone, so nothing of it is running.
        live = this.store.getRun(attempt.runId)?.status === "STARTED";
        runStatus.set(attempt.runId, live);
      }
      if (live) running.add(key);
    }
    this.runningKeys = running;
  }

  /** Latest state of every asset with history, as of the last refresh (status and forecast read it too). */
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
    const durations: number[] = [];
    for (const outcome of this.outcomesOf(key))
      if (outcome.durationMs !== undefined) durations.push(outcome.durationMs);
    return durations;
  }

  failureStreak(key: string): FailureStreak | undefined {
    // Only failures after the last materialization count, and the store says whether there is one.
    if (this.states.get(key)?.failure === undefined) return undefined;
    let count = 0;
    let lastAt: number | undefined;
    for (const outcome of this.outcomesOf(key)) {
      if (outcome.succeeded) break;
      if (outcome.abandoned) continue;
      count++;
      lastAt ??= outcome.timestamp;
    }
    return lastAt === undefined ? undefined : { count, lastAt };
  }

  lastCronSkip(key: string, cron: string): number | undefined {
    return this.skips.get(skipId(key, cron));
  }

  /** Remembers a skip this process just recorded (this loop is the only writer of skips while it runs). */
  noteCronSkip(key: string, cron: string, tick: number): void {
    this.skips.set(skipId(key, cron), Math.max(tick, this.skips.get(skipId(key, cron)) ?? tick));
  }

  private outcomesOf(key: string): readonly StepOutcome[] {
    const state = this.states.get(key);
    if (state === undefined) return [];
    const stamp = `${state.materialization?.eventId ?? 0}:${state.failure?.eventId ?? 0}:${state.lastAttempt?.eventId ?? 0}`;
    const cached = this.outcomes.get(key);
    if (cached !== undefined && cached.stamp === stamp) return cached.outcomes;
    const outcomes = this.store.stepOutcomes(key, OUTCOMES_PER_ASSET);
    this.outcomes.set(key, { stamp, outcomes });
    return outcomes;
  }
}

function skipId(key: string, cron: string): string {
  return `${key}\u0000${cron}`;
}

/**
 * The synchronous SQLite store under a history, which holds the automation records (schema v3);
 * undefined for a PostgreSQL history, which has no automation tables yet.
 */
export function automationStoreOf(history: HistoryStore): EventStore | undefined {
  return history.backend === "sqlite" ? (history as SqliteHistory).store : undefined;
}
