import assert from "node:assert/strict";
import { decideTick } from "../../server/src/model/automation";
import { TickMemo } from "../../server/src/model/automationMemo";
import { CronSchedules } from "../../server/src/automation/cron";
import type {
  AutomationAsset,
  AutomationCheck,
  AutomationHistoryView,
  FailureStreak,
} from "../../server/src/model/automationTypes";
import type { AutomationCondition } from "../../server/src/model/definitions";
import { MIN, modelSettings } from "./support/automation-model";
import type { AssetHistory } from "../../server/src/model/history";
import { ChangeLog } from "../../server/src/store/changeLog";

const START = Date.UTC(2026, 11, 1, 22, 0);
const SETTINGS = modelSettings(6);

/** Deterministic PRNG (mulberry32), so a failing seed can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A history that keeps its promise to the memo: a changed record is a new object. With
 * `reportsChanges` it also says which keys changed (changesSince), as the store's view does.
 */
class ImmutableHistory implements AutomationHistoryView {
  private readonly log = new ChangeLog();
  changesSince?: AutomationHistoryView["changesSince"];
  constructor(reportsChanges: boolean) {
    if (reportsChanges) this.changesSince = (revision) => this.log.since(revision);
  }
  private nextId = 1;
  private readonly states = new Map<string, AssetHistory>();
  private readonly durations = new Map<string, readonly number[]>();
  private readonly streaks = new Map<string, FailureStreak>();
  private readonly skips = new Map<string, number>();
  running = new Set<string>();

  materialize(key: string, at: number, parents: readonly string[], codeVersion: string, tookMs: number): void {
    const consumed: Record<string, number> = {};
    for (const parent of parents) {
      const id = this.states.get(parent)?.materialization?.eventId;
      if (id !== undefined) consumed[parent] = id;
    }
    const previous = this.states.get(key);
    const materialization = { eventId: this.nextId++, assetKey: key, timestamp: at, codeVersion, consumed };
    this.states.set(key, { materialization, failure: undefined, checks: previous?.checks ?? [] });
    this.durations.set(key, [tookMs, ...(this.durations.get(key) ?? [])].slice(0, 20));
    this.streaks.delete(key);
    this.log.note([key]);
  }

  fail(key: string, at: number): void {
    const previous = this.states.get(key);
    this.states.set(key, {
      materialization: previous?.materialization,
      failure: { timestamp: at, message: "boom" },
      checks: previous?.checks ?? [],
    });
    this.streaks.set(key, { count: (this.streaks.get(key)?.count ?? 0) + 1, lastAt: at });
    this.log.note([key]);
  }

  check(key: string, checkName: string, passed: boolean, at: number): void {
    const previous = this.states.get(key);
    this.states.set(key, {
      materialization: previous?.materialization,
      failure: previous?.failure,
      checks: [{ checkName, passed, timestamp: at }],
    });
    this.log.note([key]);
  }

  skipCron(key: string, cron: string, tick: number): void {
    this.skips.set(`${key} ${cron}`, tick);
    this.log.note([key]);
  }

  latest(key: string): AssetHistory | undefined {
    return this.states.get(key);
  }
  recentDurations(key: string): readonly number[] {
    return this.durations.get(key) ?? [];
  }
  failureStreak(key: string): FailureStreak | undefined {
    return this.states.get(key)?.failure === undefined ? undefined : this.streaks.get(key);
  }
  lastCronSkip(key: string, cron: string): number | undefined {
    return this.skips.get(`${key} ${cron}`);
  }
}

const CONDITIONS: AutomationCondition[][] = [
  [{ kind: "eager" }],
  [{ kind: "on-freshness" }],
  [{ kind: "cron", cron: "*/15 * * * *", timezone: "UTC", force: false }],
  [{ kind: "cron", cron: "0 * * * *", timezone: "Europe/Paris", force: true }],
  [{ kind: "on-freshness" }, { kind: "eager" }],
  [{ kind: "cron", cron: "30 23 * * *", timezone: "UTC", force: false }, { kind: "eager" }],
  [],
];

function graph(next: () => number, size: number, version: number): AutomationAsset[] {
  const assets: AutomationAsset[] = [];
  for (let i = 0; i < size; i++) {
    const key = `a${i}`;
    if (i < 3) {
      assets.push({ key, kind: "source", codeVersion: undefined, freshness: undefined, automation: [], deps: [] });
      continue;
    }
    const automation = CONDITIONS[i % CONDITIONS.length]!;
    const deps = [Math.floor(next() * i), Math.floor(next() * i)].map((d) => ({ key: `a${d}` }));
    const freshness = automation.some((c) => c.kind === "on-freshness")
      ? { maxLagMinutes: 20 + (i % 4) * 30 }
      : undefined;
    // Every other graph version edits a few assets' code.
    const codeVersion = `v${i}-${i % 5 === version % 5 ? version : 0}`;
    assets.push({ key, kind: "asset", codeVersion, freshness, automation, deps });
  }
  return assets;
}

describe("model: ticks reusing the previous tick's work (TickMemo)", () => {
  for (const [seed, reportsChanges] of [
    [1, false],
    [7, false],
    [42, true],
    [5, true],
    [9, true],
  ] as const) {
    const how = reportsChanges ? "told what changed" : "comparing records";
    it(`decides exactly as a tick from scratch, over 300 random ticks, ${how} (seed ${seed})`, () => {
      const next = random(seed);
      const cron = new CronSchedules();
      const memo = new TickMemo();
      const history = new ImmutableHistory(reportsChanges);
      let version = 0;
      let assets = graph(next, 40, version);
      const checks: AutomationCheck[] = assets
        .filter((_, i) => i % 3 === 0)
        .map((a) => ({ name: "ok", assetKey: a.key, blocking: true }));
      let now = START;
      for (let step = 0; step < 300; step++) {
        const input = { assets, checks, history, cron, now, settings: SETTINGS };
        const fresh = decideTick(input);
        const reused = decideTick({ ...input, memo });
        assert.deepEqual(reused, fresh, `tick ${step} at ${new Date(now).toISOString()}`);

        // What happens before the next tick: some planned assets build (or fail), skips are
        // recorded, checks change, sometimes the code, and the clock moves on by up to 40 min.
        for (const key of fresh.run) {
          const asset = assets.find((a) => a.key === key)!;
          const parents = asset.deps.map((d) => d.key!);
          if (next() < 0.15) history.fail(key, now + MIN);
          else if (next() < 0.8)
            history.materialize(key, now + MIN, parents, asset.codeVersion!, 1000 + next() * 600_000);
        }
        for (const decision of fresh.decisions)
          if (decision.outcome === "skipped" && next() < 0.7)
            history.skipCron(decision.key, decision.cron!, decision.cronTick!);
        if (next() < 0.3) history.check(`a${3 + Math.floor(next() * 37)}`, "ok", next() < 0.6, now);
        if (next() < 0.2) history.materialize(`a${Math.floor(next() * 3)}`, now, [], "source", 0);
        if (next() < 0.1) history.running = new Set([`a${3 + Math.floor(next() * 37)}`]);
        if (next() < 0.05) assets = graph(random(seed), 40, ++version);
        now += Math.floor(next() * 40 * MIN);
      }
    });
  }
});

describe("store: the change log readers catch up from", () => {
  it("says which keys changed since a revision, and 'unknown' to a reader it cannot answer", () => {
    const log = new ChangeLog();
    assert.equal(log.since(undefined).keys, undefined, "a new reader reads everything");
    log.note(["a", "b"]);
    const first = log.revision;
    log.note([]);
    assert.equal(log.revision, first, "nothing changed, no revision");
    log.note(["c"]);
    assert.deepEqual([...log.since(first).keys!], ["c"]);
    assert.deepEqual([...log.since(first - 1).keys!].sort(), ["a", "b", "c"]);
    assert.deepEqual([...log.since(log.revision).keys!], []);
    log.noteAll();
    assert.equal(log.since(first).keys, undefined, "after a change of unknown extent");
    for (let i = 0; i < 600; i++) log.note([`k${i}`]);
    const behind = log.revision - 550;
    assert.equal(log.since(behind).keys, undefined, "further behind than the log keeps");
    assert.deepEqual([...log.since(log.revision - 2).keys!], ["k599", "k598"]);
  });
});
