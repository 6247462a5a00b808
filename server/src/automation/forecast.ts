/**
 * Forecasts for a workspace straight from its history: the glue between the store (through the
 * loop's history view) and the pure forecast, for `assetline status` and the editor.
 */
import type { AnalysisSnapshot } from "../analysis";
import { forecastAssets, type AssetForecast } from "../model/automationForecast";
import type { AutomationSettings } from "../model/automationTypes";
import type { EventStore } from "../store";
import { CronSchedules } from "./cron";
import { StoreHistoryView } from "./historyView";

/** What `assetline automate` runs with unless told otherwise; forecasts assume the same. */
export const DEFAULT_AUTOMATION_SETTINGS: AutomationSettings = {
  maxConcurrent: 100,
  tickMs: 30_000,
  backoffInitialMs: 60_000,
  backoffMaxMs: 60 * 60_000,
};

const schedules = new CronSchedules();

/** Each built asset's next expected materialization, as of `now`. */
export function forecastWorkspace(
  snapshot: Pick<AnalysisSnapshot, "assets" | "checks">,
  store: EventStore | undefined,
  now: number,
  view: StoreHistoryView | undefined = store === undefined ? undefined : new StoreHistoryView(store),
): Map<string, AssetForecast> {
  view?.refresh();
  return forecastAssets({
    assets: snapshot.assets,
    checks: snapshot.checks,
    history: view ?? NO_HISTORY,
    cron: schedules,
    now,
    settings: DEFAULT_AUTOMATION_SETTINGS,
  });
}

/** A workspace that never ran. */
const NO_HISTORY = {
  latest: () => undefined,
  running: new Set<string>(),
  recentDurations: () => [],
  failureStreak: () => undefined,
  lastCronSkip: () => undefined,
};
