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
import type {
  AutomationAsset,
  AutomationDecision,
  AutomationHistoryView,
  TickInput,
  TickPlan,
} from "./automationTypes";

/** Decides what one tick starts; see the module comment. */
export function decideTick(input: TickInput): TickPlan {
  const { history, settings, now } = input;
  const byKey = new Map(input.assets.map((asset) => [asset.key, asset]));
  const context: ConditionContext = {
    history,
    cron: input.cron,
    now,
    tickMs: settings.tickMs,
    isSource: (key) => byKey.get(key)?.kind === "source",
    formatTime: timeFormatter(settings.timeZone, now),
  };
  const blockingChecks = blockingChecksByAsset(input.checks);
  const inFlight = input.inFlight ?? new Set<string>();
  const busy = (key: string) => history.running.has(key) || inFlight.has(key);
  let occupied = 0;
  for (const key of history.running) if (byKey.has(key)) occupied++;
  for (const key of inFlight) if (!history.running.has(key) && byKey.has(key)) occupied++;

  const planned = new Set<string>();
  const run: string[] = [];
  const decisions: AutomationDecision[] = [];
  for (const asset of dependencyOrder(input.assets, byKey)) {
    if (asset.kind === "source" || asset.automation.length === 0) continue;
    const parents = parentsOf(asset, byKey);
    const verdict = evaluateConditions(asset, parents, context);
    const triggers: Trigger[] = [...verdict.triggers];
    if (verdict.eager) {
      const inRun = parents.find((parent) => planned.has(parent));
      if (inRun !== undefined)
        triggers.unshift({ condition: "eager", reason: `upstream ${inRun} is materialized in the same run` });
    }
    if (triggers.length === 0) {
      if (verdict.skip !== undefined) {
        const { condition, cron, tick, reason } = verdict.skip;
        decisions.push({ key: asset.key, outcome: "skipped", conditions: [condition], reason, cronTick: tick, cron });
      }
      continue;
    }
    const conditions = [...new Set(triggers.map((trigger) => trigger.condition))];
    const why = [...new Set(triggers.map((trigger) => trigger.reason))].join("; ");
    const hold = holdOf(asset, parents, { busy, planned, history, blockingChecks, now, settings, occupied, context });
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

interface HoldContext {
  readonly busy: (key: string) => boolean;
  readonly planned: ReadonlySet<string>;
  readonly history: AutomationHistoryView;
  readonly blockingChecks: ReadonlyMap<string, readonly string[]>;
  readonly now: number;
  readonly settings: TickInput["settings"];
  readonly occupied: number;
  readonly context: ConditionContext;
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
  if (hold.occupied >= hold.settings.maxConcurrent) {
    return `waiting: ${hold.settings.maxConcurrent} asset${hold.settings.maxConcurrent === 1 ? "" : "s"} already building (the concurrency limit)`;
  }
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

function blockingChecksByAsset(checks: TickInput["checks"]): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const check of checks) {
    if (!check.blocking || check.assetKey === undefined) continue;
    const list = result.get(check.assetKey);
    if (list === undefined) result.set(check.assetKey, [check.name]);
    else list.push(check.name);
  }
  return result;
}

/** Direct upstream keys that are defined here (placeholders and self-references left out). */
export function parentsOf(asset: AutomationAsset, byKey: ReadonlyMap<string, AutomationAsset>): string[] {
  const parents: string[] = [];
  for (const dep of asset.deps) {
    if (dep.key !== undefined && dep.key !== asset.key && byKey.has(dep.key) && !parents.includes(dep.key))
      parents.push(dep.key);
  }
  return parents;
}

/** Upstream before downstream, otherwise in the given order; members of a cycle (AL001) come in given order. */
export function dependencyOrder(
  assets: readonly AutomationAsset[],
  byKey: ReadonlyMap<string, AutomationAsset>,
): AutomationAsset[] {
  const ordered: AutomationAsset[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (asset: AutomationAsset): void => {
    // Iterative depth-first: deep chains of assets must not overflow the stack.
    const stack: Array<{ asset: AutomationAsset; next: number; parents: string[] }> = [
      { asset, next: 0, parents: parentsOf(asset, byKey) },
    ];
    state.set(asset.key, "visiting");
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.next < top.parents.length) {
        const parent = byKey.get(top.parents[top.next++]!)!;
        if (state.has(parent.key)) continue;
        state.set(parent.key, "visiting");
        stack.push({ asset: parent, next: 0, parents: parentsOf(parent, byKey) });
      } else {
        stack.pop();
        state.set(top.asset.key, "done");
        ordered.push(top.asset);
      }
    }
  };
  for (const asset of assets) if (!state.has(asset.key)) visit(asset);
  return ordered;
}

/** "10:02" (with the date when it is not the day of `now`), in `timeZone` or the machine's. */
export function timeFormatter(timeZone: string | undefined, now: number): (epochMs: number) => string {
  const time = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  const day = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
  const today = day.format(now);
  return (epochMs) => {
    const date = day.format(epochMs);
    return date === today ? time.format(epochMs) : `${date} ${time.format(epochMs)}`;
  };
}
