/**
 * The one writer of a run's events: each step's lifecycle (started, retrying, finished,
 * skipped) and its captured logs go to the store and to live listeners, in one order.
 *
 * Lifecycle events are written at once: they are what crash recovery and the editor rely
 * on. Log lines are batched — a chatty step would otherwise cost one transaction per line —
 * but every batch is flushed before the next lifecycle event, so the log and the lifecycle
 * interleave exactly as they happened.
 */
import { EventEmitter } from "node:events";
import type { Metadata } from "../../../sdk";
import type { EventInput, EventStore, LogLevel, StoredEvent } from "../store";
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
  /** The first write failure: the run cannot be recorded any more and must stop. */
  failure: unknown;

  constructor(
    private readonly store: EventStore,
    readonly runId: string,
    readonly events: RunEvents,
    private readonly onWriteFailure: (error: unknown) => void,
  ) {}

  /** An attempt starts; returns what it consumes: each upstream's newest materialization now. */
  stepStarted(step: PlanStep, attempt: number): Record<string, number> {
    this.record({ type: "STEP_STARTED", ...scope(step), attempt });
    const consumed: Record<string, number> = {};
    for (const parent of step.parents) {
      const latest = this.store.latestMaterialization(parent);
      if (latest) consumed[parent] = latest.eventId;
    }
    return consumed;
  }

  stepRetrying(step: PlanStep, nextAttempt: number, error: StepError, delayMs: number): void {
    // STEP_RETRY has no room for a stack: keep the failed attempt's trace in the log.
    this.logFor(step)("error", error.stack ?? error.message);
    this.record({ type: "STEP_RETRY", ...scope(step), attempt: nextAttempt, message: error.message, delayMs });
  }

  /**
   * A step ended: its failure, its check evaluation, or its materialization recorded with
   * `codeVersion`, the version of exactly what ran. Returns the MATERIALIZATION event id.
   */
  stepFinished(
    step: PlanStep,
    outcome: AttemptOutcome,
    durationMs: number,
    consumed: Record<string, number>,
    codeVersion: string,
  ): number | undefined {
    if (outcome.status === "error") {
      const events: EventInput[] = [];
      // A check that could not be evaluated counts as not passing, so its latest result shows the problem.
      if (step.kind === "check" && !outcome.cancelled)
        events.push(evaluation(step, false, {}, `the check did not complete: ${outcome.error.message}`));
      events.push({ type: "STEP_FAILURE", ...scope(step), message: outcome.error.message, error: outcome.error });
      this.record(...events);
      return undefined;
    }
    if (step.kind === "check") {
      const passed = outcome.passed === true;
      const end: EventInput = passed
        ? { type: "STEP_SUCCESS", ...scope(step), durationMs }
        : { type: "STEP_FAILURE", ...scope(step), message: checkFailureMessage(step, outcome) };
      this.record(evaluation(step, passed, outcome.metadata, outcome.description), end);
      return undefined;
    }
    const [materializationEventId] = this.record(
      { type: "MATERIALIZATION", assetKey: step.assetKey, codeVersion, metadata: outcome.metadata, consumed },
      { type: "STEP_SUCCESS", ...scope(step), durationMs },
    );
    return materializationEventId;
  }

  stepSkipped(step: PlanStep, reason: string): void {
    this.record({ type: "STEP_SKIPPED", ...scope(step), reason });
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
      if (this.pendingLogs.length >= LOG_FLUSH_COUNT) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), LOG_FLUSH_MS);
    };
  }

  /** Writes queued log lines. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pendingLogs.length === 0) return;
    const logs = this.pendingLogs;
    this.pendingLogs = [];
    this.write(logs);
  }

  /** Writes lifecycle events now (after any pending logs) in one transaction; returns their ids. */
  private record(...events: EventInput[]): number[] {
    this.flush();
    return this.write(events);
  }

  private write(events: EventInput[]): number[] {
    if (this.failure !== undefined) return events.map(() => 0);
    const stamped = events.map((event) => (event.ts === undefined ? { ...event, ts: Date.now() } : event));
    let ids: number[];
    try {
      ids = this.store.appendEvents(this.runId, stamped);
    } catch (error) {
      this.failure = error;
      this.onWriteFailure(error);
      return events.map(() => 0);
    }
    if (this.events.listenerCount("event") > 0) {
      stamped.forEach((event, i) =>
        this.events.emit("event", { ...event, id: ids[i], runId: this.runId, ts: event.ts! } as StoredEvent),
      );
    }
    return ids;
  }
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

function scope(step: PlanStep): Scope {
  return step.checkName === undefined
    ? { assetKey: step.assetKey }
    : { assetKey: step.assetKey, checkName: step.checkName };
}
