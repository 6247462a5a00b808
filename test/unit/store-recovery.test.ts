import assert from "node:assert/strict";
import Database from "better-sqlite3";
import { EventStore } from "../../server/src/store";
import { STORE_MODULE, spawnNode, tempStore, waitForExit, waitForLine, type TempStore } from "./support/store-temp";

/** A child that starts a run, begins building `a` (after materializing `up`) and then hangs. */
function crashingChild(dbPath: string) {
  const script = `
    const { EventStore } = require(${JSON.stringify(STORE_MODULE)});
    const store = EventStore.open(${JSON.stringify(dbPath)});
    const run = store.createRun({ selection: "up+", launchedBy: "cli" });
    store.appendEvents(run.id, [
      { type: "STEP_STARTED", assetKey: "up" },
      { type: "MATERIALIZATION", assetKey: "up", codeVersion: "u1" },
      { type: "STEP_SUCCESS", assetKey: "up" },
      { type: "STEP_STARTED", assetKey: "a" },
      { type: "LOG", assetKey: "a", level: "info", message: "working" },
      { type: "STEP_STARTED", assetKey: "up", checkName: "rows" },
    ]);
    console.log("ready " + run.id);
    setInterval(() => {}, 1000);
  `;
  return spawnNode(["-e", script]);
}

function integrity(dbPath: string): string {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.pragma("integrity_check", { simple: true }) as string;
  } finally {
    db.close();
  }
}

describe("store: crash recovery with real processes", function () {
  this.timeout(60_000);
  let tmp: TempStore;
  beforeEach(() => (tmp = tempStore()));
  afterEach(() => tmp.cleanup());

  it("marks the run of a SIGKILLed process failed, fails its open steps, records nothing partial", async () => {
    const child = crashingChild(tmp.dbPath);
    const exited = waitForExit(child);
    const runId = (await waitForLine(child, /^ready /)).split(" ")[1];

    // While the owner lives, its run is left alone.
    const store = EventStore.open(tmp.dbPath);
    assert.deepEqual(store.recoverAbandonedRuns(), []);
    assert.equal(store.getRun(runId)?.status, "STARTED");

    child.kill("SIGKILL");
    assert.equal((await exited).signal, "SIGKILL");

    const recovered = store.recoverAbandonedRuns();
    assert.equal(recovered.length, 1);
    assert.equal(recovered[0].runId, runId);
    assert.equal(recovered[0].pid, child.pid);
    assert.deepEqual([...recovered[0].failedSteps].sort(), ["a", "up:rows"]);
    store.close();

    assert.equal(integrity(tmp.dbPath), "ok");
    const reopened = EventStore.open(tmp.dbPath);
    const run = reopened.getRun(runId);
    assert.equal(run?.status, "FAILURE");
    assert.equal(run?.message, `run abandoned: process ${child.pid} exited without finishing`);
    assert.ok(run?.finishedAt !== undefined);
    const events = reopened.runEvents(runId);
    const last = events.at(-1);
    assert.equal(last?.type, "RUN_FAILURE");
    const stepFailures = events.filter((e) => e.type === "STEP_FAILURE");
    assert.deepEqual(stepFailures.map((e) => (e.type === "STEP_FAILURE" ? e.assetKey : "")).sort(), ["a", "up"]);
    // The started step is an attempt that failed, never a materialization.
    assert.equal(reopened.latestMaterialization("a"), undefined);
    const a = reopened.latestState().get("a");
    assert.equal(a?.materialization, undefined);
    assert.match(a?.failure?.message ?? "", /run abandoned/);
    // The step that did finish keeps its materialization, and its check step does not fail the asset.
    const up = reopened.latestState().get("up");
    assert.equal(up?.materialization?.codeVersion, "u1");
    assert.equal(up?.failure, undefined);
    // Recovery is idempotent.
    assert.deepEqual(reopened.recoverAbandonedRuns(), []);
    reopened.close();
  });

  it("keeps every committed batch whole when the writer is killed mid-stream", async () => {
    const script = `
      const { EventStore } = require(${JSON.stringify(STORE_MODULE)});
      const store = EventStore.open(${JSON.stringify(tmp.dbPath)});
      const run = store.createRun({ selection: "*", launchedBy: "cli" });
      const batch = Array.from({ length: 100 }, (_, i) => ({ type: "LOG", level: "info", message: "line " + i + " " + "y".repeat(500) }));
      let n = 0;
      for (;;) { store.appendEvents(run.id, batch); if (++n === 20) console.log("ready " + run.id); }
    `;
    const child = spawnNode(["-e", script]);
    const exited = waitForExit(child);
    const runId = (await waitForLine(child, /^ready /)).split(" ")[1];
    await new Promise((r) => setTimeout(r, 150));
    child.kill("SIGKILL");
    await exited;
    assert.equal(integrity(tmp.dbPath), "ok");
    const store = EventStore.open(tmp.dbPath);
    assert.equal(store.recoverAbandonedRuns().length, 1);
    const logs = store.runEvents(runId, { types: ["LOG"] }).length;
    assert.ok(logs >= 2000, `at least the 20 batches before "ready" (${logs})`);
    assert.equal(logs % 100, 0, "no half batch");
    store.close();
  });

  it("treats a live pid that belongs to a different process (pid reuse) as abandoned; skips other hosts", () => {
    const store = EventStore.open(tmp.dbPath);
    const reused = store.createRun({ selection: "*", launchedBy: "cli" }); // our pid, our start time
    const foreign = store.createRun({ selection: "*", launchedBy: "cli", pid: 999_999 });
    const mine = store.createRun({ selection: "*", launchedBy: "cli" });
    const db = new Database(tmp.dbPath);
    // Same pid as this process, but recorded for a process that started an hour earlier.
    db.prepare("UPDATE runs SET pid_started_at = pid_started_at - 3600000 WHERE id = ?").run(reused.id);
    db.prepare("UPDATE runs SET hostname = 'another-machine' WHERE id = ?").run(foreign.id);
    db.close();
    const recovered = store.recoverAbandonedRuns();
    assert.deepEqual(recovered.map((r) => r.runId), [reused.id]);
    assert.equal(store.getRun(reused.id)?.status, "FAILURE");
    assert.equal(store.getRun(foreign.id)?.status, "STARTED");
    assert.equal(store.getRun(mine.id)?.status, "STARTED");
    store.close();
  });
});
