import type { StoredEvent } from "../store";
import { visible } from "./terminalText";

/** How a step is named on screen: `stg_orders` or `stg_orders › order_id_unique`. */
function stepLabel(event: { assetKey: string; checkName?: string }): string {
  return event.checkName ? `${event.assetKey} › ${event.checkName}` : event.assetKey;
}

function ms(value: number | undefined): string {
  if (value === undefined) return "";
  return value < 1000 ? ` (${Math.round(value)} ms)` : ` (${(value / 1000).toFixed(1)} s)`;
}

/** The permanent line an event deserves, if any (step outcomes, retries, check results). */
export function eventLine(event: StoredEvent): string | undefined {
  switch (event.type) {
    case "STEP_SUCCESS":
      return event.checkName ? undefined : `✓ ${stepLabel(event)} materialized${ms(event.durationMs)}`;
    case "CHECK_EVALUATION":
      return `${event.passed ? "✓" : "✗"} ${stepLabel(event)} ${event.passed ? "passed" : "failed"}${event.blocking ? " (blocking)" : ""}${event.message ? `: ${event.message}` : ""}`;
    case "STEP_FAILURE":
      return `✗ ${stepLabel(event)} failed: ${firstLine(event.message)}`;
    case "STEP_SKIPPED":
      return `- ${stepLabel(event)} skipped: ${event.reason}`;
    case "STEP_RETRY":
      return `↻ ${stepLabel(event)} retrying (attempt ${event.attempt})${event.message ? `: ${firstLine(event.message)}` : ""}`;
    default:
      return undefined;
  }
}

function firstLine(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/**
 * Progress of a run on a terminal: finished steps scroll as plain lines, and below them one
 * live line per running step with its elapsed time. Without a TTY only the plain lines
 * are printed, so logs and CI output stay readable.
 */
export class ProgressPrinter {
  private readonly running = new Map<string, { label: string; startedAt: number }>();
  /** Checks whose evaluation was printed and whose step has not ended yet. */
  private readonly evaluated = new Set<string>();
  private drawnLines = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly live = Boolean(out.isTTY),
  ) {
    if (this.live) this.timer = setInterval(() => this.redraw(), 100).unref();
  }

  onEvent(event: StoredEvent): void {
    // A check that did not pass ends with its evaluation and a STEP_FAILURE: the evaluation's
    // line already says it failed and why, so the failure adds nothing but a duplicate.
    if (event.type === "CHECK_EVALUATION") this.evaluated.add(stepKey(event));
    if (event.type === "STEP_FAILURE" && event.checkName !== undefined && this.evaluated.delete(stepKey(event))) {
      this.running.delete(stepKey(event));
      if (this.live) this.redraw();
      return;
    }
    if (event.type === "STEP_STARTED") {
      this.running.set(stepKey(event), { label: stepLabel(event), startedAt: Date.now() });
    } else if (event.type === "STEP_SUCCESS" || event.type === "STEP_FAILURE" || event.type === "STEP_SKIPPED") {
      this.running.delete(stepKey(event));
      this.evaluated.delete(stepKey(event));
    }
    const line = eventLine(event);
    if (line !== undefined) this.print(line);
    else if (this.live) this.redraw();
  }

  /** Prints a permanent line above the live block. */
  print(line: string): void {
    this.clearLive();
    this.out.write(`${visible(line)}\n`);
    this.redraw();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.clearLive();
  }

  private redraw(): void {
    if (!this.live) return;
    this.clearLive();
    const now = Date.now();
    const lines = [...this.running.values()].map(
      ({ label, startedAt }) => `⠿ ${visible(label, true)} running… ${((now - startedAt) / 1000).toFixed(1)} s`,
    );
    if (lines.length > 0) this.out.write(`${lines.join("\n")}\n`);
    this.drawnLines = lines.length;
  }

  private clearLive(): void {
    if (!this.live || this.drawnLines === 0) return;
    this.out.write(`\u001b[${this.drawnLines}A\u001b[0J`);
    this.drawnLines = 0;
  }
}

function stepKey(event: { assetKey: string; checkName?: string }): string {
  return `${event.assetKey}\u0000${event.checkName ?? ""}`;
}
