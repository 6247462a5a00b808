/**
 * "When will my data be ready?": for each asset, when its next materialization is expected to
 * land, from its automation conditions, its upstreams' expected times and its own duration
 * history (p50 of recent successful builds), and whether it will meet its freshness policy by
 * then. Pure, like the tick it mirrors (model/automation.ts).
 */
import { backoffUntil } from "./automation";
import { dependencyOrder, parentsOf, timeFormatter } from "./automationStructure";
import { evaluateConditions, percentile, type ConditionContext } from "./automationConditions";
import type { AutomationAsset, TickInput } from "./automationTypes";
import { duration } from "./freshness";

export interface AssetForecast {
  readonly key: string;
  /** Epoch ms when the next materialization is expected to be done; undefined when none is expected. */
  readonly nextExpectedAt: number | undefined;
  /** p50 of recent successful builds; undefined when never timed. */
  readonly expectedDurationMs: number | undefined;
  /** p90 of the same (what on-freshness plans with). */
  readonly slowDurationMs: number | undefined;
  /**
   * With a freshness policy: true when the next materialization is expected after the asset's
   * deadline (last materialization + max lag), or none is expected at all. Undefined without a policy.
   */
  readonly willBeOverdue: boolean | undefined;
  /** Why that time, in the user's words ("cron 0 6 * * * at 06:00, takes about 4 min"). */
  readonly basis: string;
}

export type ForecastInput = Omit<TickInput, "inFlight" | "memo">;

/** Forecasts every asset that is built (sources are observed, never built, and get none). */
export function forecastAssets(input: ForecastInput): Map<string, AssetForecast> {
  const { history, now, settings } = input;
  const byKey = new Map(input.assets.map((asset) => [asset.key, asset]));
  const formatTime = timeFormatter(settings.timeZone, now);
  const context: ConditionContext = {
    history,
    cron: input.cron,
    now,
    tickMs: settings.tickMs,
    isSource: (key) => byKey.get(key)?.kind === "source",
    formatTime,
  };
  const result = new Map<string, AssetForecast>();
  for (const asset of dependencyOrder(input.assets, byKey)) {
    if (asset.kind === "source") continue;
    const durations = history.recentDurations(asset.key);
    const p50 = percentile(durations, 0.5);
    const start = startOf(asset, parentsOf(asset, byKey), context, input, result);
    const nextExpectedAt = start === undefined ? undefined : start.at + (p50 ?? 0);
    const takes = p50 === undefined ? "" : p50 < 1000 ? ", takes under a second" : `, takes about ${duration(p50)}`;
    result.set(asset.key, {
      key: asset.key,
      nextExpectedAt,
      expectedDurationMs: p50,
      slowDurationMs: percentile(durations, 0.9),
      willBeOverdue: willBeOverdue(asset, nextExpectedAt, input),
      basis: start === undefined ? "no automation condition will materialize it" : `${start.why}${takes}`,
    });
  }
  return result;
}

/** When the next build should start, and why then. */
function startOf(
  asset: AutomationAsset,
  parents: readonly string[],
  context: ConditionContext,
  input: ForecastInput,
  upstream: ReadonlyMap<string, AssetForecast>,
): { at: number; why: string } | undefined {
  const { now } = input;
  if (input.history.running.has(asset.key)) return { at: now, why: "running now" };
  if (asset.automation.length === 0) return undefined;
  const verdict = evaluateConditions(asset, parents, context);
  const backoff = backoffUntil(asset.key, input.history, input.settings);
  const notBefore = (at: number, why: string) =>
    backoff !== undefined && backoff.at > at
      ? { at: backoff.at, why: `${why}, after backing off until ${context.formatTime(backoff.at)}` }
      : { at, why };
  if (verdict.triggers.length > 0) return notBefore(now, `due now: ${verdict.triggers[0]!.reason}`);

  let best: { at: number; why: string } | undefined;
  const consider = (at: number | undefined, why: () => string) => {
    if (at !== undefined && (best === undefined || at < best.at)) best = { at: Math.max(at, now), why: why() };
  };
  consider(verdict.nextTriggerAt, () => {
    const cron = asset.automation.find((condition) => condition.kind === "cron");
    const onFreshness = asset.automation.some((condition) => condition.kind === "on-freshness");
    if (
      onFreshness &&
      verdict.nextTriggerAt !== undefined &&
      (cron === undefined || isFreshnessTime(asset, verdict.nextTriggerAt, context))
    )
      return `on-freshness at ${context.formatTime(verdict.nextTriggerAt)}`;
    return `${cron?.kind === "cron" ? `cron ${cron.cron}` : "next tick"} at ${context.formatTime(verdict.nextTriggerAt!)}`;
  });
  if (verdict.eager) {
    for (const parent of parents) {
      const expected = upstream.get(parent)?.nextExpectedAt;
      consider(expected, () => `after upstream ${parent} (expected ${context.formatTime(expected!)})`);
    }
  }
  return best === undefined ? undefined : notBefore(best.at, best.why);
}

/** Whether `at` is the on-freshness time rather than a cron tick (for the wording only). */
function isFreshnessTime(asset: AutomationAsset, at: number, context: ConditionContext): boolean {
  const cron = asset.automation.find((condition) => condition.kind === "cron");
  if (cron === undefined || cron.kind !== "cron") return true;
  return context.cron.nextAfter(cron.cron, cron.timezone, context.now) !== at;
}

function willBeOverdue(
  asset: AutomationAsset,
  nextExpectedAt: number | undefined,
  input: ForecastInput,
): boolean | undefined {
  if (asset.freshness === undefined) return undefined;
  if (nextExpectedAt === undefined) return true;
  const materialization = input.history.latest(asset.key)?.materialization;
  if (materialization === undefined) return false;
  return nextExpectedAt > materialization.timestamp + asset.freshness.maxLagMinutes * 60_000;
}
