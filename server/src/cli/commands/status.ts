import type { AnalysisSnapshot } from "../../analysis";
import { forecastWorkspace } from "../../automation/forecast";
import { automationStoreOf, StoreHistoryView } from "../../automation/historyView";
import type { AssetForecast } from "../../model/automationForecast";
import { analyzeWorkspace } from "../analyze";
import { duration, workspaceFreshness, type AssetFreshness } from "../../model/freshness";
import type { AssetLatestState } from "../../store";
import { withReadableHistory } from "../history";
import { type Command, formatOption, stringOption } from "../command";
import { EXIT, UsageError } from "../errors";
import { selectedKeys } from "../selection";
import { visible, writeJson, writeText } from "../terminalText";
import { workspaceWithSources } from "../workspaceDir";
import { assetLink } from "../../../../protocol/links";

/** `assetline status [SELECTION]`: each asset's freshness, last materialization and checks. */
export const statusCommand: Command = {
  name: "status",
  usage: "assetline status [SELECTION] [--dir DIR] [--format text|json]",
  summary: "Show each asset's freshness, last materialization and check results",
  options: { dir: { type: "string", short: "d" }, format: { type: "string", short: "f" } },
  async run(parsed) {
    const format = formatOption(parsed, ["text", "json"], "text");
    const { dir, reader } = workspaceWithSources(stringOption(parsed, "dir"));
    const snapshot = analyzeWorkspace(dir, reader);
    let keys = snapshot.graph.toposort().filter((key) => !snapshot.graph.isPlaceholder(key));
    const selectionText = parsed.positionals[0];
    if (parsed.positionals.length > 1) {
      throw new UsageError(`one SELECTION expected; quote selections with spaces: "${parsed.positionals.join(" ")}"`);
    }
    if (selectionText !== undefined) {
      keys = selectedKeys(snapshot, selectionText, dir);
    }
    const now = Date.now();
    const { state, forecasts } = await readHistory(dir, snapshot, now);
    const freshness = workspaceFreshness(snapshot.assets, state, now, snapshot.checks);
    const rows = keys.map((key) => ({
      key,
      freshness: freshness.get(key)!,
      forecast: forecasts.get(key),
      codeVersion: snapshot.graph.definition(key)?.codeVersion,
    }));

    if (format === "json") {
      const assets = rows.map(({ key, freshness: f, forecast, codeVersion }) => ({
        key,
        state: f.state,
        reason: f.reason,
        lastMaterializedAt: f.lastMaterializedAt === undefined ? null : new Date(f.lastMaterializedAt).toISOString(),
        nextExpectedAt: forecast?.nextExpectedAt === undefined ? null : new Date(forecast.nextExpectedAt).toISOString(),
        expectedDurationMs: forecast?.expectedDurationMs ?? null,
        willBeOverdue: forecast?.willBeOverdue ?? null,
        ...(forecast === undefined ? {} : { nextBasis: forecast.basis }),
        codeVersion: codeVersion ?? null,
        materializedCodeVersion: f.materializedCodeVersion ?? null,
        checks: f.checks.map((check) => ({
          name: check.name,
          passed: check.passed,
          evaluatedAt: new Date(check.evaluatedAt).toISOString(),
        })),
        link: assetLink({
          key,
          ...(f.state === "failed" && state.get(key)?.failure ? { run: state.get(key)!.failure!.runId } : {}),
        }),
      }));
      writeJson(process.stdout, { assets });
    } else {
      const table = statusTable(rows, now);
      writeText(
        process.stdout,
        `${table}\n${failureLinks(
          rows.map((row) => row.key),
          state,
        )}`,
      );
    }
    return EXIT.ok;
  },
};

/** The latest state and the forecasts, or none when the workspace never ran (no history is created). */
async function readHistory(
  dir: string,
  snapshot: AnalysisSnapshot,
  now: number,
): Promise<{ state: ReadonlyMap<string, AssetLatestState>; forecasts: Map<string, AssetForecast> }> {
  return withReadableHistory(
    dir,
    () => ({ state: new Map<string, AssetLatestState>(), forecasts: forecastWorkspace(snapshot, undefined, now) }),
    async (history) => {
      const store = automationStoreOf(history);
      // Forecasts need the automation records, SQLite-only so far: none for a PostgreSQL history.
      if (store === undefined)
        return { state: await history.latestState(), forecasts: new Map<string, AssetForecast>() };
      const view = new StoreHistoryView(store);
      const forecasts = forecastWorkspace(snapshot, store, now, view);
      return { state: view.latestStates, forecasts };
    },
  );
}

/** Under the table, a link per failed asset (with its failed run): what an alert points at. */
function failureLinks(keys: readonly string[], state: ReadonlyMap<string, AssetLatestState>): string {
  const lines = keys.flatMap((key) => {
    const failure = state.get(key)?.failure;
    return failure ? [`  ${key}: ${assetLink({ key, run: failure.runId })}`] : [];
  });
  return lines.length === 0 ? "" : `\nOpen in VS Code:\n${lines.join("\n")}\n`;
}

const SYMBOL: Record<AssetFreshness["state"], string> = {
  fresh: "✓",
  overdue: "⏰",
  "upstream-changed": "↑",
  "code-changed": "✎",
  "never-materialized": "·",
  failed: "✗",
};

function statusTable(
  rows: readonly { freshness: AssetFreshness; forecast: AssetForecast | undefined }[],
  now: number,
): string {
  const cells = rows.map(({ freshness: row, forecast }) => {
    const passed = row.checks.filter((check) => check.passed).length;
    // Escaped per cell, so that the column widths are those of what the terminal shows.
    return [
      visible(row.key, true),
      `${SYMBOL[row.state]} ${row.state}`,
      row.lastMaterializedAt === undefined ? "—" : `${duration(now - row.lastMaterializedAt)} ago`,
      row.checks.length === 0 ? "—" : `${passed}/${row.checks.length}${passed < row.checks.length ? " ✗" : ""}`,
      nextCell(forecast, now),
      visible(row.reason, true),
    ];
  });
  const header = ["ASSET", "STATE", "MATERIALIZED", "CHECKS", "NEXT", "WHY"];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((cell) => [...cell[column]!].length)),
  );
  const line = (cell: readonly string[]) =>
    cell
      .map((value, column) =>
        column === cell.length - 1 ? value : value + " ".repeat(widths[column]! - [...value].length),
      )
      .join("  ");
  return [line(header), ...cells.map(line)].join("\n");
}

/** "in 12 min", "now", "—" (nothing expected), with "⏰" when the freshness deadline will be missed. */
function nextCell(forecast: AssetForecast | undefined, now: number): string {
  if (forecast === undefined) return "—";
  const late = forecast.willBeOverdue === true ? " ⏰" : "";
  if (forecast.nextExpectedAt === undefined) return `—${late}`;
  const wait = forecast.nextExpectedAt - now;
  return `${wait < 60_000 ? "now" : `in ${duration(wait)}`}${late}`;
}
