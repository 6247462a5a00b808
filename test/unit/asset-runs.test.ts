import assert from "node:assert/strict";
import { toAssetRun } from "../../server/src/lsp/assetDetails";
import { EventStore, type EventType, type HistoryStore } from "../../server/src/store";
import { describeBackends, type TestHistory } from "./support/store-backends";
import { tempStore, type TempStore } from "./support/store-temp";

const STEPS: readonly EventType[] = [
  "STEP_STARTED",
  "STEP_SUCCESS",
  "STEP_FAILURE",
  "STEP_SKIPPED",
  "CHECK_EVALUATION",
];

describe("an asset's recent runs, read from the store for the lineage details", () => {
  let tmp: TempStore;
  let clock: number;
  let store: EventStore;
  beforeEach(() => {
    tmp = tempStore();
    clock = 1_700_000_000_000;
    store = EventStore.open(tmp.dbPath, { now: () => clock });
  });
  afterEach(() => {
    store.close();
    tmp.cleanup();
  });

  function runOf(key: string, window = 1000) {
    const { events } = store.assetEvents(key, { types: STEPS, window, limit: 100 });
    const run = [...events].reverse();
    return toAssetRun(run, (id) => store.getRun(id));
  }

  it("reads the asset's events newest first, only the asked types, within the window of newest events", () => {
    const first = store.createRun({ selection: "orders", launchedBy: "cli" });
    store.appendEvents(first.id, [
      { type: "STEP_STARTED", assetKey: "orders" },
      { type: "LOG", assetKey: "orders", level: "info", message: "hello" },
      { type: "STEP_STARTED", assetKey: "customers" },
      { type: "STEP_SUCCESS", assetKey: "orders", durationMs: 20 },
    ]);
    store.finishRun(first.id, "SUCCESS");
    const all = store.assetEvents("orders", { types: STEPS, window: 1000, limit: 10 });
    assert.deepEqual(
      all.events.map((event) => `${event.runId === first.id} ${event.type}`),
      ["true STEP_SUCCESS", "true STEP_STARTED"],
    );
    assert.equal(all.complete, true);
    // The newest 3 events are the run's end, orders' success and customers' start: the start of orders is older.
    const windowed = store.assetEvents("orders", { types: STEPS, window: 3, limit: 10 });
    assert.deepEqual(
      windowed.events.map((event) => event.type),
      ["STEP_SUCCESS"],
    );
    assert.equal(windowed.complete, false);
    assert.equal(store.assetEvents("orders", { types: STEPS, window: 3, limit: 1 }).complete, true);
  });

  it("tells succeeded (with the step's own duration), failed, skipped, checked, running and interrupted apart", () => {
    const run = store.createRun({ selection: "orders", launchedBy: "cli", pid: process.pid });
    store.appendEvents(run.id, [
      { type: "STEP_STARTED", assetKey: "orders" },
      { type: "STEP_SUCCESS", assetKey: "orders", durationMs: 1234 },
      { type: "STEP_STARTED", assetKey: "orders", checkName: "not_empty" },
      { type: "CHECK_EVALUATION", assetKey: "orders", checkName: "not_empty", passed: false, blocking: true },
    ]);
    assert.deepEqual(runOf("orders"), {
      runId: run.id,
      outcome: "succeeded",
      startedAt: clock,
      durationMs: 1234,
      message: undefined,
      checks: [{ name: "not_empty", passed: false, blocking: true }],
    });

    store.appendEvents(run.id, [{ type: "STEP_STARTED", assetKey: "failing" }]);
    clock += 500;
    store.appendEvents(run.id, [{ type: "STEP_FAILURE", assetKey: "failing", message: "<b>boom</b>" }]);
    assert.deepEqual(
      [runOf("failing").outcome, runOf("failing").message, runOf("failing").durationMs],
      ["failed", "<b>boom</b>", 500],
    );

    store.appendEvents(run.id, [{ type: "STEP_SKIPPED", assetKey: "skipped", reason: "upstream failing failed" }]);
    assert.deepEqual([runOf("skipped").outcome, runOf("skipped").message], ["skipped", "upstream failing failed"]);

    store.appendEvents(run.id, [
      { type: "CHECK_EVALUATION", assetKey: "checked", checkName: "c", passed: true, blocking: false },
    ]);
    assert.equal(runOf("checked").outcome, "checked");

    const retriedFrom = clock;
    store.appendEvents(run.id, [
      { type: "STEP_STARTED", assetKey: "retried" },
      { type: "STEP_FAILURE", assetKey: "retried", message: "flaky" },
      { type: "STEP_STARTED", assetKey: "retried", attempt: 2 },
    ]);
    assert.equal(runOf("retried").outcome, "running", "a retry is under way: the failure before it is not the end");
    clock += 100;
    store.appendEvents(run.id, [{ type: "STEP_SUCCESS", assetKey: "retried" }]);
    assert.deepEqual(
      [runOf("retried").outcome, runOf("retried").startedAt, runOf("retried").durationMs],
      ["succeeded", retriedFrom, 100],
    );

    store.appendEvents(run.id, [{ type: "STEP_STARTED", assetKey: "slow" }]);
    assert.equal(runOf("slow").outcome, "running");
    store.finishRun(run.id, "CANCELED", "cancelled by the user");
    assert.deepEqual([runOf("slow").outcome, runOf("slow").message], ["interrupted", "cancelled by the user"]);
  });
});

describeBackends("an asset's events through the shared history interface", (backend) => {
  let history: TestHistory;
  let store: HistoryStore;
  beforeEach(async () => {
    history = await backend.fresh();
    store = await history.open();
  });
  afterEach(async () => {
    await store.close();
    await history.cleanup();
  });

  it("reads newest first, only the asked types, within the window, and says when older events were left", async () => {
    const run = await store.createRun({ selection: "orders", launchedBy: "cli" });
    await store.appendEvents(run.id, [
      { type: "STEP_STARTED", assetKey: "orders" },
      { type: "LOG", assetKey: "orders", level: "info", message: "hello" },
      { type: "STEP_STARTED", assetKey: "customers" },
      { type: "STEP_SUCCESS", assetKey: "orders", durationMs: 20 },
    ]);
    await store.finishRun(run.id, "SUCCESS");
    const all = await store.assetEvents("orders", { types: STEPS, window: 1000, limit: 10 });
    assert.deepEqual(
      all.events.map((event) => `${event.runId === run.id} ${event.type}`),
      ["true STEP_SUCCESS", "true STEP_STARTED"],
    );
    assert.equal(all.complete, true);
    const windowed = await store.assetEvents("orders", { types: STEPS, window: 3, limit: 10 });
    assert.deepEqual(
      windowed.events.map((event) => event.type),
      ["STEP_SUCCESS"],
    );
    assert.equal(windowed.complete, false);
  });
});
