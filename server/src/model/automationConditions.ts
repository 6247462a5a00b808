/**
 * One asset's automation conditions against the history, one condition at a time: which ones
 * trigger now and why, which cron tick is skipped, and when each would trigger next (for the
 * forecast). Pure; the tick (automation.ts) adds what depends on other assets' decisions.
 */
import type { AutomationCondition } from "./definitions";
import { duration } from "./freshness";
import type { AssetHistory, MaterializationFact } from "./history";
import type { AutomationAsset, AutomationHistoryView, CronTimes } from "./automationTypes";

/** A condition that triggers now. */
export interface Trigger {
  readonly condition: string;
  readonly reason: string;
}

/** What one asset's own conditions say at `now`. */
export interface ConditionVerdict {
  readonly triggers: readonly Trigger[];
  /** A cron tick passed without new upstream data (and nothing else triggered it). */
  readonly skip?: { readonly condition: string; readonly cron: string; readonly tick: number; readonly reason: string };
  /** The earliest time a condition would trigger if nothing changed upstream (undefined: never, or only on upstream change). */
  readonly nextTriggerAt: number | undefined;
  /** Has an eager condition, which also follows an upstream materialized in the same run. */
  readonly eager: boolean;
}

export interface ConditionContext {
  readonly history: AutomationHistoryView;
  readonly cron: CronTimes;
  readonly now: number;
  readonly tickMs: number;
  /** Keys of defined sources: a source never observed may have changed, so it never blocks a cron run. */
  readonly isSource: (key: string) => boolean;
  readonly formatTime: (epochMs: number) => string;
}

/** The label of a condition as the user wrote it. */
export function conditionLabel(condition: AutomationCondition): string {
  return condition.kind === "cron" ? `cron ${condition.cron}${condition.force ? " (force)" : ""}` : condition.kind;
}

/**
 * Sorted copies of duration lists, by list: the history view hands out the same list for an
 * asset until its history changes, and every tick asks for its percentiles again.
 */
const sortedDurations = new WeakMap<readonly number[], readonly number[]>();

/** p-th percentile (0..1) of durations, nearest rank; undefined for none. */
export function percentile(durations: readonly number[], p: number): number | undefined {
  if (durations.length === 0) return undefined;
  let sorted = sortedDurations.get(durations);
  if (sorted === undefined) {
    sorted = [...durations].sort((a, b) => a - b);
    sortedDurations.set(durations, sorted);
  }
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/** Evaluates every condition of `asset` (whose direct upstream keys are `parents`). */
export function evaluateConditions(
  asset: AutomationAsset,
  parents: readonly string[],
  context: ConditionContext,
): ConditionVerdict {
  const latest = context.history.latest(asset.key);
  const materialization = latest?.materialization;
  const triggers: Trigger[] = [];
  let skip: ConditionVerdict["skip"];
  let nextTriggerAt: number | undefined;
  const soonest = (at: number | undefined) => {
    if (at !== undefined && (nextTriggerAt === undefined || at < nextTriggerAt)) nextTriggerAt = at;
  };
  for (const condition of asset.automation) {
    const label = conditionLabel(condition);
    if (condition.kind === "eager") {
      const reason = eagerReason(asset, parents, materialization, context);
      if (reason !== undefined) triggers.push({ condition: label, reason });
    } else if (condition.kind === "on-freshness") {
      const verdict = freshnessVerdict(asset, materialization, context);
      if (verdict.reason !== undefined) triggers.push({ condition: label, reason: verdict.reason });
      soonest(verdict.at);
    } else {
      const tick = context.cron.latestAtOrBefore(condition.cron, condition.timezone, context.now);
      soonest(context.cron.nextAfter(condition.cron, condition.timezone, context.now));
      if (tick === undefined || (materialization !== undefined && materialization.timestamp >= tick)) continue;
      if ((context.history.lastCronSkip(asset.key, condition.cron) ?? -Infinity) >= tick) continue;
      const at = `${label} at ${context.formatTime(tick)}`;
      if (materialization === undefined) {
        triggers.push({ condition: label, reason: `${at}, never materialized` });
      } else if (condition.force) {
        triggers.push({ condition: label, reason: at });
      } else {
        const changed = changedUpstream(parents, materialization, context);
        if (changed !== undefined) triggers.push({ condition: label, reason: `${at}, ${changed}` });
        else if (skip === undefined) {
          const last = context.formatTime(materialization.timestamp);
          skip = {
            condition: label,
            cron: condition.cron,
            tick,
            reason: `${at} skipped: no upstream materialized since the last run at ${last}`,
          };
        }
      }
    }
  }
  const eager = asset.automation.some((condition) => condition.kind === "eager");
  return { triggers, skip: triggers.length > 0 ? undefined : skip, nextTriggerAt, eager };
}

/** Eager: an upstream has a newer materialization, or the code changed since the last one. */
function eagerReason(
  asset: AutomationAsset,
  parents: readonly string[],
  materialization: MaterializationFact | undefined,
  context: ConditionContext,
): string | undefined {
  const upstream = newestUnconsumed(parents, materialization, context.history);
  if (upstream !== undefined) {
    return `upstream ${upstream.assetKey} materialized at ${context.formatTime(upstream.timestamp)}`;
  }
  if (
    materialization !== undefined &&
    asset.codeVersion !== undefined &&
    asset.codeVersion !== materialization.codeVersion
  )
    return "code changed";
  return undefined;
}

/** On-freshness: due when a run started now would barely finish before the asset becomes overdue. */
function freshnessVerdict(
  asset: AutomationAsset,
  materialization: MaterializationFact | undefined,
  context: ConditionContext,
): { reason: string | undefined; at: number | undefined } {
  const policy = asset.freshness;
  if (policy === undefined) return { reason: undefined, at: undefined };
  const maxLag = policy.maxLagMinutes * 60_000;
  const lag = `max lag ${policy.maxLagMinutes} min`;
  if (materialization === undefined) return { reason: `never materialized (${lag})`, at: context.now };
  const durations = context.history.recentDurations(asset.key);
  const expected = percentile(durations, 0.9) ?? 0;
  const deadline = materialization.timestamp + maxLag;
  const at = deadline - expected - context.tickMs;
  if (context.now < at) return { reason: undefined, at };
  const took = durations.length === 0 ? "never timed" : `last took ${duration(durations[0]!)}`;
  const when =
    context.now < deadline
      ? `overdue in ${duration(deadline - context.now)}`
      : `overdue since ${duration(context.now - deadline)}`;
  return { reason: `${when} (${lag}, ${took})`, at };
}

/** Cron: the newest upstream materialization not consumed, or an upstream source never observed. */
function changedUpstream(
  parents: readonly string[],
  materialization: MaterializationFact,
  context: ConditionContext,
): string | undefined {
  if (parents.length === 0) return "no upstream to compare with";
  const upstream = newestUnconsumed(parents, materialization, context.history);
  if (upstream !== undefined)
    return `upstream ${upstream.assetKey} materialized at ${context.formatTime(upstream.timestamp)}`;
  const unobserved = parents.find((parent) => context.isSource(parent) && context.history.latest(parent) === undefined);
  return unobserved === undefined ? undefined : `source ${unobserved} is not observed, so it may have changed`;
}

/** The newest parent materialization this asset was not built from (by event id, never by clock). */
export function newestUnconsumed(
  parents: readonly string[],
  materialization: MaterializationFact | undefined,
  history: { latest(key: string): AssetHistory | undefined },
): MaterializationFact | undefined {
  let newest: MaterializationFact | undefined;
  for (const parent of parents) {
    const candidate = history.latest(parent)?.materialization;
    if (candidate === undefined) continue;
    const consumed = materialization?.consumed[parent];
    if (consumed !== undefined && candidate.eventId <= consumed) continue;
    if (newest === undefined || candidate.eventId > newest.eventId) newest = candidate;
  }
  return newest;
}
