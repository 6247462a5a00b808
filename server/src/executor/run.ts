/**
 * One run, from the store's point of view: records every step's life as events (what the
 * editor, the CLI and freshness read back) and turns the scheduler's outcome into the run's
 * terminal status.
 */
import type { Metadata } from "../../../sdk";
import type { EventInput, EventStore, StoredEvent } from "../store";
import { stepName, type AttemptEnvironment, type AttemptOutcome } from "./attempt";
import type { Bundler } from "./bundler";
import type { PlanStep, RunPlan } from "./planner";
import type { StepError } from "./workerMessages";
import { RunEvents, RunRecorder } from "./recorder";
import { runStatusOf, type RunResult, type StepResult } from "./results";
import { Scheduler, type SchedulePolicy, type StepHooks } from "./scheduler";
import type { WorkerPool } from "./workerPool";

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

/** Everything a run needs from its executor. */
export interface RunDependencies {
  readonly store: EventStore;
  readonly pool: WorkerPool;
  readonly bundler: Bundler;
  readonly policy: SchedulePolicy;
  readonly attempt: Omit<AttemptEnvironment, "pool" | "bundler" | "recorder">;
}

type Scope = { assetKey: string; checkName?: string };

/** Starts recording and running `plan` as run `runId` (already created in the store). */
export function startRun(plan: RunPlan, runId: string, deps: RunDependencies): RunHandle {
  const events = new RunEvents();
  let scheduler: Scheduler | undefined;
  let writeFailure: unknown;
  const recorder = new RunRecorder(deps.store, runId, events, (error) => {
    writeFailure = error;
    scheduler?.cancel(`the run history could not be written: ${String(error)}`);
  });
  const bundles = new Map<string, Promise<string>>();
  const hooks = new RecordingHooks(recorder, deps.store, (file) => {
    let bundle = bundles.get(file);
    if (!bundle) {
      bundle = deps.bundler.bundle(file);
      bundle.catch(() => undefined); // reported by each step that needs it
      bundles.set(file, bundle);
    }
    return bundle;
  });
  scheduler = new Scheduler(plan, deps.policy, { ...deps.attempt, pool: deps.pool, bundler: deps.bundler, recorder }, runId, hooks);
  // Build every module up front, in parallel, instead of when its first step comes up.
  for (const step of plan.steps) if (step.unrunnable === undefined) void hooks.bundle(step.file);

  const started = Date.now();
  const done = (async (): Promise<RunResult> => {
    // Let the caller attach listeners to `events` first; then replay RUN_STARTED, written by createRun.
    await new Promise((resolve) => setImmediate(resolve));
    for (const event of deps.store.runEvents(runId)) events.emit("event", event as StoredEvent);
    const steps = await scheduler.run();
    recorder.flush();
    if (writeFailure !== undefined) throw writeFailure;
    const { status, message } = runStatusOf(steps, scheduler.cancelled);
    const lastId = deps.store.lastEventId();
    deps.store.finishRun(runId, status, message);
    // The terminal event is written by the store itself; pass it on to live listeners too.
    for (const event of deps.store.runEvents(runId, { afterEventId: lastId })) events.emit("event", event as StoredEvent);
    return { runId, status, message, steps, durationMs: Date.now() - started };
  })();
  return { runId, events, done, cancel: (reason = "run cancelled") => scheduler.cancel(reason) };
}

/** The scheduler's hooks, writing each step's events as they happen. */
class RecordingHooks implements StepHooks {
  constructor(
    private readonly recorder: RunRecorder,
    private readonly store: EventStore,
    readonly bundle: (file: string) => Promise<string>,
  ) {}

  started(step: PlanStep, attempt: number): Record<string, number> {
    this.recorder.record({ type: "STEP_STARTED", ...scope(step), attempt });
    // What this materialization is built from: each upstream's newest materialization now.
    const consumed: Record<string, number> = {};
    for (const parent of step.parents) {
      const latest = this.store.latestMaterialization(parent);
      if (latest) consumed[parent] = latest.eventId;
    }
    return consumed;
  }

  retrying(step: PlanStep, nextAttempt: number, error: StepError, delayMs: number): void {
    // STEP_RETRY has no room for a stack: keep the failed attempt's trace in the log.
    this.recorder.log({ ...scope(step), level: "error", message: error.stack ?? error.message });
    this.recorder.record({ type: "STEP_RETRY", ...scope(step), attempt: nextAttempt, message: error.message, delayMs });
  }

  finished(step: PlanStep, outcome: AttemptOutcome, attempts: number, durationMs: number, consumed: Record<string, number>): StepResult {
    const base = { stepId: step.id, kind: step.kind, assetKey: step.assetKey, checkName: step.checkName, attempts, durationMs, blocking: step.blocking };
    if (outcome.status === "error") {
      const events: EventInput[] = [];
      // A check that could not be evaluated counts as not passing, so its latest result shows the problem.
      if (step.kind === "check" && !outcome.cancelled) events.push(this.evaluation(step, false, {}, `the check did not complete: ${outcome.error.message}`));
      events.push({ type: "STEP_FAILURE", ...scope(step), message: outcome.error.message, error: errorRecord(outcome.error) });
      this.recorder.record(...events);
      return { ...base, status: "failed", message: outcome.error.message, error: outcome.error, passed: undefined, metadata: undefined, materializationEventId: undefined };
    }
    if (step.kind === "check") {
      const passed = outcome.passed === true;
      const message = passed ? undefined : (outcome.description ?? `check ${stepName(step)} did not pass`);
      const evaluation = this.evaluation(step, passed, outcome.metadata, outcome.description);
      const end: EventInput = passed
        ? { type: "STEP_SUCCESS", ...scope(step), durationMs }
        : { type: "STEP_FAILURE", ...scope(step), message: message! };
      this.recorder.record(evaluation, end);
      return { ...base, status: passed ? "succeeded" : "failed", message, error: undefined, passed, metadata: outcome.metadata, materializationEventId: undefined };
    }
    const [materializationEventId] = this.recorder.record(
      { type: "MATERIALIZATION", assetKey: step.assetKey, codeVersion: step.codeVersion, metadata: outcome.metadata, consumed },
      { type: "STEP_SUCCESS", ...scope(step), durationMs },
    );
    return { ...base, status: "succeeded", message: undefined, error: undefined, passed: undefined, metadata: outcome.metadata, materializationEventId };
  }

  skipped(step: PlanStep, reason: string): StepResult {
    this.recorder.record({ type: "STEP_SKIPPED", ...scope(step), reason });
    return {
      stepId: step.id,
      kind: step.kind,
      assetKey: step.assetKey,
      checkName: step.checkName,
      status: "skipped",
      attempts: 0,
      durationMs: undefined,
      message: reason,
      error: undefined,
      passed: undefined,
      blocking: step.blocking,
      metadata: undefined,
      materializationEventId: undefined,
    };
  }

  private evaluation(step: PlanStep, passed: boolean, metadata: Metadata, message: string | undefined): EventInput {
    return {
      type: "CHECK_EVALUATION",
      assetKey: step.assetKey,
      checkName: step.checkName!,
      passed,
      blocking: step.blocking,
      metadata,
      ...(message === undefined ? {} : { message }),
    };
  }
}

function scope(step: PlanStep): Scope {
  return step.checkName === undefined ? { assetKey: step.assetKey } : { assetKey: step.assetKey, checkName: step.checkName };
}

function errorRecord(error: StepError): { message: string; stack?: string } {
  return error.stack === undefined ? { message: error.message } : { message: error.message, stack: error.stack };
}
