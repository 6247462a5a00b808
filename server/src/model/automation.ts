/**
 * Declarative automation, one tick: from the definitions, the history and the clock to the one
 * run to start now and why each asset is (or is not) in it. Pure: no I/O, the clock and the cron
 * calendar are arguments, the history comes through AutomationHistoryView.
 *
 * Per asset, in dependency order: its conditions (automationConditions.ts) trigger it, or an
 * eager asset follows an upstream planned in this same run. A triggered asset is then held
 * rather than started when it is already running (or planned by a run still going), an
 * upstream is running, an upstream's blocking check failed, it is backing off after failures,
 * or the concurrency limit is reached; held assets are reconsidered at the next tick.
 */
import { evaluateConditions, type ConditionContext, type Trigger } from "./automationConditions";
import { buildStructure, timeFormatter } from "./automationStructure";
import type {
  AutomationAsset,
  AutomationDecision,
  AutomationHistoryView,
  TickInput,
  TickPlan,
} from "./automationTypes";

export { dependencyOrder, parentsOf, timeFormatter } from "./automationStructure";

/** Decides what one tick starts; see the module comment. */
export function decideTick(input: TickInput): TickPlan {
  const { history, settings, now, memo } = input;
  const structure = memo?.structure(input.assets, input.checks) ?? buildStructure(input.assets, input.checks);
  const { byKey, blockingChecks } = structure;
  const context: ConditionContext = {
    history,
    cron: input.cron,
    now,
    tickMs: settings.tickMs,
    isSource: (key) => byKey.get(key)?.kind === "source",
    formatTime: memo?.begin(history, now, settings.timeZone, settings.tickMs) ?? timeFormatter(settings.timeZone, now),
  };
  const inFlight = input.inFlight ?? new Set<string>();
  const busy = (key: string) => history.running.has(key) || inFlight.has(key);
  let occupied = 0;
  for (const key of history.running) if (byKey.has(key)) occupied++;
  for (const key of inFlight) if (!history.running.has(key) && byKey.has(key)) occupied++;

  const planned = new Set<string>();
  const run: string[] = [];
  const decisions: AutomationDecision[] = [];
  const order = structure.order;
  const concurrencyLimit = `waiting: ${settings.maxConcurrent} asset${settings.maxConcurrent === 1 ? "" : "s"} already building (the concurrency limit)`;
  for (const index of structure.automated) {
    const { asset, parents } = order[index]!;
    const verdict = memo?.verdict(index, asset, parents, context) ?? evaluateConditions(asset, parents, context);
    let triggers: readonly Trigger[] = verdict.triggers;
    if (verdict.eager) {
      const inRun = parents.find((parent) => planned.has(parent));
      if (inRun !== undefined)
        triggers = [{ condition: "eager", reason: `upstream ${inRun} is materialized in the same run` }, ...triggers];
    }
    if (triggers.length === 0) {
      if (verdict.skip !== undefined) {
        const { condition, cron, tick, reason } = verdict.skip;
        decisions.push({ key: asset.key, outcome: "skipped", conditions: [condition], reason, cronTick: tick, cron });
      }
      continue;
    }
    const { conditions, why } = summary(triggers);
    const hold = holdOf(asset, parents, {
      busy,
      planned,
      history,
      blockingChecks,
      now,
      settings,
      occupied,
      context,
      concurrencyLimit,
    });
    if (hold !== undefined) {
      decisions.push({ key: asset.key, outcome: "held", conditions, reason: `${why} — ${hold}` });
      continue;
    }
    planned.add(asset.key);
    run.push(asset.key);
    occupied++;
    decisions.push({ key: asset.key, outcome: "run", conditions, reason: why });
  }
  return { run, decisions };
}

/** The distinct conditions and reasons of the triggers, in order. */
function summary(triggers: readonly Trigger[]): { conditions: readonly string[]; why: string } {
  // Most assets have one trigger: skip the de-duplication then.
  if (triggers.length === 1) return { conditions: [triggers[0]!.condition], why: triggers[0]!.reason };
  return {
    conditions: [...new Set(triggers.map((trigger) => trigger.condition))],
    why: [...new Set(triggers.map((trigger) => trigger.reason))].join("; "),
  };
}

interface HoldContext {
  readonly busy: (key: string) => boolean;
  readonly planned: ReadonlySet<string>;
  readonly history: AutomationHistoryView;
  readonly blockingChecks: ReadonlyMap<string, readonly string[]>;
  readonly now: number;
  readonly settings: TickInput["settings"];
  readonly occupied: number;
  readonly context: ConditionContext;
  /** The held reason at the concurrency limit (the same for every asset). */
  readonly concurrencyLimit: string;
}

/** Why a triggered asset does not start now, or undefined when it does. */
function holdOf(asset: AutomationAsset, parents: readonly string[], hold: HoldContext): string | undefined {
  if (hold.busy(asset.key)) return "already running";
  const runningParent = parents.find((parent) => !hold.planned.has(parent) && hold.busy(parent));
  if (runningParent !== undefined) return `waiting: upstream ${runningParent} is running`;
  for (const parent of parents) {
    const failed = failedBlockingCheck(parent, hold);
    if (failed !== undefined) return `held: blocking check ${parent}:${failed} failed`;
  }
  const until = backoffUntil(asset.key, hold.history, hold.settings);
  if (until !== undefined && hold.now < until.at) {
    return `backing off after ${until.failures} failure${until.failures === 1 ? "" : "s"} until ${hold.context.formatTime(until.at)}`;
  }
  if (hold.occupied >= hold.settings.maxConcurrent) return hold.concurrencyLimit;
  return undefined;
}

/** The end of an asset's back-off: the initial delay doubling per failure since its last materialization, capped. */
export function backoffUntil(
  key: string,
  history: AutomationHistoryView,
  settings: Pick<TickInput["settings"], "backoffInitialMs" | "backoffMaxMs">,
): { at: number; failures: number } | undefined {
  const streak = history.failureStreak(key);
  if (streak === undefined || streak.count === 0) return undefined;
  const delay = Math.min(settings.backoffMaxMs, settings.backoffInitialMs * 2 ** Math.min(30, streak.count - 1));
  return { at: streak.lastAt + delay, failures: streak.count };
}

function failedBlockingCheck(parent: string, hold: HoldContext): string | undefined {
  const names = hold.blockingChecks.get(parent);
  if (names === undefined) return undefined;
  const checks = hold.history.latest(parent)?.checks ?? [];
  return checks.find((check) => !check.passed && names.includes(check.checkName))?.checkName;
}
