/**
 * Hover on anything that names an asset (its key, a dep, a check target, a table or file in
 * its code): what it is, where it sits in the graph, and how it is doing.
 */
import { conditionLabel } from "../model/automationConditions";
import type { AssetForecast } from "../model/automationForecast";
import { duration } from "../model/freshness";
import { type Hover, MarkupKind, type Position } from "vscode-languageserver";
import type { AnalysisSnapshot } from "../analysis";
import type { AssetDefinition } from "../model/definitions";
import type { Mention } from "./mentions";
import { SnapshotIndex } from "./snapshotIndex";
import type { StatusBoard } from "./status";
import { ago, statusLine } from "./statusText";
import { toRange } from "./uris";

/** Producers described in full under a table hover; more are listed by key only. */
const MAX_DETAILED = 2;

export function hoverAt(
  snapshot: AnalysisSnapshot,
  status: StatusBoard,
  file: string,
  position: Position,
  now = Date.now(),
): Hover | null {
  const index = SnapshotIndex.of(snapshot);
  const mention = index.mentionAt(file, position);
  if (!mention) return null;
  const sections: string[] = [];
  const heading = headingOf(mention);
  if (heading) sections.push(heading);
  const keys = index.keysOf(mention);
  if (keys.length === 0 && mention.kind !== "effect") {
    const written =
      mention.kind === "dep" ? mention.dep.text : mention.kind === "checkTarget" ? mention.check.targetText : "";
    sections.push(`**${escape(written)}**: no asset or source in this workspace has this key.`);
  }
  keys.slice(0, MAX_DETAILED).forEach((key) => {
    const definition = index.definition(key);
    if (definition) sections.push(describe(snapshot, status, definition, now));
    else sections.push(`**${escape(key)}**: no asset or source in this workspace has this key.`);
  });
  if (keys.length > MAX_DETAILED)
    sections.push(
      `Also produced by ${keys
        .slice(MAX_DETAILED)
        .map((key) => `**${escape(key)}**`)
        .join(", ")}.`,
    );
  return {
    contents: { kind: MarkupKind.Markdown, value: sections.join("\n\n---\n\n") },
    range: toRange(mention.range),
  };
}

function headingOf(mention: Mention): string | undefined {
  if (mention.kind !== "effect") return undefined;
  const resource = mention.effect.resource;
  const colon = resource.indexOf(":");
  const what = `${resource.slice(0, colon)} \`${resource.slice(colon + 1)}\``;
  return `${mention.writes ? "Writes" : "Reads"} ${what}`;
}

/** The full description of one definition. */
function describe(snapshot: AnalysisSnapshot, status: StatusBoard, asset: AssetDefinition, now: number): string {
  const index = SnapshotIndex.of(snapshot);
  const isSource = asset.kind === "source";
  const lines: string[] = [];
  lines.push(
    `**${escape(asset.key)}** · ${isSource ? "source" : "asset"}${asset.group ? ` · group \`${asset.group}\`` : ""}`,
  );
  if (asset.description) lines.push(escape(asset.description));
  const facts: string[] = [];
  if (asset.owners.length > 0) facts.push(`Owners: ${asset.owners.map(escape).join(", ")}`);
  if (asset.kinds.length > 0) facts.push(`Kinds: ${asset.kinds.map(escape).join(", ")}`);
  facts.push(`Upstream: ${index.parents(asset.key).length} · Downstream: ${index.downstreamCount(asset.key)}`);
  if (asset.freshness) facts.push(`Expected at least every ${asset.freshness.maxLagMinutes} min`);
  if (asset.automation.length > 0)
    facts.push(`Automation: ${asset.automation.map(conditionLabel).map(escape).join(", ")}`);
  lines.push(facts.join("  \n"));
  const current = status.statusOf(snapshot, asset.key, now);
  if (current) {
    const line = statusLine(current, isSource, now, { withAuthor: true });
    const health = [`${escape(line)}  \n_${escape(current.reason)}_`];
    const error = current.lastError;
    if (error) {
      const where = error.location ? ` at ${error.location.file}:${error.location.line + 1}` : "";
      health.push(`Run \`${error.runId}\`${escape(where)}: ${escape(error.message)}`);
    }
    for (const check of current.checks) {
      const result = check.passed === undefined ? "○ not run" : check.passed ? "✓ passed" : "✗ failed";
      const when = check.evaluatedAt === undefined ? "" : ` ${ago(check.evaluatedAt, now)}`;
      health.push(`- ${result}${when}: ${escape(check.name)}`);
    }
    lines.push(health.join("\n"));
  }
  const next = isSource ? undefined : nextLine(status.forecastOf(snapshot, asset.key, now), asset, now);
  if (next !== undefined) lines.push(escape(next));
  return lines.join("\n\n");
}

/** "Next: in 12 min (10:42) — cron 0 6 * * * at 06:00, takes about 4 min", for automated or freshness-bound assets. */
function nextLine(forecast: AssetForecast | undefined, asset: AssetDefinition, now: number): string | undefined {
  if (forecast === undefined || (asset.automation.length === 0 && forecast.willBeOverdue !== true)) return undefined;
  const late = forecast.willBeOverdue === true ? "; it will be overdue before then" : "";
  if (forecast.nextExpectedAt === undefined) return `Next: not expected (${forecast.basis})${late}`;
  const wait = forecast.nextExpectedAt - now;
  const clock = new Date(forecast.nextExpectedAt).toTimeString().slice(0, 5);
  return `Next: ${wait < 60_000 ? "now" : `in ${duration(wait)} (${clock})`} — ${forecast.basis}${late}`;
}

/**
 * User text is shown as text: Markdown in a description must not turn into links, emphasis
 * or HTML. Only the characters that do that are escaped (`_` inside keys is not emphasis),
 * so clients that show raw Markdown (Neovim) stay readable.
 */
function escape(text: string): string {
  return text.replace(/[\\`*[\]<>|]/g, (char) => `\\${char}`);
}
