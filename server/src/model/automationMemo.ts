/**
 * What one tick can reuse from the previous one, so that a loop over thousands of assets pays
 * for what changed rather than for everything (bench/automation). Pure: it only remembers
 * values the tick computed, keyed on the identity of what they were computed from.
 *
 * Two layers:
 * - the shape of the definitions (keys, direct upstreams, dependency order, blocking checks),
 *   rebuilt when the definitions array is a new one (the analysis hands out a new snapshot
 *   only when a file changed);
 * - each asset's condition verdict, reused while the asset's definition, its own latest record
 *   and its upstreams' records are the same objects, its cron skips are the same, the clock has
 *   not reached the next time a condition could fire, and it is still the same day (reasons
 *   print a date for other days).
 *
 * Reuse rests on one promise of the history (AutomationHistoryView): a record that changes is
 * replaced by a new object, never mutated. The store's latest-state cache keeps it.
 */
import { type ConditionContext, type ConditionVerdict, evaluateConditions } from "./automationConditions";
import { type AutomationStructure, buildStructure, type TimeFormatter, timeFormatter } from "./automationStructure";
import type { AssetHistory } from "./history";
import type { AutomationAsset, AutomationCheck, AutomationHistoryView } from "./automationTypes";

interface VerdictEntry {
  readonly asset: AutomationAsset;
  readonly own: AssetHistory | undefined;
  readonly upstream: readonly (AssetHistory | undefined)[];
  readonly skips: readonly (number | undefined)[];
  /** The verdict holds while the clock is before this. */
  readonly until: number;
  readonly verdict: ConditionVerdict;
}

/** Keeps what ticks over the same definitions and history can share; see the module comment. */
export class TickMemo {
  private assets: readonly AutomationAsset[] | undefined;
  private checks: readonly AutomationCheck[] | undefined;
  private shape: AutomationStructure | undefined;
  private history: AutomationHistoryView | undefined;
  private formatter: TimeFormatter | undefined;
  private tickMs: number | undefined;
  /** By position in the structure's order (an asset's own entry says whose it is). */
  private verdicts: (VerdictEntry | undefined)[] = [];
  /** The history's change revision at the last tick, when it reports changes (changesSince). */
  private revision: number | undefined;
  /** With changes reported: 1 for positions whose history (or an upstream's) changed since their verdict. */
  private stale = new Uint8Array(0);
  private tracked = false;

  /** The shape of `assets` and `checks`, rebuilt only when either is a new array. */
  structure(assets: readonly AutomationAsset[], checks: readonly AutomationCheck[]): AutomationStructure {
    if (this.shape !== undefined && assets === this.assets && checks === this.checks) return this.shape;
    if (assets !== this.assets) this.forget();
    this.assets = assets;
    this.checks = checks;
    this.shape = buildStructure(assets, checks);
    return this.shape;
  }

  /**
   * Starts a tick at `now` (after structure()) and returns its time formatter. Every verdict is
   * forgotten when the history object, the tick length or the day (in the reasons' time zone)
   * differ from the previous tick's, or the history cannot say what changed since.
   */
  begin(history: AutomationHistoryView, now: number, timeZone: string | undefined, tickMs: number): TimeFormatter {
    const last = this.formatter;
    const sameDay = last !== undefined && last.timeZone === timeZone && last.dayOf(now) === last.day;
    if (!sameDay) this.formatter = timeFormatter(timeZone, now);
    if (!sameDay || history !== this.history || tickMs !== this.tickMs) this.forget();
    this.history = history;
    this.tickMs = tickMs;
    this.markChanges(history);
    return this.formatter!;
  }

  /**
   * evaluateConditions(asset, parents, context), or the same answer remembered from an earlier
   * tick; `index` is the asset's position in the structure's order.
   */
  verdict(
    index: number,
    asset: AutomationAsset,
    parents: readonly string[],
    context: ConditionContext,
  ): ConditionVerdict {
    const { history, now } = context;
    const entry = this.verdicts[index];
    if (entry !== undefined && now < entry.until) {
      // With changes reported, a position not marked stale has the same records and skips.
      if (this.tracked ? this.stale[index] === 0 : this.unchanged(entry, asset, parents, history)) return entry.verdict;
    }
    const verdict = evaluateConditions(asset, parents, context);
    this.verdicts[index] = {
      asset,
      own: history.latest(asset.key),
      upstream: parents.map((parent) => history.latest(parent)),
      skips: cronSkips(asset, history),
      until: validUntil(verdict, now),
      verdict,
    };
    this.stale[index] = 0;
    return verdict;
  }

  private forget(): void {
    this.verdicts = [];
    this.revision = undefined;
  }

  /** Marks the positions whose verdict may have changed since the last tick, when the history says which. */
  private markChanges(history: AutomationHistoryView): void {
    const shape = this.shape!;
    if (this.stale.length !== shape.order.length) {
      this.stale = new Uint8Array(shape.order.length);
      this.verdicts = [];
    }
    const changes = history.changesSince?.(this.revision);
    this.tracked = changes !== undefined && changes.keys !== undefined && this.revision !== undefined;
    this.revision = changes?.revision;
    if (!this.tracked) return;
    for (const key of changes!.keys!) {
      const index = shape.indexOf.get(key);
      if (index === undefined) continue;
      this.stale[index] = 1;
      for (const child of shape.children[index]!) this.stale[child] = 1;
    }
  }

  private unchanged(
    entry: VerdictEntry,
    asset: AutomationAsset,
    parents: readonly string[],
    history: AutomationHistoryView,
  ): boolean {
    return (
      entry.asset === asset &&
      entry.own === history.latest(asset.key) &&
      sameUpstream(entry, parents, history) &&
      sameSkips(entry, asset, history)
    );
  }
}

/**
 * Until when a verdict stays true with nothing else changing: the next time a condition could
 * fire (a cron tick, the on-freshness time). A triggered on-freshness verdict says "overdue in
 * 12 min", which changes with the clock, so it is never reused.
 */
function validUntil(verdict: ConditionVerdict, now: number): number {
  if (verdict.triggers.some((trigger) => trigger.condition === "on-freshness")) return now;
  return verdict.nextTriggerAt ?? Infinity;
}

function sameUpstream(entry: VerdictEntry, parents: readonly string[], history: AutomationHistoryView): boolean {
  if (entry.upstream.length !== parents.length) return false;
  for (let i = 0; i < parents.length; i++) if (history.latest(parents[i]!) !== entry.upstream[i]) return false;
  return true;
}

function cronSkips(asset: AutomationAsset, history: AutomationHistoryView): (number | undefined)[] {
  const skips: (number | undefined)[] = [];
  for (const condition of asset.automation)
    if (condition.kind === "cron") skips.push(history.lastCronSkip(asset.key, condition.cron));
  return skips;
}

function sameSkips(entry: VerdictEntry, asset: AutomationAsset, history: AutomationHistoryView): boolean {
  let i = 0;
  for (const condition of asset.automation) {
    if (condition.kind !== "cron") continue;
    if (history.lastCronSkip(asset.key, condition.cron) !== entry.skips[i++]) return false;
  }
  return true;
}
