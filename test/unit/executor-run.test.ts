import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { RunResult } from "../../server/src/executor";
import type { StoredEvent } from "../../server/src/store";
import { openWorkspace, type Workspace } from "./support/executor-harness";

function types(events: readonly StoredEvent[], assetKey: string): string[] {
  return events.filter((e) => "assetKey" in e && e.assetKey === assetKey && e.type !== "LOG").map((e) => e.type);
}

describe("executor: materializing a SQL chain", function () {
  this.timeout(60_000);
  let ws: Workspace;
  /** The first run: revenue_by_customer with its upstream, and every event it streamed. */
  let result: RunResult;
  const live: StoredEvent[] = [];
  before(async () => {
    ws = await openWorkspace("exec-chain");
    const run = ws.run(["revenue_by_customer"], { withUpstream: true });
    run.events.on("event", (event) => live.push(event));
    result = await run.done;
  });
  after(() => ws.dispose());

  it("builds the three assets in dependency order and succeeds", () => {
    assert.equal(result.status, "SUCCESS", result.message);
    assert.deepEqual(
      result.steps.map((s) => [s.assetKey, s.status]),
      [
        ["raw_orders", "succeeded"],
        ["paid_orders", "succeeded"],
        ["revenue_by_customer", "succeeded"],
      ],
    );
    assert.equal(ws.store.getRun(result.runId)!.status, "SUCCESS");
  });

  it("leaves the right rows in the warehouse", () => {
    const warehouse = new Database(join(ws.root, ".assetline", "warehouse.db"), { readonly: true });
    try {
      assert.deepEqual(warehouse.prepare("select customer, revenue from revenue_by_customer order by customer").all(), [
        { customer: "ana", revenue: 25 },
        { customer: "bo", revenue: 2.5 },
        { customer: "cy", revenue: 20 },
      ]);
      assert.equal((warehouse.prepare("select count(*) n from paid_orders").get() as { n: number }).n, 4);
    } finally {
      warehouse.close();
    }
  });

  it("streams live exactly the events it stores, RUN_STARTED to RUN_SUCCESS", () => {
    const stored = ws.store.runEvents(result.runId);
    assert.deepEqual(
      live.map((e) => e.id),
      stored.map((e) => e.id),
    );
    assert.equal(stored[0]!.type, "RUN_STARTED");
    assert.equal(stored.at(-1)!.type, "RUN_SUCCESS");
  });

  it("records each step's lifecycle: started, materialized, succeeded", () => {
    const lifecycle = types(ws.store.runEvents(result.runId), "paid_orders");
    assert.deepEqual(lifecycle, ["STEP_STARTED", "MATERIALIZATION", "STEP_SUCCESS"]);
  });

  it("records what the asset logged under its key", () => {
    const log = ws.store.runEvents(result.runId).find((e) => e.type === "LOG" && e.assetKey === "paid_orders");
    assert.equal(log?.type === "LOG" ? log.message : undefined, "paid orders built");
  });

  it("records metadata, the analysed code version and the upstream materializations consumed", async () => {
    const result = await ws.run(["revenue_by_customer"], { withUpstream: true }).done;
    const byKey = new Map(result.steps.map((s) => [s.assetKey, s]));
    const raw = ws.store.latestMaterialization("raw_orders")!;
    const paid = ws.store.latestMaterialization("paid_orders")!;
    const revenue = ws.store.latestMaterialization("revenue_by_customer")!;
    assert.equal(raw.eventId, byKey.get("raw_orders")!.materializationEventId);
    assert.deepEqual(raw.metadata, { rows: 5 });
    assert.deepEqual(paid.consumed, { raw_orders: raw.eventId });
    assert.deepEqual(revenue.consumed, { paid_orders: paid.eventId });
    const analysed = ws.snapshot.assets.find((a) => a.key === "paid_orders")!;
    assert.equal(paid.codeVersion, analysed.codeVersion);
  });

  it("without --with-upstream, consumes the upstream's materialization from an earlier run", async () => {
    const before = ws.store.latestMaterialization("paid_orders")!;
    const result = await ws.run(["revenue_by_customer"]).done;
    assert.deepEqual(
      result.steps.map((s) => s.assetKey),
      ["revenue_by_customer"],
    );
    assert.deepEqual(ws.store.latestMaterialization("revenue_by_customer")!.consumed, { paid_orders: before.eventId });
  });

  it("reuses a bundle while its sources are unchanged", async () => {
    const manifest = () => JSON.parse(readFileSync(join(ws.root, ".assetline", "build", "manifest.json"), "utf8"));
    const first = manifest()["src/marts.ts"].bundle as string;
    await ws.run(["paid_orders"]).done;
    assert.equal(manifest()["src/marts.ts"].bundle, first);
    assert.ok(existsSync(join(ws.root, ".assetline", "build", first)));
  });
});

describe("executor: failures", function () {
  this.timeout(60_000);
  let ws: Workspace;
  /** A run in which `explodes` throws; after_explodes and two_below are downstream of it. */
  let result: RunResult;
  before(async () => {
    ws = await openWorkspace("exec-failures");
    result = await ws.run(["upstream_ok", "explodes", "after_explodes", "two_below"]).done;
  });
  after(() => ws.dispose());

  it("a throwing asset fails its step and the run", () => {
    assert.equal(result.status, "FAILURE");
    assert.equal(result.steps.find((s) => s.assetKey === "explodes")!.status, "failed");
    assert.equal(ws.store.getRun(result.runId)!.status, "FAILURE");
  });

  it("the step's error has the thrown message and a stack naming the user's .ts line, not the bundle", () => {
    const { error } = result.steps.find((s) => s.assetKey === "explodes")!;
    assert.equal(error?.message, "kaboom: bad data");
    assert.match(error?.stack ?? "", /src\/boom\.ts:7:\d+/);
    assert.doesNotMatch(error?.stack ?? "", /\.assetline\/build/);
  });

  it("the stored STEP_FAILURE has the same message and stack", () => {
    const events = ws.store.runEvents(result.runId);
    const failure = events.find((e) => e.type === "STEP_FAILURE" && e.assetKey === "explodes");
    assert.ok(failure?.type === "STEP_FAILURE");
    assert.equal(failure.message, "kaboom: bad data");
    assert.match(failure.error?.stack ?? "", /src\/boom\.ts:7/);
  });

  it("skips everything downstream, saying which upstream failed", () => {
    const events = ws.store.runEvents(result.runId);
    for (const key of ["after_explodes", "two_below"]) {
      const skipped = events.find((e) => e.type === "STEP_SKIPPED" && e.assetKey === key);
      assert.ok(skipped?.type === "STEP_SKIPPED", `${key} skipped`);
      assert.match(skipped.reason, /upstream explodes failed/);
    }
  });

  it("still builds what does not depend on the failure, and materializes nothing for the failed asset", () => {
    assert.equal(result.steps.find((s) => s.assetKey === "upstream_ok")!.status, "succeeded");
    assert.equal(ws.store.latestMaterialization("explodes"), undefined);
  });

  it("retries a failed asset with backoff and succeeds on the second attempt", async () => {
    const retrying = await openWorkspace("exec-failures", { retries: 2, retryBackoffMs: 50 });
    try {
      const result = await retrying.run(["flaky"]).done;
      assert.equal(result.status, "SUCCESS", result.message);
      assert.equal(result.steps[0]!.attempts, 2);
      const lifecycle = retrying.store
        .runEvents(result.runId)
        .filter((e) => e.type !== "LOG" && e.type !== "RUN_STARTED");
      assert.deepEqual(
        lifecycle.map((e) =>
          e.type === "STEP_STARTED" || e.type === "STEP_RETRY" ? `${e.type}#${e.attempt}` : e.type,
        ),
        ["STEP_STARTED#1", "STEP_RETRY#2", "STEP_STARTED#2", "MATERIALIZATION", "STEP_SUCCESS", "RUN_SUCCESS"],
      );
      const retry = lifecycle[1]!;
      assert.ok(retry.type === "STEP_RETRY" && retry.message === "transient failure" && retry.delayMs === 50);
      assert.deepEqual(retrying.store.latestMaterialization("flaky")!.metadata, { recovered: true });
    } finally {
      await retrying.dispose();
    }
  });

  it("without retries, the same asset fails once", async () => {
    const result = await ws.run(["flaky"]).done;
    assert.equal(result.status, "FAILURE");
    assert.equal(result.steps[0]!.attempts, 1);
  });
});

describe("executor: checks", function () {
  this.timeout(60_000);
  let ws: Workspace;
  /** customers' blocking check id_unique fails, and products' non-blocking check at_least_ten. */
  let result: RunResult;
  before(async () => {
    ws = await openWorkspace("exec-checks");
    result = await ws.run(["customers", "customer_report", "products", "product_report"]).done;
  });
  after(() => ws.dispose());

  it("a failed blocking check stops its asset's downstream and fails the run; a non-blocking one does neither", () => {
    const status = Object.fromEntries(
      result.steps.map((s) => [s.checkName ? `${s.assetKey}:${s.checkName}` : s.assetKey, s.status]),
    );
    assert.deepEqual(status, {
      customers: "succeeded",
      "customers:id_unique": "failed",
      customer_report: "skipped",
      products: "succeeded",
      "products:at_least_ten": "failed",
      product_report: "succeeded",
    });
    assert.equal(result.status, "FAILURE", "a failed blocking check fails the run");
  });

  it("says which blocking check stopped a skipped asset", () => {
    const events = ws.store.runEvents(result.runId);
    const skipped = events.find((e) => e.type === "STEP_SKIPPED" && e.assetKey === "customer_report");
    assert.ok(skipped?.type === "STEP_SKIPPED");
    assert.match(skipped.reason, /blocking check customers:id_unique failed/);
  });

  it("records each evaluation with its outcome, blocking flag and metadata", () => {
    const evaluations = ws.store.runEvents(result.runId).filter((e) => e.type === "CHECK_EVALUATION");
    // customers and products build in parallel, so their checks may be evaluated in either order.
    assert.deepEqual(
      evaluations
        .map((e) => (e.type === "CHECK_EVALUATION" ? [e.checkName, e.passed, e.blocking, e.metadata] : []))
        .sort(),
      [
        ["at_least_ten", false, false, { products: 1 }],
        ["id_unique", false, true, { duplicates: 1 }],
      ],
    );
  });

  it("runs checks right after their asset, before anything downstream of it", () => {
    const started = ws.store.runEvents(result.runId).filter((e) => e.type === "STEP_STARTED");
    const order = started.map((e) => ("checkName" in e && e.checkName) || e.assetKey);
    assert.ok(order.indexOf("at_least_ten") < order.indexOf("product_report"));
  });

  it("shows the failed check in the asset's latest state", () => {
    assert.equal(ws.store.latestState(["products"]).get("products")!.checks[0]!.passed, false);
  });

  it("only non-blocking failures: the run succeeds and records them", async () => {
    const result = await ws.run(["products", "product_report"]).done;
    assert.equal(result.status, "SUCCESS", result.message);
    assert.equal(result.steps.find((s) => s.checkName === "at_least_ten")!.passed, false);
  });

  it("checksOnly evaluates the checks without building", async () => {
    const before = ws.store.latestMaterialization("customers")!.eventId;
    const result = await ws.run(["customers"], { checksOnly: true }).done;
    assert.deepEqual(
      result.steps.map((s) => s.stepId),
      ["check:customers:id_unique"],
    );
    assert.equal(ws.store.latestMaterialization("customers")!.eventId, before);
  });
});
