/**
 * A run as a read-only document ("Show Run", `…&run=ID` links): the header the CLI's
 * `assetline runs` prints, then each event, failures with their stack and the user's line.
 * Pure: no vscode import, tested as is.
 */
import type { RunDetails, RunEventParams } from "../../protocol/runs";

export function formatRun(details: RunDetails): string {
  const { run } = details;
  const took =
    run.finishedAt === undefined ? "still running" : `${((run.finishedAt - run.startedAt) / 1000).toFixed(1)} s`;
  const lines = [
    `Run ${run.runId}: ${run.status.toLowerCase()} (${took})`,
    `Selection: ${run.selection}`,
    `Started ${time(run.startedAt)} from the ${run.launchedBy === "cli" ? "CLI" : "editor"}${run.user === undefined ? "" : ` by ${run.user}`} (pid ${run.pid} on ${run.hostname})`,
  ];
  if (run.message) lines.push(`Why: ${run.message}`);
  lines.push("");
  for (const event of details.events) lines.push(...eventLines(event));
  return `${lines.join("\n")}\n`;
}

function eventLines(event: RunEventParams): string[] {
  const scope = event.assetKey ? ` ${event.assetKey}${event.checkName ? ` › ${event.checkName}` : ""}` : "";
  const head = `${time(event.ts)} ${event.type === "LOG" ? (event.level ?? "info").toUpperCase().padEnd(5) : event.type}${scope}`;
  switch (event.type) {
    case "STEP_FAILURE": {
      const lines = [`${head}: ${event.message ?? "failed"}`];
      if (event.location)
        lines.push(`    at ${event.location.file}:${event.location.line + 1}:${event.location.character + 1}`);
      if (event.stack)
        lines.push(
          ...event.stack
            .split("\n")
            .slice(1)
            .map((line) => `    ${line.trim()}`),
        );
      return lines;
    }
    case "CHECK_EVALUATION":
      return [`${head}: ${event.passed ? "passed" : "failed"}${event.message ? ` — ${event.message}` : ""}`];
    default:
      return [`${head}${event.message ? `: ${event.message}` : ""}`];
  }
}

function time(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z");
}
