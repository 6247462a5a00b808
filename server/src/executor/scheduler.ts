/**
 * Runs a plan: starts steps as their upstream steps succeed, at most `concurrency` at a
 * time, in plan order among the ready ones (so an asset's checks run right after it);
 * retries failed attempts with exponential backoff; skips everything downstream of a
 * failure; and on cancellation kills what runs and skips what remains.
 */
import { startAttempt, stepName, type Attempt, type AttemptEnvironment, type AttemptOutcome } from "./attempt";
import type { PlanStep, RunPlan } from "./planner";
import type { StepResult } from "./results";
import type { StepError } from "./workerMessages";

/** Retry and parallelism policy of a run. */
export interface SchedulePolicy {
  readonly concurrency: number;
  /** Extra attempts after a failed one (0: none). */
  readonly retries: number;
  /** Delay before the first retry; doubles for each further one. */
  readonly retryBackoffMs: number;
}

/** Exponential backoff stops growing here: a retry an hour later helps nobody watching a run. */
const MAX_BACKOFF_MS = 60_000;

type State = "pending" | "running" | "done";

interface Node {
  readonly index: number;
  readonly step: PlanStep;
  readonly dependents: Node[];
  unmet: number;
  state: State;
  result: StepResult | undefined;
  attempt: Attempt | undefined;
  /** Wakes a retry backoff early on cancellation. */
  wake: (() => void) | undefined;
}

/** Runs each step through `execute` in dependency order; see the module comment. */
export class Scheduler {
  private readonly nodes: Node[];
  private readonly ready: Node[] = [];
  private running = 0;
  private finished = 0;
  private cancelReason: string | undefined;
  private resolveAll!: () => void;
  private readonly allDone = new Promise<void>((resolve) => (this.resolveAll = resolve));

  constructor(
    plan: RunPlan,
    private readonly policy: SchedulePolicy,
    private readonly env: AttemptEnvironment,
    private readonly runId: string,
    private readonly hooks: StepHooks,
  ) {
    this.nodes = plan.steps.map((step, index) => ({ index, step, dependents: [], unmet: 0, state: "pending", result: undefined, attempt: undefined, wake: undefined }));
    const byId = new Map(this.nodes.map((node) => [node.step.id, node]));
    for (const node of this.nodes) {
      for (const id of new Set(node.step.waitsFor)) {
        const upstream = byId.get(id);
        // A step outside the plan imposes no order: it is not part of this run.
        if (!upstream || upstream === node) continue;
        upstream.dependents.push(node);
        node.unmet++;
      }
    }
  }

  /** Runs every step; resolves with their results in plan order once none is running. */
  async run(): Promise<StepResult[]> {
    for (const node of this.nodes) if (node.unmet === 0) this.enqueue(node);
    this.pump();
    await this.allDone;
    return this.nodes.map((node) => node.result!);
  }

  /** Stops the run: running attempts are killed (and fail), everything not started is skipped. */
  cancel(reason: string): void {
    if (this.cancelReason !== undefined) return;
    this.cancelReason = reason;
    for (const node of this.nodes) {
      if (node.state !== "running") continue;
      node.attempt?.terminate(reason);
      node.wake?.();
    }
    this.pump();
  }

  get cancelled(): boolean {
    return this.cancelReason !== undefined;
  }

  private enqueue(node: Node): void {
    // Plan order among ready steps: binary insertion keeps the queue sorted by index.
    let low = 0;
    let high = this.ready.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.ready[mid]!.index < node.index) low = mid + 1;
      else high = mid;
    }
    this.ready.splice(low, 0, node);
  }

  private pump(): void {
    if (this.cancelReason !== undefined) {
      for (const node of this.nodes) if (node.state === "pending") this.skip(node, this.cancelReason);
      this.ready.length = 0;
    }
    while (this.running < this.policy.concurrency && this.ready.length > 0) {
      const node = this.ready.shift()!;
      if (node.state !== "pending") continue;
      node.state = "running";
      this.running++;
      const started = Date.now();
      void this.execute(node)
        // A bug or a store failure inside a step must end that step, never leave the run hanging.
        .catch((error: unknown) => {
          const outcome: AttemptOutcome = { status: "error", error: { message: `internal error: ${String(error)}`, stack: (error as Error)?.stack }, retriable: false, cancelled: false };
          return this.hooks.finished(node.step, outcome, 1, Date.now() - started, {});
        })
        .then((result) => this.complete(node, result));
    }
    if (this.running === 0 && this.ready.length === 0) {
      // Whatever is still pending waits on itself: a cycle the analysis reported as AL001.
      for (const node of this.nodes) if (node.state === "pending") this.skip(node, "it is part of a dependency cycle");
    }
    if (this.finished === this.nodes.length) this.resolveAll();
  }

  private complete(node: Node, result: StepResult): void {
    node.state = "done";
    node.result = result;
    node.attempt = undefined;
    this.running--;
    this.finished++;
    if (result.status === "succeeded") {
      for (const dependent of node.dependents) if (--dependent.unmet === 0 && dependent.state === "pending") this.enqueue(dependent);
    } else {
      const cause =
        result.status === "skipped"
          ? result.message!
          : node.step.kind === "check"
            ? `blocking check ${stepName(node.step)} failed`
            : `upstream ${node.step.assetKey} failed`;
      for (const dependent of node.dependents) this.skip(dependent, cause);
    }
    this.pump();
  }

  /** Records a skip for `node` and, with the same root cause, everything downstream of it. */
  private skip(node: Node, cause: string): void {
    if (node.state !== "pending") return;
    node.state = "done";
    node.result = this.hooks.skipped(node.step, cause);
    this.finished++;
    for (const dependent of node.dependents) this.skip(dependent, cause);
  }

  private async execute(node: Node): Promise<StepResult> {
    const { step } = node;
    const started = Date.now();
    const maxAttempts = step.unrunnable === undefined ? this.policy.retries + 1 : 1;
    let outcome: AttemptOutcome | undefined;
    let attempt = 0;
    let consumed: Record<string, number> = {};
    while (attempt < maxAttempts) {
      attempt++;
      consumed = this.hooks.started(step, attempt);
      node.attempt = startAttempt(step, this.hooks.bundle(step.file), this.env, this.runId);
      if (this.cancelReason !== undefined) node.attempt.terminate(this.cancelReason);
      outcome = await node.attempt.done;
      if (outcome.status === "ok" || !outcome.retriable || attempt >= maxAttempts || this.cancelReason !== undefined) break;
      const delayMs = Math.min(MAX_BACKOFF_MS, this.policy.retryBackoffMs * 2 ** (attempt - 1));
      this.hooks.retrying(step, attempt + 1, outcome.error, delayMs);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delayMs);
        node.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      node.wake = undefined;
      if (this.cancelReason !== undefined) {
        outcome = { status: "error", error: { message: this.cancelReason, stack: undefined }, retriable: false, cancelled: true };
        break;
      }
    }
    return this.hooks.finished(step, outcome!, attempt, Date.now() - started, consumed);
  }
}

/** Where the scheduler reports a step's life (the executor records it in the store). */
export interface StepHooks {
  /** The bundle of a user module, built once per run and shared by its steps. */
  bundle(file: string): Promise<string>;
  /** An attempt starts; returns what the step consumes (upstream key → materialization event id). */
  started(step: PlanStep, attempt: number): Record<string, number>;
  retrying(step: PlanStep, nextAttempt: number, error: StepError, delayMs: number): void;
  finished(step: PlanStep, outcome: AttemptOutcome, attempts: number, durationMs: number, consumed: Record<string, number>): StepResult;
  skipped(step: PlanStep, reason: string): StepResult;
}
