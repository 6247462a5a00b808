/**
 * Starting a distributed run and following it from the planner's process: the run is created
 * and its first steps enqueued, then this process only reads the run's events (workers record
 * and advance everything) until the run ends. Cancelling is a request the workers see.
 */
import type { RunPlan } from "../executor/planner";
import { type LaunchedBy, newRunId, type StoredEvent } from "../store";
import type { PostgresHistory } from "../store/postgres/postgresHistory";
import { type DistributedContext, type DistributedRunOptions } from "./context";
import { cancelRun, enqueueRun } from "./runRecords";

const TERMINAL = new Set(["RUN_SUCCESS", "RUN_FAILURE", "RUN_CANCELED"]);

/** A distributed run being followed. */
export interface DistributedRunHandle {
  readonly runId: string;
  /** Resolves with the run's terminal event once some worker (or the cancellation) recorded it. */
  readonly done: Promise<StoredEvent>;
  /** Asks the workers to stop the run; running steps fail, the rest is skipped. */
  cancel(reason?: string): Promise<void>;
}

export interface LaunchOptions extends DistributedRunOptions {
  readonly selection: string;
  /** Each event of the run, in log order, as it is read back. */
  readonly onEvent: (event: StoredEvent) => void;
  /** How often the run's events are read; default 200 ms. */
  readonly pollMs?: number;
  /** Who asked for the run, as the history records it; default "cli". */
  readonly launchedBy?: LaunchedBy;
  /** Stops following (the run goes on on the workers); `done` then rejects. */
  readonly signal?: AbortSignal;
}

/** Records the run, enqueues its first steps and follows it. */
export async function launchDistributedRun(
  ctx: DistributedContext,
  history: PostgresHistory,
  plan: RunPlan,
  options: LaunchOptions,
): Promise<DistributedRunHandle> {
  await history.recoverAbandonedRuns();
  const runId = newRunId(Date.now());
  await history.createRun({ id: runId, selection: options.selection, launchedBy: options.launchedBy ?? "cli" });
  await enqueueRun(ctx, runId, plan, { retries: options.retries, timeoutMs: options.timeoutMs });
  const done = follow(history, runId, options.onEvent, options.pollMs ?? 200, options.signal);
  return { runId, done, cancel: (reason = "run cancelled") => cancelRun(ctx, runId, reason) };
}

async function follow(
  history: PostgresHistory,
  runId: string,
  onEvent: (event: StoredEvent) => void,
  pollMs: number,
  signal: AbortSignal | undefined,
): Promise<StoredEvent> {
  let after = 0;
  for (;;) {
    if (signal?.aborted) throw new Error(`stopped following run ${runId}`);
    let events: StoredEvent[] = [];
    try {
      events = await history.runEvents(runId, { afterEventId: after });
    } catch {
      // The database restarting: the run goes on without us; read again on the next poll.
    }
    for (const event of events) {
      after = event.id;
      onEvent(event);
      if (TERMINAL.has(event.type)) return event;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
