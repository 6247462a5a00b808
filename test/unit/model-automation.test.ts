import assert from "node:assert/strict";
import { decideTick } from "../../server/src/model/automation";
import { forecastAssets } from "../../server/src/model/automationForecast";
import { CronSchedules } from "../../server/src/automation/cron";
import type {
  AutomationAsset,
  AutomationCheck,
  AutomationHistoryView,
  FailureStreak,
} from "../../server/src/model/automationTypes";
import type { AutomationCondition } from "../../server/src/model/definitions";
import { MIN, modelSettings } from "./support/automation-model";
import type { AssetHistory, CheckResultFact, MaterializationFact } from "../../server/src/model/history";

/** 2026-12-01 10:00 UTC: the clock of every test. */
const NOW = Date.UTC(2026, 11, 1, 10, 0);
const SETTINGS = modelSettings(10);

function asset(
  key: string,
  automation: AutomationCondition[],
  deps: string[] = [],
  extra: Partial<AutomationAsset> = {},
): AutomationAsset {
  return {
    key,
    kind: "asset",
    codeVersion: `v-${key}`,
    freshness: undefined,
    automation,
    deps: deps.map((k) => ({ key: k })),
    ...extra,
  };
}
const source = (key: string): AutomationAsset => asset(key, [], [], { kind: "source", codeVersion: undefined });
const eager: AutomationCondition = { kind: "eager" };
const onFreshness: AutomationCondition = { kind: "on-freshness" };
const cron = (expression: string, force = false): AutomationCondition => ({
  kind: "cron",
  cron: expression,
  timezone: "UTC",
  force,
});

/** A history written by hand: each materialization gets the next event id. */
class History implements AutomationHistoryView {
  private nextId = 1;
  private readonly states = new Map<string, { materialization?: MaterializationFact; checks: CheckResultFact[] }>();
  readonly running = new Set<string>();
  private readonly durations = new Map<string, number[]>();
  private readonly streaks = new Map<string, FailureStreak>();
  private readonly skips = new Map<string, number>();

  /** Records a materialization of `key` at `minutesAgo`, built from the parents' current ones. */
  materialized(
    key: string,
    minutesAgo: number,
    options: { from?: string[]; codeVersion?: string; tookMs?: number } = {},
  ): this {
    const consumed: Record<string, number> = {};
    for (const parent of options.from ?? []) {
      const id = this.states.get(parent)?.materialization?.eventId;
      if (id !== undefined) consumed[parent] = id;
    }
    const state = this.states.get(key) ?? { checks: [] };
    state.materialization = {
      eventId: this.nextId++,
      assetKey: key,
      timestamp: NOW - minutesAgo * MIN,
      codeVersion: options.codeVersion ?? `v-${key}`,
      consumed,
    };
    this.states.set(key, state);
    if (options.tookMs !== undefined) this.durations.set(key, [options.tookMs, ...(this.durations.get(key) ?? [])]);
    return this;
  }
  checked(key: string, checkName: string, passed: boolean): this {
    const state = this.states.get(key) ?? { checks: [] };
    state.checks = [...state.checks.filter((c) => c.checkName !== checkName), { checkName, passed, timestamp: NOW }];
    this.states.set(key, state);
    return this;
  }
  failed(key: string, count: number, minutesAgo: number): this {
    this.streaks.set(key, { count, lastAt: NOW - minutesAgo * MIN });
    return this;
  }
  skippedCron(key: string, expression: string, tick: number): this {
    this.skips.set(`${key} ${expression}`, tick);
    return this;
  }
  latest(key: string): AssetHistory | undefined {
    const state = this.states.get(key);
    return state && { materialization: state.materialization, failure: undefined, checks: state.checks };
  }
  recentDurations(key: string): readonly number[] {
    return this.durations.get(key) ?? [];
  }
  failureStreak(key: string): FailureStreak | undefined {
    return this.streaks.get(key);
  }
  lastCronSkip(key: string, expression: string): number | undefined {
    return this.skips.get(`${key} ${expression}`);
  }
}

const schedules = new CronSchedules();
function tick(
  assets: AutomationAsset[],
  history: History,
  options: {
    checks?: AutomationCheck[];
    settings?: Partial<ReturnType<typeof modelSettings>>;
    now?: number;
    inFlight?: string[];
  } = {},
) {
  const plan = decideTick({
    assets,
    checks: options.checks ?? [],
    history,
    cron: schedules,
    now: options.now ?? NOW,
    settings: { ...SETTINGS, ...options.settings },
    inFlight: new Set(options.inFlight ?? []),
  });
  return {
    run: plan.run,
    decisions: plan.decisions.map((d) => `${d.key} ${d.outcome}: ${d.reason}`),
    plan,
  };
}

describe("model: automation decisions per tick", () => {
  describe("eager", () => {
    const graph = [asset("a", []), asset("b", [eager], ["a"])];

    it("runs when an upstream has a newer materialization, naming it and when", () => {
      const history = new History()
        .materialized("a", 60)
        .materialized("b", 50, { from: ["a"] })
        .materialized("a", 2);
      assert.deepEqual(tick(graph, history).decisions, ["b run: upstream a materialized at 09:58"]);
    });

    it("does nothing when it was built from its upstreams' latest materializations", () => {
      const history = new History().materialized("a", 60).materialized("b", 50, { from: ["a"] });
      assert.deepEqual(tick(graph, history), { run: [], decisions: [], plan: tick(graph, history).plan });
    });

    it("runs when its code changed since its last materialization", () => {
      const history = new History().materialized("a", 60).materialized("b", 50, { from: ["a"], codeVersion: "old" });
      assert.deepEqual(tick(graph, history).decisions, ["b run: code changed"]);
    });

    it("a root never materialized is left for someone to build first; one whose upstream has data runs", () => {
      assert.deepEqual(tick([asset("root", [eager])], new History()).run, []);
      assert.deepEqual(tick(graph, new History().materialized("a", 5)).decisions, [
        "b run: upstream a materialized at 09:55",
      ]);
    });
  });

  describe("cron", () => {
    const daily = cron("0 6 * * *");
    const graph = [asset("a", []), asset("b", [daily], ["a"])];
    const sixToday = Date.UTC(2026, 11, 1, 6, 0);

    it("runs after the tick when an upstream is newer than the last run", () => {
      const history = new History().materialized("a", 300).materialized("b", 24 * 60, { from: ["a"] });
      history.materialized("a", 250);
      assert.deepEqual(tick(graph, history).decisions, [
        "b run: cron 0 6 * * * at 06:00, upstream a materialized at 05:50",
      ]);
    });

    it("skips the tick, with the reason and the tick, when no upstream is newer; once", () => {
      const history = new History().materialized("a", 24 * 60).materialized("b", 23 * 60, { from: ["a"] });
      const first = tick(graph, history);
      assert.deepEqual(first.decisions, [
        "b skipped: cron 0 6 * * * at 06:00 skipped: no upstream materialized since the last run at 2026-11-30 11:00",
      ]);
      assert.equal(first.plan.decisions[0]!.cronTick, sixToday);
      history.skippedCron("b", "0 6 * * *", sixToday);
      assert.deepEqual(tick(graph, history).decisions, []);
    });

    it("with force, runs at every tick whatever the upstream", () => {
      const history = new History().materialized("a", 24 * 60).materialized("b", 23 * 60, { from: ["a"] });
      assert.deepEqual(tick([graph[0]!, asset("b", [cron("0 6 * * *", true)], ["a"])], history).decisions, [
        "b run: cron 0 6 * * * (force) at 06:00",
      ]);
    });

    it("does nothing when materialized since the tick (by hand, or by the last tick's run)", () => {
      const history = new History()
        .materialized("a", 300)
        .materialized("b", 10, { from: ["a"] })
        .materialized("a", 5);
      assert.deepEqual(tick(graph, history).decisions, []);
    });

    it("runs when never materialized, or when its upstream is a source nobody observes", () => {
      assert.deepEqual(tick(graph, new History()).decisions, ["b run: cron 0 6 * * * at 06:00, never materialized"]);
      const fromSource = [source("raw"), asset("stg", [daily], ["raw"])];
      const history = new History().materialized("stg", 23 * 60);
      assert.deepEqual(tick(fromSource, history).decisions, [
        "stg run: cron 0 6 * * * at 06:00, source raw is not observed, so it may have changed",
      ]);
    });
  });

  describe("on-freshness", () => {
    const kept = (minutes: number) => asset("r", [onFreshness], [], { freshness: { maxLagMinutes: minutes } });

    it("runs early enough to finish before the asset is overdue, from its slowest recent runs", () => {
      // 60 min allowed, built 52 min ago, recent runs took 9 and 4 min: by the slow one, start now or be late.
      const history = new History()
        .materialized("r", 70, { tookMs: 9 * MIN })
        .materialized("r", 52, { tookMs: 4 * MIN });
      assert.deepEqual(tick([kept(60)], history).decisions, [
        "r run: overdue in 8 min (max lag 60 min, last took 4 min)",
      ]);
      // By the last run alone (4 min), there would still be time.
      const fast = new History().materialized("r", 52, { tookMs: 4 * MIN });
      assert.deepEqual(tick([kept(60)], fast).run, []);
    });

    it("does not run again until needed", () => {
      const history = new History().materialized("r", 20, { tookMs: 4 * MIN });
      assert.deepEqual(tick([kept(60)], history).run, []);
      // At 55.5 min the 4 min run and the 30 s tick no longer fit in the hour.
      assert.deepEqual(tick([kept(60)], history, { now: NOW + 36 * MIN }).run, ["r"]);
      assert.deepEqual(tick([kept(60)], history, { now: NOW + 35 * MIN }).run, []);
    });

    it("says when it is already overdue, and runs one never materialized", () => {
      const history = new History().materialized("r", 75, { tookMs: 4 * MIN });
      assert.deepEqual(tick([kept(60)], history).decisions, [
        "r run: overdue since 15 min (max lag 60 min, last took 4 min)",
      ]);
      assert.deepEqual(tick([kept(60)], new History()).decisions, ["r run: never materialized (max lag 60 min)"]);
    });
  });

  it("composes conditions: any triggers, and every reason is given", () => {
    const graph = [asset("a", []), asset("r", [onFreshness, eager], ["a"], { freshness: { maxLagMinutes: 60 } })];
    const history = new History().materialized("a", 200).materialized("r", 70, { from: ["a"], tookMs: MIN });
    history.materialized("a", 1);
    assert.deepEqual(tick(graph, history).decisions, [
      "r run: overdue since 10 min (max lag 60 min, last took 1 min); upstream a materialized at 09:59",
    ]);
    assert.deepEqual(tick(graph, history).plan.decisions[0]!.conditions, ["on-freshness", "eager"]);
  });

  it("plans one run in dependency order, with eager downstream of what is due in the same run", () => {
    const graph = [
      asset("report", [eager], ["mid"]),
      asset("mid", [eager], ["stg"]),
      asset("stg", [cron("0 6 * * *", true)]),
      asset("other", [eager], ["stg"]),
    ];
    const history = new History().materialized("stg", 24 * 60).materialized("mid", 23 * 60, { from: ["stg"] });
    history.materialized("report", 23 * 60, { from: ["mid"] }).materialized("other", 23 * 60, { from: ["stg"] });
    const { run, decisions } = tick(graph, history);
    assert.deepEqual(run, ["stg", "mid", "report", "other"]);
    assert.deepEqual(decisions, [
      "stg run: cron 0 6 * * * (force) at 06:00",
      "mid run: upstream stg is materialized in the same run",
      "report run: upstream mid is materialized in the same run",
      "other run: upstream stg is materialized in the same run",
    ]);
  });

  describe("holds", () => {
    const graph = [asset("a", []), asset("b", [eager], ["a"]), asset("c", [eager], ["b"])];
    const changed = () =>
      new History()
        .materialized("a", 60)
        .materialized("b", 50, { from: ["a"] })
        .materialized("c", 40, { from: ["b"] })
        .materialized("a", 1);

    it("never starts an asset that is running, nor one whose upstream is running", () => {
      const history = changed();
      history.running.add("b");
      assert.deepEqual(tick(graph, history).decisions, ["b held: upstream a materialized at 09:59 — already running"]);
      history.running.clear();
      history.running.add("a");
      assert.deepEqual(tick(graph, history).decisions, [
        "b held: upstream a materialized at 09:59 — waiting: upstream a is running",
      ]);
    });

    it("counts what the loop's own unfinished runs planned as running", () => {
      assert.deepEqual(tick(graph, changed(), { inFlight: ["b"] }).run, []);
    });

    it("respects the concurrency limit, counting assets already building, upstream first", () => {
      const wide = [asset("a", []), ...["x", "y", "z"].map((k) => asset(k, [eager], ["a"]))];
      const history = new History().materialized("a", 60);
      history.running.add("a");
      assert.deepEqual(tick(wide, history).run, []);
      history.running.clear();
      const { run, decisions } = tick(wide, history, { settings: { maxConcurrent: 2 } });
      assert.deepEqual(run, ["x", "y"]);
      assert.equal(
        decisions[2],
        "z held: upstream a materialized at 09:00 — waiting: 2 assets already building (the concurrency limit)",
      );
    });

    it("backs off after failures, doubling the delay up to the cap", () => {
      const history = changed().failed("b", 1, 0.5);
      assert.deepEqual(tick(graph, history).decisions, [
        "b held: upstream a materialized at 09:59 — backing off after 1 failure until 10:00",
      ]);
      assert.deepEqual(tick(graph, history, { now: NOW + MIN }).run, ["b", "c"]);
      history.failed("b", 3, 1);
      assert.match(
        tick(graph, history, { now: NOW + 2 * MIN }).decisions[0]!,
        /backing off after 3 failures until 10:03/,
      );
      assert.deepEqual(tick(graph, history, { now: NOW + 3 * MIN }).run, ["b", "c"]);
      history.failed("b", 20, 1);
      assert.deepEqual(tick(graph, history, { now: NOW + 58 * MIN }).run, []);
      assert.deepEqual(tick(graph, history, { now: NOW + 59 * MIN }).run, ["b", "c"]);
    });

    it("a failed blocking check of an upstream stops the downstream from triggering", () => {
      const checks: AutomationCheck[] = [
        { name: "unique", assetKey: "a", blocking: true },
        { name: "advisory", assetKey: "a", blocking: false },
      ];
      const history = changed().checked("a", "advisory", false);
      assert.deepEqual(tick(graph, history, { checks }).run, ["b", "c"]);
      history.checked("a", "unique", false);
      assert.deepEqual(tick(graph, history, { checks }).decisions, [
        "b held: upstream a materialized at 09:59 — held: blocking check a:unique failed",
      ]);
      history.checked("a", "unique", true);
      assert.deepEqual(tick(graph, history, { checks }).run, ["b", "c"]);
    });
  });

  it("never automates sources or assets without conditions", () => {
    const history = new History()
      .materialized("a", 60)
      .materialized("b", 50, { from: ["a"] })
      .materialized("a", 1);
    assert.deepEqual(tick([asset("a", []), asset("b", [], ["a"]), source("s")], history).decisions, []);
  });
});

describe("model: when will my data be ready", () => {
  function forecast(assets: AutomationAsset[], history: History) {
    const result = forecastAssets({ assets, checks: [], history, cron: schedules, now: NOW, settings: SETTINGS });
    return Object.fromEntries(
      [...result].map(([key, f]) => [
        key,
        {
          next: f.nextExpectedAt === undefined ? undefined : new Date(f.nextExpectedAt).toISOString().slice(11, 16),
          p50: f.expectedDurationMs,
          overdue: f.willBeOverdue,
          basis: f.basis,
        },
      ]),
    );
  }

  it("chains a cron asset's next tick, its duration, and its eager downstream's", () => {
    const assets = [
      asset("stg", [cron("0 12 * * *")]),
      asset("mart", [eager], ["stg"], { freshness: { maxLagMinutes: 3 * 60 } }),
      asset("manual", [], ["mart"], { freshness: { maxLagMinutes: 60 } }),
      source("raw"),
    ];
    const history = new History()
      .materialized("stg", 30, { tookMs: 4 * MIN })
      .materialized("stg", 20, { tookMs: 6 * MIN })
      .materialized("mart", 10, { from: ["stg"], tookMs: 2 * MIN })
      .materialized("manual", 5, { from: ["mart"] });
    assert.deepEqual(forecast(assets, history), {
      stg: { next: "12:04", p50: 4 * MIN, overdue: undefined, basis: "cron 0 12 * * * at 12:00, takes about 4 min" },
      mart: {
        next: "12:06",
        p50: 2 * MIN,
        overdue: false,
        basis: "after upstream stg (expected 12:04), takes about 2 min",
      },
      manual: { next: undefined, p50: undefined, overdue: true, basis: "no automation condition will materialize it" },
    });
  });

  it("says when a freshness deadline will be missed, and when something due now waits for its back-off", () => {
    const assets = [
      asset("a", []),
      asset("late", [cron("0 12 * * *", true)], [], { freshness: { maxLagMinutes: 60 } }),
      asset("kept", [onFreshness], [], { freshness: { maxLagMinutes: 60 } }),
      asset("retry", [eager], ["a"]),
    ];
    const history = new History()
      .materialized("late", 30, { tookMs: MIN })
      .materialized("kept", 30, { tookMs: 5 * MIN })
      .materialized("a", 1)
      .failed("retry", 2, 1);
    const result = forecast(assets, history);
    assert.deepEqual(result.late, {
      next: "12:01",
      p50: MIN,
      overdue: true,
      basis: "cron 0 12 * * * at 12:00, takes about 1 min",
    });
    assert.deepEqual(result.kept, {
      next: "10:29",
      p50: 5 * MIN,
      overdue: false,
      basis: "on-freshness at 10:24, takes about 5 min",
    });
    assert.equal(result.retry!.next, "10:01");
    assert.match(result.retry!.basis, /^due now: upstream a materialized at 09:59, after backing off until 10:01$/);
  });

  it("an asset being built is expected when a usual run ends", () => {
    const history = new History().materialized("a", 60, { tookMs: 3 * MIN });
    history.running.add("a");
    assert.deepEqual(forecast([asset("a", [eager])], history).a, {
      next: "10:03",
      p50: 3 * MIN,
      overdue: undefined,
      basis: "running now, takes about 3 min",
    });
  });
});
