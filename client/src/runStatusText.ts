/**
 * What the status bar says about runs: the one in progress (whichever process runs it), else
 * how the last one ended, until the next one starts. Pure: no vscode import, tested as is.
 */
import type { RunSummary } from "../../protocol/runs";

export interface RunStatusText {
  /** Replaces the item's text while a run goes: "$(sync~spin) Assetline: running 3/7". */
  readonly running: string | undefined;
  /** Appended to the item's text otherwise: " · last run ✓". */
  readonly suffix: string;
  /** One line for the tooltip. */
  readonly tooltip: string | undefined;
  /** The run a click shows: a running or failed one (a success needs no look). */
  readonly showRun: string | undefined;
}

export function runStatusText(
  run: RunSummary | undefined,
  plannedSteps: number | undefined,
  now: number,
): RunStatusText {
  if (!run) return { running: undefined, suffix: "", tooltip: undefined, showRun: undefined };
  const who = run.launchedBy === "cli" ? "the CLI" : "the editor";
  if (run.status === "STARTED") {
    const progress =
      plannedSteps === undefined
        ? `${run.stepsDone} step${run.stepsDone === 1 ? "" : "s"} done`
        : `${run.stepsDone}/${plannedSteps}`;
    const failed = run.stepsFailed > 0 ? `, ${run.stepsFailed} failed` : "";
    return {
      running: `$(sync~spin) Assetline: running ${progress}${failed}`,
      suffix: "",
      tooltip: `Run ${run.runId} of ${run.selection}, started ${ago(run.startedAt, now)} from ${who}: ${progress}${failed}. Click to show it.`,
      showRun: run.runId,
    };
  }
  const glyph = run.status === "SUCCESS" ? "✓" : run.status === "FAILURE" ? "✗" : "⊘";
  const outcome = run.status === "SUCCESS" ? "succeeded" : run.status === "FAILURE" ? "failed" : "was cancelled";
  const when = run.finishedAt === undefined ? "" : ` ${ago(run.finishedAt, now)}`;
  return {
    running: undefined,
    suffix: ` · last run ${glyph}`,
    tooltip: `Last run ${run.runId} of ${run.selection} (from ${who}) ${outcome}${when}${run.message ? `: ${run.message}` : ""}.`,
    showRun: run.status === "FAILURE" ? run.runId : undefined,
  };
}

function ago(then: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  return `${Math.round(minutes / 60)} h ago`;
}
