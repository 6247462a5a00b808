/**
 * Editor runs on `assetline worker`s (assetline.config.json `"materialize": "distributed"`): the
 * plan goes to the queue through the same launch as `materialize --distributed`, and the run's
 * events, which the workers record, are read back and reported as a local run's are. The queue
 * (pg-boss and this module's tables) is opened on the first such run and kept.
 */
import type { RunFinishedParams } from "../../../protocol";
import type { DistributedContext } from "../distributed/context";
import type { PlanStep, RunPlan } from "../executor/planner";
import type { StoredEvent } from "../store";
import type { PostgresHistory } from "../store/postgres/postgresHistory";

/** A distributed run the editor follows. */
export interface EditorDistributedRun {
  readonly runId: string;
  /** Resolves with the summary the client is sent once a worker (or the cancellation) ended the run. */
  readonly done: Promise<RunFinishedParams>;
  cancel(reason: string): void;
}

export interface DistributedStart {
  readonly history: PostgresHistory;
  readonly url: string;
  readonly plan: RunPlan;
  readonly selection: string;
  readonly onEvent: (event: StoredEvent) => void;
}

export class DistributedRuns {
  private ctx: Promise<DistributedContext> | undefined;
  private readonly stopping = new AbortController();

  constructor(private readonly log: (message: string) => void) {}

  async start(request: DistributedStart): Promise<EditorDistributedRun> {
    const { launchDistributedRun } = require("../distributed/launch") as typeof import("../distributed/launch");
    const ctx = await this.context(request.history, request.url);
    const steps = new StepOutcomes(request.plan.steps);
    const started = Date.now();
    const handle = await launchDistributedRun(ctx, request.history, request.plan, {
      selection: request.selection,
      // As a local run from the editor: no retries, no per-step timeout.
      retries: 0,
      timeoutMs: undefined,
      launchedBy: "editor",
      signal: this.stopping.signal,
      onEvent: (event) => {
        steps.record(event);
        request.onEvent(event);
      },
    });
    const done = handle.done.then((end) => steps.summary(handle.runId, end, Date.now() - started));
    const cancel = (reason: string): void => {
      handle.cancel(reason).catch((error: unknown) => {
        this.log(`could not cancel run ${handle.runId}: ${error instanceof Error ? error.message : String(error)}`);
      });
    };
    return { runId: handle.runId, done, cancel };
  }

  /** Stops following runs (the workers go on with them) and closes the queue. */
  async close(): Promise<void> {
    this.stopping.abort();
    const ctx = await this.ctx?.catch(() => undefined);
    await ctx?.close();
  }

  private context(history: PostgresHistory, url: string): Promise<DistributedContext> {
    if (this.ctx === undefined) {
      const { DistributedContext } = require("../distributed/context") as typeof import("../distributed/context");
      // Not a supervisor: workers reap each other; the editor only enqueues and reads.
      this.ctx = DistributedContext.open(history, url, { supervise: false }, this.log);
      // A failed open (server down) is tried again on the next run.
      this.ctx.catch(() => (this.ctx = undefined));
    }
    return this.ctx;
  }
}

type StepOutcome = RunFinishedParams["steps"][number];

/** Each planned step's outcome as the run's events tell it; a step never reached counts as skipped. */
class StepOutcomes {
  private readonly byName = new Map<string, StepOutcome>();

  constructor(steps: readonly PlanStep[]) {
    for (const step of steps) {
      const checkName = step.kind === "check" ? step.checkName : undefined;
      this.byName.set(nameOf(step.assetKey, checkName), {
        assetKey: step.assetKey,
        checkName,
        status: "skipped",
        message: "the run ended before it",
      });
    }
  }

  record(event: StoredEvent): void {
    if (event.type !== "STEP_SUCCESS" && event.type !== "STEP_FAILURE" && event.type !== "STEP_SKIPPED") return;
    const name = nameOf(event.assetKey, event.checkName);
    const known = this.byName.get(name);
    if (known === undefined) return;
    const status = event.type === "STEP_SUCCESS" ? "succeeded" : event.type === "STEP_FAILURE" ? "failed" : "skipped";
    const message =
      event.type === "STEP_FAILURE" ? event.message : event.type === "STEP_SKIPPED" ? event.reason : undefined;
    this.byName.set(name, { ...known, status, message });
  }

  summary(runId: string, end: StoredEvent, durationMs: number): RunFinishedParams {
    const status = end.type === "RUN_SUCCESS" ? "SUCCESS" : end.type === "RUN_CANCELED" ? "CANCELED" : "FAILURE";
    const message = status === "SUCCESS" || !("message" in end) ? undefined : end.message;
    return { runId, status, message, durationMs, steps: [...this.byName.values()] };
  }
}

function nameOf(assetKey: string, checkName: string | undefined): string {
  return checkName === undefined ? assetKey : `${assetKey}:${checkName}`;
}
