/**
 * The shape of the definitions as automation reads it: direct upstreams, dependency order and
 * blocking checks per asset, built once per set of definitions (and kept across ticks by
 * TickMemo), plus the reasons' time formatter. Pure.
 */
import type { AutomationAsset, AutomationCheck } from "./automationTypes";

/** The definitions' shape, as one tick reads it. */
export interface AutomationStructure {
  readonly byKey: ReadonlyMap<string, AutomationAsset>;
  /** Upstream before downstream (dependencyOrder), each with its direct upstream keys (parentsOf). */
  readonly order: readonly OrderedAsset[];
  /** Positions in `order` of the assets with automation conditions (sources have none), in order. */
  readonly automated: readonly number[];
  /** Key → position in `order`. */
  readonly indexOf: ReadonlyMap<string, number>;
  /** Position in `order` → positions of its direct downstream. */
  readonly children: readonly (readonly number[])[];
  /** Asset key → names of its blocking checks. */
  readonly blockingChecks: ReadonlyMap<string, readonly string[]>;
}

export interface OrderedAsset {
  readonly asset: AutomationAsset;
  readonly parents: readonly string[];
}

/** Builds the definitions' shape. */
export function buildStructure(
  assets: readonly AutomationAsset[],
  checks: readonly AutomationCheck[],
): AutomationStructure {
  const byKey = new Map(assets.map((asset) => [asset.key, asset]));
  const parents = new Map<string, readonly string[]>();
  for (const asset of assets) parents.set(asset.key, parentsOf(asset, byKey));
  const blockingChecks = new Map<string, string[]>();
  for (const check of checks) {
    if (!check.blocking || check.assetKey === undefined) continue;
    const list = blockingChecks.get(check.assetKey);
    if (list === undefined) blockingChecks.set(check.assetKey, [check.name]);
    else list.push(check.name);
  }
  const order = dependencyOrder(assets, byKey, parents).map((asset) => ({ asset, parents: parents.get(asset.key)! }));
  const indexOf = new Map(order.map((entry, index) => [entry.asset.key, index]));
  const children: number[][] = order.map(() => []);
  order.forEach((entry, index) => {
    for (const parent of entry.parents) children[indexOf.get(parent)!]!.push(index);
  });
  const automated: number[] = [];
  order.forEach(({ asset }, index) => {
    if (asset.kind !== "source" && asset.automation.length > 0) automated.push(index);
  });
  return { byKey, order, automated, indexOf, children, blockingChecks };
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
  known?: ReadonlyMap<string, readonly string[]>,
): AutomationAsset[] {
  const parentKeys = (asset: AutomationAsset) => known?.get(asset.key) ?? parentsOf(asset, byKey);
  const ordered: AutomationAsset[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (asset: AutomationAsset): void => {
    // Iterative depth-first: deep chains of assets must not overflow the stack.
    const stack: Array<{ asset: AutomationAsset; next: number; parents: readonly string[] }> = [
      { asset, next: 0, parents: parentKeys(asset) },
    ];
    state.set(asset.key, "visiting");
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.next < top.parents.length) {
        const parent = byKey.get(top.parents[top.next++]!)!;
        if (state.has(parent.key)) continue;
        state.set(parent.key, "visiting");
        stack.push({ asset: parent, next: 0, parents: parentKeys(parent) });
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

/** Formats the times in reasons; `day` is the date of `now`, which times on that day leave out. */
export interface TimeFormatter {
  (epochMs: number): string;
  readonly timeZone: string | undefined;
  readonly day: string;
  /** The date of an instant, as `day` spells it. */
  dayOf(epochMs: number): string;
}

/** "10:02" (with the date when it is not the day of `now`), in `timeZone` or the machine's. */
export function timeFormatter(timeZone: string | undefined, now: number): TimeFormatter {
  const time = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  const day = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
  const today = day.format(now);
  // Intl formatting costs microseconds and a tick formats thousands of times, mostly the
  // same few minutes: the text depends only on the minute (time zone offsets are whole minutes).
  const byMinute = new Map<number, string>();
  const format = (epochMs: number): string => {
    const minute = Math.floor(epochMs / 60_000);
    let text = byMinute.get(minute);
    if (text === undefined) {
      const date = day.format(epochMs);
      text = date === today ? time.format(epochMs) : `${date} ${time.format(epochMs)}`;
      byMinute.set(minute, text);
    }
    return text;
  };
  return Object.assign(format, { timeZone, day: today, dayOf: (epochMs: number) => day.format(epochMs) });
}
