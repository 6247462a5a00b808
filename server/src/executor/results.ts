/**
 * What a finished run reports to its caller (the CLI's exit code and summary, the editor's
 * run view). The event log holds the same facts; this is the in-memory summary.
 */
import type { Metadata } from "../../../sdk";
import type { TerminalRunStatus } from "../store";
import type { StepKind, StepError } from "./workerMessages";

/** How a step ended: built/evaluated, failed (error, timeout, cancel, failed check), or never started. */
export type StepStatus = "succeeded" | "failed" | "skipped";

/** The outcome of one planned step. */
export interface StepResult {
  readonly stepId: string;
  readonly kind: StepKind;
  readonly assetKey: string;
  readonly checkName: string | undefined;
  readonly status: StepStatus;
  /** Attempts made (0 when skipped). */
  readonly attempts: number;
  readonly durationMs: number | undefined;
  /** Why it failed or was skipped. */
  readonly message: string | undefined;
  readonly error: StepError | undefined;
  /** Checks: the evaluation's result (undefined when the check never returned one). */
  readonly passed: boolean | undefined;
  readonly blocking: boolean;
  readonly metadata: Metadata | undefined;
  /** Assets: the MATERIALIZATION event recorded. */
  readonly materializationEventId: number | undefined;
}

/** The outcome of a run. */
export interface RunResult {
  readonly runId: string;
  readonly status: TerminalRunStatus;
  /** Why the run did not succeed (also stored on the run). */
  readonly message: string | undefined;
  readonly steps: readonly StepResult[];
  readonly durationMs: number;
}

/**
 * A run fails when an asset could not be built (failed or skipped) or a blocking check did
 * not pass; a non-blocking check only informs.
 */
export function runStatusOf(
  steps: readonly StepResult[],
  cancelled: boolean,
): { status: TerminalRunStatus; message: string | undefined } {
  if (cancelled) return { status: "CANCELED", message: "run cancelled" };
  const failed = steps.filter((step) => step.status === "failed" && (step.kind === "asset" || step.blocking));
  const skipped = steps.filter((step) => step.status === "skipped");
  if (failed.length === 0 && skipped.length === 0) return { status: "SUCCESS", message: undefined };
  const parts: string[] = [];
  if (failed.length > 0) {
    const names = failed
      .slice(0, 3)
      .map((step) => (step.checkName === undefined ? step.assetKey : `${step.assetKey}:${step.checkName}`));
    parts.push(`${failed.length} failed (${names.join(", ")}${failed.length > 3 ? ", …" : ""})`);
  }
  if (skipped.length > 0) parts.push(`${skipped.length} skipped`);
  return { status: "FAILURE", message: parts.join(", ") };
}
