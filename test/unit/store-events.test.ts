import assert from "node:assert/strict";
import Database from "better-sqlite3";
import { type EventInput, type HistoryStore, StoreError, UnknownRunError } from "../../server/src/store";
import { describeBackends, type TestHistory } from "./support/store-backends";

describeBackends("store: runs and events", (backend) => {
  let history: TestHistory;
  let clock: number;
  let store: HistoryStore;
  beforeEach(async () => {
    history = await backend.fresh();
    clock = 1_700_000_000_000;
    store = await history.open({ now: () => clock });
  });
  afterEach(async () => {
    await store.close();
    await history.cleanup();
  });

  it("creates a started run with its selection, launcher, pid and start time, and a RUN_STARTED event", async () => {
    // A live owner (this process): a run whose owner is gone reads as abandoned (store-abandoned tests).
    const run = await store.createRun({ selection: "+stg_orders", launchedBy: "editor", pid: process.pid });
    assert.equal(run.status, "STARTED");
    assert.equal(run.selection, "+stg_orders");
    assert.equal(run.launchedBy, "editor");
    assert.equal(run.pid, process.pid);
    assert.equal(run.startedAt, clock);
    assert.equal(run.finishedAt, undefined);
    assert.deepEqual(
      (await store.runEvents(run.id)).map((e) => e.type),
      ["RUN_STARTED"],
    );
  });

  it("finishes a run with its status, end time and message, ending its events with the terminal event", async () => {
    const run = await store.createRun({ selection: "+stg_orders", launchedBy: "editor" });
    clock += 5000;
    const failed = await store.finishRun(run.id, "FAILURE", "stg_orders failed");
    assert.equal(failed.status, "FAILURE");
    assert.equal(failed.finishedAt, clock);
    assert.equal(failed.message, "stg_orders failed");
    const last = (await store.runEvents(run.id)).at(-1);
    assert.equal(last?.type, "RUN_FAILURE");
    assert.equal(last?.type === "RUN_FAILURE" && last.message, "stg_orders failed");
  });

  it("finishes a run once: a second finish keeps the first outcome and writes nothing", async () => {
    const run = await store.createRun({ selection: "+stg_orders", launchedBy: "editor" });
    await store.finishRun(run.id, "FAILURE", "stg_orders failed");
    const before = await store.lastEventId();
    assert.equal((await store.finishRun(run.id, "SUCCESS")).status, "FAILURE");
    assert.equal(await store.lastEventId(), before);
    const last = (await store.runEvents(run.id)).at(-1);
    assert.equal(last?.type, "RUN_FAILURE");
    assert.equal(last?.type === "RUN_FAILURE" && last.message, "stg_orders failed");
  });

  it("round-trips every event type exactly", async () => {
    const run = await store.createRun({ selection: "*", launchedBy: "cli" });
    const inputs: EventInput[] = [
      { type: "STEP_STARTED", assetKey: "a", attempt: 1 },
      { type: "LOG", assetKey: "a", level: "warn", message: "careful", truncated: true },
      { type: "LOG", level: "info", message: "run-level log" },
      { type: "STEP_RETRY", assetKey: "a", attempt: 2, message: "flaky", delayMs: 100 },
      {
        type: "MATERIALIZATION",
        assetKey: "a",
        codeVersion: "c1",
        metadata: { rows: 3, nested: { ok: true } },
        consumed: { raw: 7 },
      },
      { type: "STEP_SUCCESS", assetKey: "a", durationMs: 12 },
      { type: "STEP_STARTED", assetKey: "a", checkName: "unique" },
      {
        type: "CHECK_EVALUATION",
        assetKey: "a",
        checkName: "unique",
        passed: false,
        blocking: true,
        metadata: { dupes: 2 },
        message: "2 duplicates",
      },
      {
        type: "STEP_FAILURE",
        assetKey: "b",
        message: "boom",
        error: { message: "boom", stack: "Error: boom\n    at b.ts:3:9" },
      },
      { type: "STEP_SKIPPED", assetKey: "c", reason: "upstream b failed" },
      { type: "RUN_FAILURE", message: "1 step failed", ts: clock + 99 },
    ];
    const ids = await store.appendEvents(run.id, inputs);
    assert.equal(ids.length, inputs.length);
    assert.ok(
      ids.every((id, i) => i === 0 || id > ids[i - 1]),
      "ids increase",
    );
    const stored = (await store.runEvents(run.id)).slice(1); // after RUN_STARTED
    assert.equal(stored.length, inputs.length);
    stored.forEach((event, i) => {
      const { id, runId, ts, ...rest } = event;
      assert.equal(id, ids[i]);
      assert.equal(runId, run.id);
      assert.equal(ts, inputs[i].ts ?? clock);
      const { ts: _ignored, ...expected } = inputs[i];
      assert.deepEqual(rest, expected);
    });
    // A terminal event appended directly still ends the run row.
    assert.equal((await store.getRun(run.id))?.status, "FAILURE");
  });

  it("filters a run's events by id, type and limit", async () => {
    const run = await store.createRun({ selection: "*", launchedBy: "cli" });
    const other = await store.createRun({ selection: "*", launchedBy: "cli" });
    const ids = await store.appendEvents(run.id, [
      { type: "LOG", level: "info", message: "1" },
      { type: "STEP_STARTED", assetKey: "a" },
      { type: "LOG", level: "info", message: "2" },
      { type: "LOG", level: "info", message: "3" },
    ]);
    await store.appendEvent(other.id, { type: "LOG", level: "info", message: "other run" });
    assert.deepEqual(
      (await store.runEvents(run.id, { afterEventId: ids[1] })).map((e) => e.id),
      ids.slice(2),
    );
    assert.deepEqual(
      (await store.runEvents(run.id, { types: ["LOG"] })).map((e) => e.id),
      [ids[0], ids[2], ids[3]],
    );
    assert.deepEqual(
      (await store.runEvents(run.id, { types: ["LOG"], limit: 2, afterEventId: ids[0] })).map((e) => e.id),
      [ids[2], ids[3]],
    );
    assert.deepEqual(await store.runEvents(run.id, { types: [] }), []);
    assert.equal(await store.lastEventId(), Math.max(...(await store.runEvents(other.id)).map((e) => e.id)));
  });

  it("lists runs most recent first, even when their clocks tie", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await store.createRun({ selection: "*", launchedBy: "cli" })).id);
    assert.deepEqual(
      (await store.listRuns({ limit: 2 })).map((r) => r.id),
      [ids[2], ids[1]],
    );
    assert.equal((await store.listRuns()).length, 3);
    assert.equal(await store.getRun("nope"), undefined);
    assert.equal(new Set(ids).size, 3);
    // Ids sort by time.
    clock += 1;
    const later = (await store.createRun({ selection: "*", launchedBy: "cli" })).id;
    assert.ok(ids.every((id) => id < later));
  });

  it("accepts any string: 1 MB messages, null bytes, odd unicode", async () => {
    const run = await store.createRun({ selection: "a\u0000b", launchedBy: "cli" });
    const big = "x".repeat(1024 * 1024) + "\u0000end";
    const odd = "nul\u0000in the middle \u{1F600} \uFFFD \r\n\t ' \" ; DROP TABLE events; --";
    const [bigId, oddId, keyId] = await store.appendEvents(run.id, [
      { type: "LOG", level: "info", message: big },
      { type: "STEP_FAILURE", assetKey: "a", message: odd, error: { message: odd, stack: odd } },
      { type: "MATERIALIZATION", assetKey: "k\u0000ey", codeVersion: "v\u0000", metadata: { text: odd } },
    ]);
    const events = new Map((await store.runEvents(run.id)).map((e) => [e.id, e]));
    const bigEvent = events.get(bigId);
    assert.ok(bigEvent?.type === "LOG");
    assert.equal(bigEvent.message.length, big.length);
    assert.equal(bigEvent.message, big);
    const oddEvent = events.get(oddId);
    assert.ok(oddEvent?.type === "STEP_FAILURE");
    assert.equal(oddEvent.message, odd);
    assert.deepEqual(oddEvent.error, { message: odd, stack: odd });
    assert.ok(events.get(keyId));
    assert.equal((await store.latestMaterialization("k\u0000ey"))?.metadata.text, odd);
    assert.equal((await store.getRun(run.id))?.selection, "a\u0000b");
    if (backend.name === "sqlite") {
      await store.close();
      const db = new Database(history.spec, { readonly: true });
      assert.equal(db.pragma("integrity_check", { simple: true }), "ok");
      db.close();
      store = await history.open();
    }
  });

  it("rejects bad events before writing anything, and unknown runs", async () => {
    const run = await store.createRun({ selection: "*", launchedBy: "cli" });
    const before = await store.lastEventId();
    const bad = [
      { type: "LOG", level: "info", message: "fine" },
      { type: "MATERIALIZATION", assetKey: "a" }, // no codeVersion
    ] as unknown as EventInput[];
    await assert.rejects(store.appendEvents(run.id, bad), StoreError);
    await assert.rejects(store.appendEvent(run.id, { type: "NOPE" } as unknown as EventInput), /unknown event type/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await assert.rejects(
      store.appendEvent(run.id, { type: "MATERIALIZATION", assetKey: "a", codeVersion: "v", metadata: cyclic }),
      /not JSON-serialisable/,
    );
    await assert.rejects(store.appendEvent("missing", { type: "LOG", level: "info", message: "x" }), UnknownRunError);
    await assert.rejects(store.finishRun("missing", "SUCCESS"), UnknownRunError);
    assert.equal(await store.lastEventId(), before);
    assert.deepEqual(await store.appendEvents(run.id, []), []);
  });
});
