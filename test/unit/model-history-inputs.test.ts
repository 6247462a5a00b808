import assert from "node:assert/strict";
import { CronSchedules } from "../../server/src/automation/cron";
import { forecastAssets } from "../../server/src/model/automationForecast";
import type { AutomationAsset, AutomationHistoryView } from "../../server/src/model/automationTypes";
import type { AutomationCondition } from "../../server/src/model/definitions";
import type { AssetHistory } from "../../server/src/model/history";
import { sameHistoryInputs } from "../../server/src/model/historyInputs";
import { upstreamStaleness } from "../../server/src/model/staleness";

const NOW = Date.UTC(2026, 11, 1, 12, 0);
const CONDITIONS: readonly (readonly AutomationCondition[])[] = [
  [],
  [{ kind: "eager" }],
  [{ kind: "cron", cron: "0 6 * * *", timezone: "UTC", force: false }],
  [{ kind: "on-freshness" }],
];

/** A seeded PRNG (mulberry32), so a failure names a reproducible case. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function workspace(next: () => number): { assets: AutomationAsset[]; history: Map<string, AssetHistory> } {
  const assets: AutomationAsset[] = [];
  const history = new Map<string, AssetHistory>();
  for (let i = 0; i < 25; i++) {
    const key = `a${i}`;
    const deps = [...new Set([0, 1, 2].filter(() => i > 0 && next() < 0.5).map(() => Math.floor(next() * i)))];
    const kind = i < 3 ? "source" : "asset";
    assets.push({
      key,
      kind,
      codeVersion: `v${Math.floor(next() * 3)}`,
      freshness: next() < 0.3 ? { maxLagMinutes: 60 } : undefined,
      automation: CONDITIONS[Math.floor(next() * CONDITIONS.length)]!,
      deps: deps.map((d) => ({ key: `a${d}` })),
    });
    if (next() < 0.7) {
      const consumed: Record<string, number> = {};
      for (const d of deps) consumed[`a${d}`] = Math.floor(next() * 50);
      const materialization = {
        eventId: Math.floor(next() * 50) + 1,
        assetKey: key,
        timestamp: NOW - Math.floor(next() * 180) * 60_000,
        codeVersion: `v${Math.floor(next() * 3)}`,
        consumed,
      };
      history.set(key, { materialization, failure: undefined, checks: [] });
    }
  }
  return { assets, history };
}

/** One edit of one asset, as an analysis after a keystroke hands it back: a new object. */
function edit(asset: AutomationAsset, next: () => number, keyCount: number): AutomationAsset {
  const choice = next();
  if (choice < 0.6) return { ...asset, codeVersion: `v${Math.floor(next() * 3)}` };
  if (choice < 0.7) return { ...asset, deps: [...asset.deps, { key: `a${Math.floor(next() * keyCount)}` }] };
  if (choice < 0.8 && asset.deps.length > 0)
    return { ...asset, deps: [{ key: `a${Math.floor(next() * keyCount)}` }, ...asset.deps.slice(1)] };
  if (choice < 0.9) return { ...asset, automation: CONDITIONS[Math.floor(next() * CONDITIONS.length)]! };
  return { ...asset, freshness: asset.freshness === undefined ? { maxLagMinutes: 30 } : undefined };
}

function view(history: ReadonlyMap<string, AssetHistory>): AutomationHistoryView {
  return {
    latest: (key) => history.get(key),
    running: new Set(),
    recentDurations: () => [60_000],
    failureStreak: () => undefined,
    lastCronSkip: () => undefined,
  };
}

function forecasts(assets: readonly AutomationAsset[], history: ReadonlyMap<string, AssetHistory>): unknown {
  const settings = { maxConcurrent: 10, tickMs: 30_000, backoffInitialMs: 60_000, backoffMaxMs: 3_600_000 };
  const input = { assets, checks: [], history: view(history), cron: new CronSchedules(), now: NOW, settings };
  return [...forecastAssets({ ...input, settings: { ...settings, timeZone: "UTC" } })];
}

describe("sameHistoryInputs", () => {
  it("says the same only when staleness and forecasts are the same (300 seeded edits)", () => {
    let same = 0;
    let different = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const next = random(seed);
      const { assets, history } = workspace(next);
      const edited = assets.slice();
      const at = 3 + Math.floor(next() * (assets.length - 3));
      edited[at] = edit(assets[at]!, next, assets.length);
      const materialized = (key: string) => history.get(key)?.materialization?.codeVersion;
      if (!sameHistoryInputs(assets, edited, materialized)) {
        different++;
        continue;
      }
      same++;
      const context = `seed ${seed}, edit of ${assets[at]!.key}`;
      assert.deepEqual([...upstreamStaleness(edited, history)], [...upstreamStaleness(assets, history)], context);
      assert.deepEqual(forecasts(edited, history), forecasts(assets, history), context);
    }
    // Both answers must occur, or the property above proves nothing.
    assert.ok(same > 50 && different > 50, `same ${same}, different ${different}`);
  });

  it("keeps the views across a new code version only while it still differs from the materialized one", () => {
    const asset: AutomationAsset = {
      key: "orders",
      kind: "asset",
      codeVersion: "edited-1",
      freshness: undefined,
      automation: [],
      deps: [{ key: "raw" }],
    };
    const materialized = () => "built";
    assert.equal(sameHistoryInputs([asset], [{ ...asset, codeVersion: "edited-2" }], materialized), true);
    assert.equal(sameHistoryInputs([asset], [{ ...asset, codeVersion: "built" }], materialized), false);
    assert.equal(
      sameHistoryInputs([asset], [{ ...asset, codeVersion: "edited-2" }], () => undefined),
      true,
    );
    assert.equal(sameHistoryInputs([asset], [{ ...asset, deps: [{ key: "other" }] }], materialized), false);
    assert.equal(sameHistoryInputs([asset], [asset, { ...asset, key: "more" }], materialized), false);
  });
});
