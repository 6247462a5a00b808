/**
 * The one writer of a run's events: each step's lifecycle (started, retrying, finished,
 * skipped) and its captured logs go to the store and to live listeners, in one order.
 *
 * Lifecycle events are written at once: they are what crash recovery and the editor rely
 * on. Log lines are batched — a chatty step would otherwise cost one transaction per line —
 * but every batch is flushed before the next lifecycle event, so the log and the lifecycle
 * interleave exactly as they happened. Writes are asynchronous (the history may be on
 * PostgreSQL) and queued one after another, so they land in the order they were made; callers
 * await only what they need back (what a step consumed, its materialization's id).
 */
import { EventEmitter } from "node:events";
import type { Metadata } from "../../../sdk";
import type { EventInput, HistoryStore, LogLevel, StoredEvent } from "../store";
import { stepName, type AttemptOutcome } from "./attempt";
import type { PlanStep } from "./planner";
import type { StepError } from "./workerMessages";

const LOG_FLUSH_MS = 50;
const LOG_FLUSH_COUNT = 500;

type LogInput = Extract<EventInput, { type: "LOG" }>;
type Scope = { assetKey: string; checkName?: string };

/** Emits "event" (a StoredEvent) for every event written, in log order. */
export class RunEvents extends EventEmitter<{ event: [StoredEvent] }> {}

/** Writes where a step's captured output goes: one line (or chunk) at a time. */
export type StepLog = (level: LogLevel, message: string, truncated?: boolean) => void;

/** The store and the live listeners of one run. */
export class RunRecorder {
  private pendingLogs: LogInput[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** The last write queued: each write starts after it, so the log keeps the order of the calls. */
  private queue: Promise<unknown> = Promise.resolve();
  /** The first write failure: the run cannot be recorded any more and must stop. */
  failure: unknown;

  constructor(
    private readonly store: HistoryStore,
    readonly runId: string,
    readonly events: RunEvents,
    private readonly onWriteFailure: (error: unknown) => void,
  ) {}

  /** An attempt starts; returns what it consumes: each upstream's newest materialization now. */
  async stepStarted(step: PlanStep, attempt: number): Promise<Record<string, number>> {
    await this.record({ type: "STEP_STARTED", ...scope(step), attempt });
    const consumed: Record<string, number> = {};
    for (const parent of step.parents) {
      const latest = await this.store.latestMaterialization(parent).catch((error: unknown) => this.failed(error));
      if (latest) consumed[parent] = latest.eventId;
    }
    return consumed;
  }

  stepRetrying(step: PlanStep, nextAttempt: number, error: StepError, delayMs: number): void {
    // STEP_RETRY has no room for a stack: keep the failed attempt's trace in the log.
    this.logFor(step)("error", error.stack ?? error.message);
    void this.record({ type: "STEP_RETRY", ...scope(step), attempt: nextAttempt, message: error.message, delayMs });
  }

  /**
   * A step ended: its failure, its check evaluation, or its materialization recorded with
   * `codeVersion`, the version of exactly what ran. Returns the MATERIALIZATION event id.
   */
  async stepFinished(
    step: PlanStep,
    outcome: AttemptOutcome,
    durationMs: number,
    consumed: Record<string, number>,
    codeVersion: string,
  ): Promise<number | undefined> {
    const events = stepFinishedEvents(step, outcome, durationMs, consumed, codeVersion);
    const ids = await this.record(...events);
    return events[0]?.type === "MATERIALIZATION" ? ids[0] : undefined;
  }

  stepSkipped(step: PlanStep, reason: string): void {
    void this.record({ type: "STEP_SKIPPED", ...scope(step), reason });
  }

  /** Where a step's output and notes go; queued, and written before its next lifecycle event. */
  logFor(step: PlanStep): StepLog {
    const stepScope = scope(step);
    return (level, message, truncated) => {
      this.pendingLogs.push({
        type: "LOG",
        ts: Date.now(),
        ...stepScope,
        level,
        message,
        ...(truncated ? { truncated } : {}),
      });
      if (this.pendingLogs.length >= LOG_FLUSH_COUNT) void this.flush();
      else this.timer ??= setTimeout(() => void this.flush(), LOG_FLUSH_MS);
    };
  }

  /** Writes queued log lines; resolves once everything queued so far is written. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pendingLogs.length > 0) {
      const logs = this.pendingLogs;
      this.pendingLogs = [];
      void this.write(logs);
    }
    await this.queue;
  }

  /** Writes lifecycle events (after any pending logs) in one transaction; resolves to their ids. */
  private record(...events: EventInput[]): Promise<number[]> {
    void this.flush();
    return this.write(events);
  }

  /** Queues one transaction; never rejects (a failure is kept in `failure` and ends the run). */
  private write(events: EventInput[]): Promise<number[]> {
    const stamped = events.map((event) => (event.ts === undefined ? { ...event, ts: Date.now() } : event));
    const written = this.queue.then(async () => {
      if (this.failure !== undefined) return events.map(() => 0);
      let ids: number[];
      try {
        ids = await this.store.appendEvents(this.runId, stamped);
      } catch (error) {
        this.failed(error);
        return events.map(() => 0);
      }
      if (this.events.listenerCount("event") > 0) {
        stamped.forEach((event, i) =>
          this.events.emit("event", { ...event, id: ids[i], runId: this.runId, ts: event.ts! } as StoredEvent),
        );
      }
      return ids;
    });
    this.queue = written;
    return written;
  }

  private failed(error: unknown): undefined {
    if (this.failure === undefined) {
      this.failure = error;
      this.onWriteFailure(error);
    }
    return undefined;
  }
}

/**
 * The events that end a step: its failure, its check evaluation, or its materialization (first,
 * recorded with `codeVersion`, the version of exactly what ran) and success. Shared by the local
 * recorder and the distributed executor, so both leave the same log.
 */
export function stepFinishedEvents(
  step: PlanStep,
  outcome: AttemptOutcome,
  durationMs: number,
  consumed: Record<string, number>,
  codeVersion: string,
): EventInput[] {
  if (outcome.status === "error") {
    const events: EventInput[] = [];
    // A check that could not be evaluated counts as not passing, so its latest result shows the problem.
    if (step.kind === "check" && !outcome.cancelled)
      events.push(evaluation(step, false, {}, `the check did not complete: ${outcome.error.message}`));
    events.push({ type: "STEP_FAILURE", ...scope(step), message: outcome.error.message, error: outcome.error });
    return events;
  }
  if (step.kind === "check") {
    const passed = outcome.passed === true;
    const end: EventInput = passed
      ? { type: "STEP_SUCCESS", ...scope(step), durationMs }
      : { type: "STEP_FAILURE", ...scope(step), message: checkFailureMessage(step, outcome) };
    return [evaluation(step, passed, outcome.metadata, outcome.description), end];
  }
  return [
    { type: "MATERIALIZATION", assetKey: step.assetKey, codeVersion, metadata: outcome.metadata, consumed },
    { type: "STEP_SUCCESS", ...scope(step), durationMs },
  ];
}

/** Why a check that returned `passed: false` failed: its own description, or a plain default. */
export function checkFailureMessage(step: PlanStep, outcome: AttemptOutcome & { status: "ok" }): string {
  return outcome.description ?? `check ${stepName(step)} did not pass`;
}

function evaluation(step: PlanStep, passed: boolean, metadata: Metadata, message: string | undefined): EventInput {
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

/** The key and check name that STEP_* events of `step` carry. */
export function scope(step: PlanStep): Scope {
  return step.checkName === undefined
    ? { assetKey: step.assetKey }
    : { assetKey: step.assetKey, checkName: step.checkName };
}
