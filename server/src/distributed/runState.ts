/**
 * How a distributed run moves on when one of its steps ends, as pure functions of the plan and
 * the steps' states: which steps became ready, which are skipped (with the same words as the
 * local scheduler), and how the run ends once every step has. Whichever worker records a step's
 * end applies this in the same transaction, so the run needs no coordinator process.
 *
 * Only the states a change can touch are read (the ended step's downstream and what those wait
 * for), so a step's end costs the same in a run of ten steps and of ten thousand.
 */
import { stepName } from "../executor/attempt";
import type { PlanStep } from "../executor/planner";
import { runStatusOf, type StepResult } from "../executor/results";
import type { TerminalRunStatus } from "../store";

export type StepState = "pending" | "queued" | "running" | "succeeded" | "failed" | "skipped";

export const TERMINAL_STATES: readonly StepState[] = ["succeeded", "failed", "skipped"];

/** A plan indexed for advancing: built once per run and process (plans never change). */
export class PlanGraph {
  readonly byId: ReadonlyMap<string, PlanStep>;
  private readonly waitsOf = new Map<string, readonly string[]>();
  private readonly dependentsOf = new Map<string, PlanStep[]>();

  constructor(readonly steps: readonly PlanStep[]) {
    this.byId = new Map(steps.map((step) => [step.id, step]));
    for (const step of steps) {
      // A step outside the plan imposes no order, as in the local scheduler.
      const waits = [...new Set(step.waitsFor)].filter((id) => id !== step.id && this.byId.has(id));
      this.waitsOf.set(step.id, waits);
      for (const id of waits) this.dependentsOf.set(id, [...(this.dependentsOf.get(id) ?? []), step]);
    }
  }

  waits(stepId: string): readonly string[] {
    return this.waitsOf.get(stepId) ?? [];
  }

  dependents(stepId: string): readonly PlanStep[] {
    return this.dependentsOf.get(stepId) ?? [];
  }

  /** Steps that wait for nothing: the run's first jobs. */
  roots(): PlanStep[] {
    return this.steps.filter((step) => this.waits(step.id).length === 0);
  }

  /**
   * The ids whose states `advance` reads after `stepId` ends: its direct dependents when it
   * succeeded, its whole downstream when it did not (all of it is skipped), and what those wait for.
   */
  touchedBy(stepId: string, succeeded: boolean): string[] {
    const seen = new Set<string>([stepId]);
    const downstream: string[] = [];
    const visit = (id: string): void => {
      for (const dependent of this.dependents(id)) {
        if (seen.has(dependent.id)) continue;
        seen.add(dependent.id);
        downstream.push(dependent.id);
        if (!succeeded) visit(dependent.id);
      }
    };
    visit(stepId);
    for (const id of downstream) for (const wait of this.waits(id)) seen.add(wait);
    return [...seen];
  }
}

/** What to do after a step ended. */
export interface Advance {
  readonly ready: readonly PlanStep[];
  readonly skipped: readonly { readonly step: PlanStep; readonly reason: string }[];
}

/**
 * Applies the end of `endedStepId` (terminal in `states`, which holds at least
 * `graph.touchedBy(endedStepId, …)`); `states` is updated in place.
 */
export function advance(graph: PlanGraph, states: Map<string, StepState>, endedStepId: string): Advance {
  const ended = graph.byId.get(endedStepId);
  const skipped: { step: PlanStep; reason: string }[] = [];
  const skip = (step: PlanStep, reason: string): void => {
    if (states.get(step.id) !== "pending") return;
    states.set(step.id, "skipped");
    skipped.push({ step, reason });
    for (const dependent of graph.dependents(step.id)) skip(dependent, reason);
  };
  const ready: PlanStep[] = [];
  if (ended === undefined) return { ready, skipped };
  const state = states.get(endedStepId);
  if (state === "failed" || state === "skipped") {
    const cause =
      ended.kind === "check" ? `blocking check ${stepName(ended)} failed` : `upstream ${ended.assetKey} failed`;
    for (const dependent of graph.dependents(ended.id)) skip(dependent, cause);
  } else if (state === "succeeded") {
    for (const dependent of graph.dependents(ended.id)) {
      if (states.get(dependent.id) !== "pending") continue;
      if (graph.waits(dependent.id).every((id) => states.get(id) === "succeeded")) {
        states.set(dependent.id, "queued");
        ready.push(dependent);
      }
    }
  }
  return { ready, skipped };
}

/** How a run whose steps have all ended ends: as a local run would with the same results. */
export function runOutcome(
  graph: PlanGraph,
  states: ReadonlyMap<string, StepState>,
  cancelled: boolean,
): { status: TerminalRunStatus; message: string | undefined } {
  const results = graph.steps.map((step): StepResult => {
    const state = states.get(step.id);
    return {
      stepId: step.id,
      kind: step.kind,
      assetKey: step.assetKey,
      checkName: step.checkName,
      status: state === "succeeded" ? "succeeded" : state === "failed" ? "failed" : "skipped",
      attempts: 0,
      durationMs: undefined,
      message: undefined,
      error: undefined,
      passed: undefined,
      blocking: step.blocking,
      metadata: undefined,
      materializationEventId: undefined,
    };
  });
  return runStatusOf(results, cancelled);
}
