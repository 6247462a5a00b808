import assert from "node:assert/strict";
import { assetFreshness, duration, workspaceFreshness, type FreshnessInput } from "../../server/src/model/freshness";
import type { AssetLatestState, MaterializationRecord } from "../../server/src/store";
import { EventStore } from "../../server/src/store";
import { tempStore } from "./support/store-temp";

const MIN = 60_000;
const NOW = 1_700_000_000_000;

function mat(
  key: string,
  eventId: number,
  at: number,
  codeVersion = "v1",
  consumed: Record<string, number> = {},
): MaterializationRecord {
  return { eventId, runId: "r", assetKey: key, timestamp: at, codeVersion, metadata: {}, consumed };
}

function state(key: string, parts: Partial<AssetLatestState> = {}): AssetLatestState {
  return { key, materialization: undefined, failure: undefined, lastAttempt: undefined, checks: [], ...parts };
}

function input(parts: Partial<FreshnessInput>): FreshnessInput {
  return {
    key: "stg_orders",
    currentCodeVersion: "v1",
    freshness: undefined,
    parents: [],
    latest: undefined,
    latestOfParents: new Map(),
    now: NOW,
    ...parts,
  };
}

describe("freshness: states", () => {
  it("never-materialized when there is no history", () => {
    const result = assetFreshness(input({}));
    assert.equal(result.state, "never-materialized");
    assert.equal(result.reason, "never materialized");
    assert.equal(result.lastMaterializedAt, undefined);
    assert.deepEqual(result.checks, []);
  });

  it("fresh when nothing changed, with and without a lag policy", () => {
    const latest = state("stg_orders", { materialization: mat("stg_orders", 10, NOW - 5 * MIN) });
    const plain = assetFreshness(input({ latest }));
    assert.equal(plain.state, "fresh");
    assert.equal(plain.reason, "materialized 5 min ago");
    assert.equal(plain.lastMaterializedAt, NOW - 5 * MIN);
    assert.equal(plain.materializedCodeVersion, "v1");
    const policed = assetFreshness(input({ latest, freshness: { maxLagMinutes: 60 } }));
    assert.equal(policed.state, "fresh");
    assert.equal(policed.reason, "materialized 5 min ago, within the allowed 1 h");
  });

  it("overdue once older than maxLagMinutes (the boundary itself is still fresh)", () => {
    const at = (age: number) => state("stg_orders", { materialization: mat("stg_orders", 10, NOW - age) });
    const policy = { maxLagMinutes: 60 };
    assert.equal(assetFreshness(input({ latest: at(60 * MIN), freshness: policy })).state, "fresh");
    const late = assetFreshness(input({ latest: at(125 * MIN), freshness: policy }));
    assert.equal(late.state, "overdue");
    assert.equal(late.reason, "materialized 2 h 5 min ago, more than the allowed 1 h");
  });

  it("code-changed when the current code version differs from the materialized one", () => {
    const latest = state("stg_orders", {
      materialization: mat("stg_orders", 10, NOW - 3 * MIN, "0123456789abcdef0123"),
    });
    const result = assetFreshness(input({ latest, currentCodeVersion: "fedcba9876543210fedc" }));
    assert.equal(result.state, "code-changed");
    assert.equal(
      result.reason,
      "code changed since the last materialization 3 min ago (built from 01234567, now fedcba98)",
    );
    // Unknown current version (e.g. the file does not parse right now): no claim of change.
    assert.equal(assetFreshness(input({ latest, currentCodeVersion: undefined })).state, "fresh");
  });

  it("upstream-changed when a parent has a newer materialization than the one consumed", () => {
    const latest = state("stg_orders", {
      materialization: mat("stg_orders", 20, NOW - 10 * MIN, "v1", { raw_orders: 15 }),
    });
    const parents = new Map([
      ["raw_orders", state("raw_orders", { materialization: mat("raw_orders", 30, NOW - 5 * MIN) })],
    ]);
    const result = assetFreshness(input({ latest, parents: ["raw_orders"], latestOfParents: parents }));
    assert.equal(result.state, "upstream-changed");
    assert.equal(result.reason, "upstream raw_orders materialized 5 min after this one");
    // The consumed one is the latest: fresh.
    const same = new Map([
      ["raw_orders", state("raw_orders", { materialization: mat("raw_orders", 15, NOW - 20 * MIN) })],
    ]);
    assert.equal(assetFreshness(input({ latest, parents: ["raw_orders"], latestOfParents: same })).state, "fresh");
  });

  it("upstream-changed when a parent was never consumed but is materialized now", () => {
    const latest = state("stg_orders", { materialization: mat("stg_orders", 20, NOW - 10 * MIN) });
    const parents = new Map([
      ["raw_orders", state("raw_orders", { materialization: mat("raw_orders", 12, NOW - 30 * MIN) })],
      ["raw_users", state("raw_users", { materialization: mat("raw_users", 25, NOW - 1 * MIN) })],
      ["never_built", state("never_built")],
    ]);
    const result = assetFreshness(
      input({ latest, parents: ["raw_orders", "raw_users", "never_built"], latestOfParents: parents }),
    );
    assert.equal(result.state, "upstream-changed");
    assert.equal(result.reason, "upstream raw_users materialized 9 min after this one (and 1 more upstream)");
    const older = assetFreshness(input({ latest, parents: ["raw_orders"], latestOfParents: parents }));
    assert.equal(older.reason, "upstream raw_orders has a newer materialization than the one this was built from");
  });

  it("failed when the last attempt failed after the last materialization", () => {
    const failure = {
      eventId: 30,
      runId: "r2",
      assetKey: "stg_orders",
      timestamp: NOW - 2 * MIN,
      message: "no such table: raw_orders\n  at ...",
      error: undefined,
    };
    const latest = state("stg_orders", { materialization: mat("stg_orders", 20, NOW - 60 * MIN), failure });
    const result = assetFreshness(input({ latest }));
    assert.equal(result.state, "failed");
    assert.equal(result.reason, "last attempt failed 2 min ago: no such table: raw_orders");
    assert.equal(result.lastMaterializedAt, NOW - 60 * MIN, "the older data's time is still reported");
  });

  it("sources are fresh unless observed, then only lag applies", () => {
    const source = assetFreshness(input({ key: "raw_orders", kind: "source", currentCodeVersion: "x" }));
    assert.deepEqual([source.state, source.reason], ["fresh", "source: observed, not built"]);
    const observed = state("raw_orders", { materialization: mat("raw_orders", 5, NOW - 90 * MIN, "other") });
    const late = assetFreshness(
      input({ key: "raw_orders", kind: "source", latest: observed, freshness: { maxLagMinutes: 60 } }),
    );
    assert.equal(late.state, "overdue");
    assert.match(late.reason, /^source observed 1 h 30 min ago/);
  });

  it("reports each check's latest result, only for checks still defined when told which", () => {
    const checks = [
      {
        eventId: 3,
        runId: "r",
        assetKey: "stg_orders",
        checkName: "not_null",
        timestamp: NOW - MIN,
        passed: true,
        blocking: false,
        metadata: {},
        message: undefined,
      },
      {
        eventId: 4,
        runId: "r",
        assetKey: "stg_orders",
        checkName: "unique",
        timestamp: NOW,
        passed: false,
        blocking: true,
        metadata: {},
        message: undefined,
      },
    ];
    const latest = state("stg_orders", { checks });
    assert.deepEqual(assetFreshness(input({ latest })).checks, [
      { name: "not_null", passed: true, evaluatedAt: NOW - MIN },
      { name: "unique", passed: false, evaluatedAt: NOW },
    ]);
    assert.deepEqual(
      assetFreshness(input({ latest, checkNames: ["unique"] })).checks.map((c) => c.name),
      ["unique"],
    );
  });
});

describe("freshness: precedence failed > never-materialized > code-changed > upstream-changed > overdue > fresh", () => {
  const failure = {
    eventId: 40,
    runId: "r",
    assetKey: "stg_orders",
    timestamp: NOW,
    message: "boom",
    error: undefined,
  };
  const parents = new Map([["raw_orders", state("raw_orders", { materialization: mat("raw_orders", 30, NOW - MIN) })]]);
  const everything = (parts: Partial<AssetLatestState>) =>
    input({
      latest: state("stg_orders", parts),
      currentCodeVersion: "v2",
      parents: ["raw_orders"],
      latestOfParents: parents,
      freshness: { maxLagMinutes: 1 },
    });
  const old = mat("stg_orders", 20, NOW - 600 * MIN, "v1", { raw_orders: 10 });

  it("failed beats everything", () =>
    assert.equal(assetFreshness(everything({ materialization: old, failure })).state, "failed"));
  it("failed beats never-materialized", () => assert.equal(assetFreshness(everything({ failure })).state, "failed"));
  it("never-materialized beats the rest", () =>
    assert.equal(assetFreshness(everything({})).state, "never-materialized"));
  it("code-changed beats upstream-changed and overdue", () =>
    assert.equal(assetFreshness(everything({ materialization: old })).state, "code-changed"));
  it("upstream-changed beats overdue", () =>
    assert.equal(
      assetFreshness(everything({ materialization: { ...old, codeVersion: "v2" } })).state,
      "upstream-changed",
    ));
  it("overdue beats fresh", () =>
    assert.equal(
      assetFreshness(everything({ materialization: { ...old, codeVersion: "v2", consumed: { raw_orders: 30 } } }))
        .state,
      "overdue",
    ));
});

describe("freshness: workspaceFreshness over a real store", () => {
  it("reaches every state through a sequence of runs and edits", () => {
    const tmp = tempStore();
    let clock = NOW;
    const store = EventStore.open(tmp.dbPath, { now: () => clock });
    const defs = [
      { key: "raw", kind: "source" as const, codeVersion: "s", freshness: undefined, deps: [] },
      { key: "a", kind: "asset" as const, codeVersion: "a1", freshness: { maxLagMinutes: 30 }, deps: [{ key: "raw" }] },
      {
        key: "b",
        kind: "asset" as const,
        codeVersion: "b1",
        freshness: undefined,
        deps: [{ key: "a" }, { key: undefined }],
      },
      { key: "c", kind: "asset" as const, codeVersion: "c1", freshness: undefined, deps: [] },
    ];
    const checks = [
      { name: "a_ok", assetKey: "a" },
      { name: "orphan", assetKey: undefined },
    ];
    const states = () => {
      const result = workspaceFreshness(defs, store.latestState(), clock, checks);
      return Object.fromEntries([...result].map(([k, v]) => [k, v.state]));
    };
    assert.deepEqual(states(), {
      raw: "fresh",
      a: "never-materialized",
      b: "never-materialized",
      c: "never-materialized",
    });

    const run1 = store.createRun({ selection: "*", launchedBy: "cli" });
    const aId = store.appendEvent(run1.id, { type: "MATERIALIZATION", assetKey: "a", codeVersion: "a1" });
    store.appendEvent(run1.id, {
      type: "CHECK_EVALUATION",
      assetKey: "a",
      checkName: "a_ok",
      passed: true,
      blocking: true,
    });
    store.appendEvent(run1.id, { type: "MATERIALIZATION", assetKey: "b", codeVersion: "b1", consumed: { a: aId } });
    store.appendEvents(run1.id, [
      { type: "STEP_STARTED", assetKey: "c" },
      { type: "STEP_FAILURE", assetKey: "c", message: "boom" },
    ]);
    store.finishRun(run1.id, "FAILURE");
    assert.deepEqual(states(), { raw: "fresh", a: "fresh", b: "fresh", c: "failed" });
    assert.deepEqual(workspaceFreshness(defs, store.latestState(), clock, checks).get("a")?.checks, [
      { name: "a_ok", passed: true, evaluatedAt: clock },
    ]);

    clock += 31 * MIN;
    defs[1] = { ...defs[1] }; // a: still the same code, now overdue
    defs[2] = { ...defs[2], codeVersion: "b2" }; // b: edited
    assert.deepEqual(states(), { raw: "fresh", a: "overdue", b: "code-changed", c: "failed" });

    const run2 = store.createRun({ selection: "a", launchedBy: "editor" });
    store.appendEvent(run2.id, { type: "MATERIALIZATION", assetKey: "a", codeVersion: "a1" });
    store.finishRun(run2.id, "SUCCESS");
    defs[2] = { ...defs[2], codeVersion: "b1" }; // edit reverted
    assert.deepEqual(states(), { raw: "fresh", a: "fresh", b: "upstream-changed", c: "failed" });
    store.close();
    tmp.cleanup();
  });
});

describe("freshness: durations read like a person wrote them", () => {
  it("formats", () => {
    assert.deepEqual([0, 5_000, 5 * MIN, 60 * MIN, 125 * MIN, 24 * 60 * MIN, 27 * 60 * MIN].map(duration), [
      "less than a second",
      "5 s",
      "5 min",
      "1 h",
      "2 h 5 min",
      "1 d",
      "1 d 3 h",
    ]);
  });
});
