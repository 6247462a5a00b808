/**
 * Forecasts ("when will my data be ready?") for hovers: computed for the whole workspace at
 * once, and kept while the history, what the forecast reads of the analysis
 * (model/historyInputs.ts: not a keystroke's new code version) and, within a few seconds, the
 * clock agree.
 */
import type { AnalysisSnapshot } from "../analysis";
import { forecastWorkspace } from "../automation/forecast";
import { automationStoreOf, StoreHistoryView } from "../automation/historyView";
import type { AssetForecast } from "../model/automationForecast";
import { sameHistoryInputs } from "../model/historyInputs";
import type { EventStore, HistoryStore } from "../store";
import type { AssetNext } from "../../../protocol";

/** Forecasts speak in minutes: a few seconds of clock do not change them. */
const FRESH_FOR_MS = 5_000;

export class ForecastCache {
  private view: { store: EventStore; view: StoreHistoryView } | undefined;
  private cached:
    | { assets: AnalysisSnapshot["assets"]; eventId: number; at: number; forecasts: Map<string, AssetForecast> }
    | undefined;

  /**
   * Forecasts of `snapshot` against `history` (undefined: a workspace that never ran) at
   * `eventId`; none for a PostgreSQL history, which has no automation records yet.
   */
  get(
    snapshot: AnalysisSnapshot,
    history: HistoryStore | undefined,
    eventId: number,
    now: number,
  ): Map<string, AssetForecast> {
    const store = history === undefined ? undefined : automationStoreOf(history);
    if (history !== undefined && store === undefined) return new Map();
    if (store !== undefined && this.view?.store !== store) this.view = { store, view: new StoreHistoryView(store) };
    const view = store === undefined ? undefined : this.view!.view;
    const cached = this.cached;
    if (
      cached?.eventId === eventId &&
      Math.abs(now - cached.at) < FRESH_FOR_MS &&
      sameHistoryInputs(cached.assets, snapshot.assets, (key) => view?.latest(key)?.materialization?.codeVersion)
    ) {
      cached.assets = snapshot.assets;
      return cached.forecasts;
    }
    const forecasts = forecastWorkspace(snapshot, store, now, view);
    this.cached = { assets: snapshot.assets, eventId, at: now, forecasts };
    return forecasts;
  }
}

/** A forecast as the protocol carries it (AssetNext), or undefined without one. */
export function assetNext(forecast: AssetForecast | undefined): AssetNext | undefined {
  if (forecast === undefined) return undefined;
  return {
    expectedAt: forecast.nextExpectedAt,
    durationP50Ms: forecast.expectedDurationMs,
    durationP90Ms: forecast.slowDurationMs,
    willBeOverdue: forecast.willBeOverdue,
    basis: forecast.basis,
  };
}
