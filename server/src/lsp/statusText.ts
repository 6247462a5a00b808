/**
 * Status in words, one way for every place that shows it (CodeLens, hover), so the editor
 * never says "fresh" in one place and "ok" in another.
 */
import { duration } from "../model/freshness";
import { type AssetStatus, STATE_GLYPHS, STATE_LABELS } from "../../../protocol";

/** "5 min ago"; a timestamp ahead of the clock is another machine's skew, said plainly. */
export function ago(then: number, now: number): string {
  return then > now + 1000 ? "in the future (clock skew)" : `${duration(now - then)} ago`;
}

/** "checks 2/2", "checks 1/2 ✗", "2 checks" (never run); undefined when the asset has none. */
export function checksSummary(status: AssetStatus): string | undefined {
  const total = status.checks.length;
  if (total === 0) return undefined;
  const evaluated = status.checks.filter((check) => check.passed !== undefined);
  if (evaluated.length === 0) return `${total} check${total === 1 ? "" : "s"}, not run`;
  const passed = evaluated.filter((check) => check.passed).length;
  const failing = evaluated.length - passed;
  return `checks ${passed}/${total}${failing > 0 ? " ✗" : ""}`;
}

/**
 * The one-line summary above a definition:
 * "✓ materialized 12 min ago · checks 2/2 · fresh", "⚠ code changed · materialized 2 h ago",
 * "✗ failed 3 min ago · checks 1/2 ✗", "○ never materialized · 2 checks, not run".
 */
export function statusLine(
  status: AssetStatus,
  isSource: boolean,
  now: number,
  options: { readonly withAuthor?: boolean } = {},
): string {
  const glyph = STATE_GLYPHS[status.state];
  const parts: string[] = [];
  // The hover has room for who made it ("5 min ago by ana on ci-runner-3"); a lens does not.
  const by = options.withAuthor && status.lastMaterializedBy !== undefined ? ` by ${status.lastMaterializedBy}` : "";
  const materialized =
    status.lastMaterializedAt === undefined ? undefined : `${ago(status.lastMaterializedAt, now)}${by}`;
  switch (status.state) {
    case "failed":
      parts.push(
        `${glyph} failed${status.lastFailedAt === undefined ? "" : ` ${ago(status.lastFailedAt, now)}`}${status.lastError ? `: ${brief(status.lastError.message)}` : ""}`,
      );
      break;
    case "fresh":
    case "overdue":
      if (isSource) parts.push(`${glyph} source${materialized ? ` · observed ${materialized}` : ""}`);
      else parts.push(`${glyph} materialized ${materialized ?? "never"}`);
      break;
    case "code-changed":
    case "upstream-changed":
      parts.push(`${glyph} ${STATE_LABELS[status.state]}`);
      if (materialized) parts.push(`materialized ${materialized}`);
      break;
    case "never-materialized":
    case "unknown":
      parts.push(`${glyph} ${STATE_LABELS[status.state]}`);
      break;
  }
  const checks = checksSummary(status);
  if (checks) parts.push(checks);
  if (status.state === "fresh" && !isSource) parts.push("fresh");
  if (status.state === "overdue") parts.push("overdue");
  return parts.join(" · ");
}

/** A lens has room for a short error; the hover and the diagnostic carry all of it. */
const LENS_ERROR_CHARS = 60;

function brief(message: string): string {
  return message.length > LENS_ERROR_CHARS ? `${message.slice(0, LENS_ERROR_CHARS - 1)}…` : message;
}

/** A check's own line: "✓ passed 3 min ago", "✗ failed 1 h ago", "○ not run". */
export function checkLine(status: AssetStatus, checkName: string, now: number): string {
  const check = status.checks.find((candidate) => candidate.name === checkName);
  if (!check || check.passed === undefined) return "○ not run";
  const when = check.evaluatedAt === undefined ? "" : ` ${ago(check.evaluatedAt, now)}`;
  return check.passed ? `✓ passed${when}` : `✗ failed${when}`;
}
