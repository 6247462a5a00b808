/**
 * The order of a run: starts steps as their upstream steps succeed, at most `concurrency` at
 * a time, in plan order among the ready ones (so an asset's checks run right after it); skips
 * everything downstream of a failure; and on cancellation skips what has not started. How a
 * step runs (attempts, retries, recording) is the StepRunner's business, not the scheduler's.
 */
import { stepName } from "./attempt";
import type { PlanStep } from "./planner";
import type { StepResult } from "./results";

/** Runs and skips steps for the scheduler. */
export interface StepExecutor {
  /** Runs a step to its end; must not reject. */
  run(step: PlanStep): Promise<StepResult>;
  /** Records that a step will not run. */
  skip(step: PlanStep, reason: string): StepResult;
}

type State = "pending" | "running" | "done";

interface Node {
  readonly index: number;
  readonly step: PlanStep;
  readonly dependents: Node[];
  unmet: number;
  state: State;
  result: StepResult | undefined;
}

/** Orders the steps of one plan; see the module comment. */
export class Scheduler {
  private readonly nodes: Node[];
  private readonly ready: Node[] = [];
  private running = 0;
  private finished = 0;
  private cancelReason: string | undefined;
  private resolveAll!: () => void;
  private readonly allDone = new Promise<void>((resolve) => (this.resolveAll = resolve));

  constructor(
    steps: readonly PlanStep[],
    private readonly concurrency: number,
    private readonly executor: StepExecutor,
  ) {
    this.nodes = steps.map((step, index) => ({
      index,
      step,
      dependents: [],
      unmet: 0,
      state: "pending",
      result: undefined,
    }));
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

  /** Starts nothing more: every step not started is skipped with `reason`. */
  cancel(reason: string): void {
    if (this.cancelReason !== undefined) return;
    this.cancelReason = reason;
    this.pump();
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
    while (this.running < this.concurrency && this.ready.length > 0) {
      const node = this.ready.shift()!;
      if (node.state !== "pending") continue;
      node.state = "running";
      this.running++;
      void this.executor.run(node.step).then((result) => this.complete(node, result));
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
    this.running--;
    this.finished++;
    if (result.status === "succeeded") {
      for (const dependent of node.dependents)
        if (--dependent.unmet === 0 && dependent.state === "pending") this.enqueue(dependent);
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
    node.result = this.executor.skip(node.step, cause);
    this.finished++;
    for (const dependent of node.dependents) this.skip(dependent, cause);
  }
}
