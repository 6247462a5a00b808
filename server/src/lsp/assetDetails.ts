/**
 * The lineage panel's details of one asset beyond the graph: the columns its SQL produces
 * (the same catalog AL008 and impact analysis read) and its recent runs from the history.
 */
import type { AnalysisSnapshot } from "../analysis";
import { ColumnCatalog } from "../model/columnCatalog";
import type { AssetForecast } from "../model/automationForecast";
import type { AssetDefinition } from "../model/definitions";
import type { EventType, HistoryStore, RunRecord, StoredEvent } from "../store";
import {
  type AssetColumns,
  type AssetDetails,
  type AssetDetailsParams,
  type AssetRun,
  type AssetRunCheck,
  DEFAULT_RECENT_RUNS,
  MAX_RECENT_RUNS,
} from "../../../protocol";
import { assetNext } from "./forecastCache";

/**
 * How many of the newest events of the whole log are searched for the asset's runs. The log
 * has no index by asset (it would slow every insert); a backward walk of this many rows stays
 * in the tens of milliseconds, and runs older than that are flagged rather than searched.
 */
export const HISTORY_WINDOW = 200_000;
/** Events read per requested run: a step's start, end, materialization and a few checks. */
const EVENTS_PER_RUN = 16;
const TYPES: readonly EventType[] = [
  "STEP_STARTED",
  "STEP_SUCCESS",
  "STEP_FAILURE",
  "STEP_SKIPPED",
  "CHECK_EVALUATION",
];

const catalogs = new WeakMap<AnalysisSnapshot, ColumnCatalog>();

/** The asset's columns, recent runs and next expected materialization; null when nothing defines `params.key`. */
export async function assetDetails(
  snapshot: AnalysisSnapshot,
  history: HistoryStore | undefined,
  params: AssetDetailsParams,
  forecastOf: (key: string) => AssetForecast | undefined,
): Promise<AssetDetails | null> {
  const definition = snapshot.graph.definition(params.key);
  if (!definition) return null;
  const wanted = Math.max(1, Math.min(Math.floor(params.runs ?? DEFAULT_RECENT_RUNS), MAX_RECENT_RUNS));
  const runs = await recentRunsOf(history, definition.key, wanted);
  const next = definition.kind === "source" ? undefined : assetNext(forecastOf(definition.key));
  return { key: definition.key, columns: columnsOf(snapshot, definition), ...runs, next };
}

function columnsOf(snapshot: AnalysisSnapshot, asset: AssetDefinition): AssetColumns {
  let catalog = catalogs.get(snapshot);
  if (!catalog) {
    catalog = new ColumnCatalog(snapshot.assets);
    catalogs.set(snapshot, catalog);
  }
  const names = catalog.columnsOfAsset(asset);
  if (names !== "unknown") return { known: true, names };
  if (asset.kind === "source") return { known: false, why: "a source's columns are not stated in code" };
  if (asset.columns.defined.length === 0)
    return { known: false, why: "its code creates no table from static SQL (`create table … as select …`)" };
  return { known: false, why: "its SQL selects `*` from a table whose columns are not known, or could not be read" };
}

/** The asset's recent runs from the history the status board reads (borrowed, not closed here). */
async function recentRunsOf(
  history: HistoryStore | undefined,
  key: string,
  wanted: number,
): Promise<{ runs: AssetRun[]; olderRunsNotSearched: boolean }> {
  if (!history) return { runs: [], olderRunsNotSearched: false };
  const limit = wanted * EVENTS_PER_RUN;
  const { events, complete } = await history.assetEvents(key, { types: TYPES, window: HISTORY_WINDOW, limit });
  const byRun = groupByRun(events);
  // At the limit, the oldest run read may be missing its earlier events: not shown half-read.
  if (events.length === limit && byRun.length > 1) byRun.pop();
  const chosen = byRun.slice(0, wanted);
  const records = new Map<string, RunRecord | undefined>();
  for (const run of chosen) records.set(run[0]!.runId, await history.getRun(run[0]!.runId));
  const runs = chosen.map((run) => toAssetRun(run, (id) => records.get(id)));
  return { runs, olderRunsNotSearched: !complete && runs.length < wanted };
}

/** Events newest first → runs newest first, each with its events oldest first. */
function groupByRun(events: readonly StoredEvent[]): StoredEvent[][] {
  const runs = new Map<string, StoredEvent[]>();
  for (const event of events) {
    let run = runs.get(event.runId);
    if (!run) runs.set(event.runId, (run = []));
    run.unshift(event);
  }
  return [...runs.values()];
}

type StepEvent = Extract<StoredEvent, { type: "STEP_STARTED" | "STEP_SUCCESS" | "STEP_FAILURE" | "STEP_SKIPPED" }>;
type StepEnd = Exclude<StepEvent, { type: "STEP_STARTED" }>;

/** A step of the asset itself, not of one of its checks (the store's events carry `checkName` then). */
function isAssetStep(event: StoredEvent): event is StepEvent {
  const step =
    event.type === "STEP_STARTED" ||
    event.type === "STEP_SUCCESS" ||
    event.type === "STEP_FAILURE" ||
    event.type === "STEP_SKIPPED";
  return step && event.checkName === undefined;
}

/** One run's events of the asset (oldest first) as the panel shows it. */
export function toAssetRun(events: readonly StoredEvent[], runOf: (id: string) => RunRecord | undefined): AssetRun {
  const runId = events[0]!.runId;
  const checks: AssetRunCheck[] = [];
  let started: number | undefined;
  let end: StepEnd | undefined;
  for (const event of events) {
    if (event.type === "CHECK_EVALUATION") {
      checks.push({ name: event.checkName, passed: event.passed, blocking: event.blocking });
      continue;
    }
    // A check's own step (its start, a crash) is reported through its evaluation, not as the asset's step.
    if (!isAssetStep(event)) continue;
    if (event.type === "STEP_STARTED") {
      started ??= event.ts;
      // A retry's start: the failure before it was not the step's last word.
      end = undefined;
    } else end = event;
  }
  const startedAt = started ?? events[0]!.ts;
  const durationMs =
    end === undefined
      ? undefined
      : end.type === "STEP_SUCCESS" && end.durationMs !== undefined
        ? end.durationMs
        : end.ts - startedAt;
  const base = { runId, startedAt, durationMs, checks };
  if (end !== undefined) {
    switch (end.type) {
      case "STEP_SUCCESS":
        return { ...base, outcome: "succeeded", message: undefined };
      case "STEP_FAILURE":
        return { ...base, outcome: "failed", message: end.message };
      case "STEP_SKIPPED":
        return { ...base, outcome: "skipped", message: end.reason };
    }
  }
  if (started === undefined) return { ...base, outcome: "checked", message: undefined };
  const run = runOf(runId);
  return run === undefined || run.status === "STARTED"
    ? { ...base, outcome: "running", message: undefined }
    : { ...base, outcome: "interrupted", message: run.message };
}
