/**
 * One run: wires its recorder, its bundles, its step runner and its scheduler together, and
 * turns the steps' results into the run's terminal status.
 *
 * The route of a materialization: Executor.start → startRun → Scheduler (order) → StepRunner
 * (attempts and retries) → startAttempt (one worker task); every stage reports to the one
 * RunRecorder.
 */
import type { CreateRunInput, HistoryStore, StoredEvent } from "../store";
import type { RunPlan } from "./planner";
import { RunEvents, RunRecorder } from "./recorder";
import { runStatusOf, type RunResult } from "./results";
import type { Bundler } from "./bundler";
import { RunBundles } from "./runBundles";
import { Scheduler } from "./scheduler";
import { StepRunner, type StepEnvironment } from "./stepRunner";

/** A run in progress. */
export interface RunHandle {
  readonly runId: string;
  /** Emits "event" with each StoredEvent as it is written (the run's own log, live). */
  readonly events: RunEvents;
  /** Resolves when the run has ended and been recorded; rejects only if the store cannot be written. */
  readonly done: Promise<RunResult>;
  /** Kills running steps (they fail), skips the rest, and ends the run CANCELED. */
  cancel(reason?: string): void;
}

/** Everything runs share, built once by the executor. */
export interface RunEnvironment extends StepEnvironment {
  readonly store: HistoryStore;
  readonly bundler: Bundler;
  /** Steps running at once. */
  readonly concurrency: number;
}

/**
 * Starts recording and running `plan` as the run `run` describes (its id chosen by the caller):
 * runs abandoned by dead processes are failed first, then the run is created, then it runs.
 */
export function startRun(plan: RunPlan, run: CreateRunInput & { readonly id: string }, env: RunEnvironment): RunHandle {
  const { store } = env;
  const runId = run.id;
  const events = new RunEvents();
  let writeFailure: unknown;
  const recorder = new RunRecorder(store, runId, events, (error) => {
    writeFailure = error;
    cancel(`the run history could not be written: ${String(error)}`);
  });
  const bundles = new RunBundles(env.bundler);
  const steps = new StepRunner(env, runId, recorder, bundles);
  const scheduler = new Scheduler(plan.steps, env.concurrency, steps);
  function cancel(reason: string): void {
    steps.cancel(reason);
    scheduler.cancel(reason);
  }
  bundles.prefetch(plan.steps);

  const started = Date.now();
  const done = (async (): Promise<RunResult> => {
    await store.recoverAbandonedRuns();
    await store.createRun(run);
    // Listeners were attached when the caller got the handle; replay RUN_STARTED, written by createRun.
    for (const event of await store.runEvents(runId)) events.emit("event", event as StoredEvent);
    const results = await scheduler.run();
    await recorder.flush();
    if (writeFailure !== undefined) throw writeFailure;
    const { status, message } = runStatusOf(results, steps.cancelled);
    const lastId = await store.lastEventId();
    await store.finishRun(runId, status, message);
    // The terminal event is written by the store itself; pass it on to live listeners too.
    for (const event of await store.runEvents(runId, { afterEventId: lastId }))
      events.emit("event", event as StoredEvent);
    return { runId, status, message, steps: results, durationMs: Date.now() - started };
  })();
  return { runId, events, done, cancel: (reason = "run cancelled") => cancel(reason) };
}
