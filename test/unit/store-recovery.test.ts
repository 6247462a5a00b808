import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import Database from "better-sqlite3";
import { EventStore, type HistoryStore, type RecoveredRun } from "../../server/src/store";
import { describeBackends, type TestHistory } from "./support/store-backends";
import { STORE_MODULE, spawnNode, tempStore, waitForExit, waitForLine, type TempStore } from "./support/store-temp";

const BACKENDS_MODULE = require.resolve("./support/store-backends");

/** A child that starts a run, begins building `a` (after materializing `up`) and then hangs. */
function crashingChild(spec: string) {
  const script = `
    const { openTestHistory } = require(${JSON.stringify(BACKENDS_MODULE)});
    (async () => {
    const store = await openTestHistory(${JSON.stringify(spec)});
    const run = await store.createRun({ selection: "up+", launchedBy: "cli" });
    await store.appendEvents(run.id, [
      { type: "STEP_STARTED", assetKey: "up" },
      { type: "MATERIALIZATION", assetKey: "up", codeVersion: "u1" },
      { type: "STEP_SUCCESS", assetKey: "up" },
      { type: "STEP_STARTED", assetKey: "a" },
      { type: "LOG", assetKey: "a", level: "info", message: "working" },
      { type: "STEP_STARTED", assetKey: "up", checkName: "rows" },
    ]);
    console.log("ready " + run.id);
    setInterval(() => {}, 1000);
    })();
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

describeBackends("store: recovering the run of a SIGKILLed process", (backend) => {
  let history: TestHistory;
  let child: ChildProcess;
  let runId: string;
  /** What recovery found while the owner was alive, and its run's status then. */
  let whileAlive: { recovered: RecoveredRun[]; status: string | undefined };
  let signal: NodeJS.Signals | null;
  let recovered: RecoveredRun[];
  let integrityAfterCrash: string;
  /** The store reopened after recovery, as the next process sees it. */
  let reopened: HistoryStore;

  before(async function () {
    this.timeout(60_000);
    history = await backend.fresh();
    child = crashingChild(history.spec);
    const exited = waitForExit(child);
    runId = (await waitForLine(child, /^ready /)).split(" ")[1]!;
    const store = await history.open();
    try {
      whileAlive = { recovered: await store.recoverAbandonedRuns(), status: (await store.getRun(runId))?.status };
      child.kill("SIGKILL");
      signal = (await exited).signal;
      recovered = await store.recoverAbandonedRuns();
    } finally {
      await store.close();
    }
    if (backend.name === "sqlite") integrityAfterCrash = integrity(history.spec);
    reopened = await history.open();
  });
  after(async () => {
    if (child?.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await reopened?.close();
    await history?.cleanup();
  });

  it("leaves the run alone while its process lives", () => {
    assert.deepEqual(whileAlive.recovered, []);
    assert.equal(whileAlive.status, "STARTED");
  });

  it("recovers the run once the process is killed, naming its process and open steps", () => {
    assert.equal(signal, "SIGKILL");
    assert.equal(recovered.length, 1);
    assert.equal(recovered[0]!.runId, runId);
    assert.equal(recovered[0]!.pid, child.pid);
    assert.deepEqual([...recovered[0]!.failedSteps].sort(), ["a", "up:rows"]);
  });

  if (backend.name === "sqlite") {
    it("leaves the database file intact", () => {
      assert.equal(integrityAfterCrash, "ok");
    });
  }

  it("marks the run failed, finished, with a message naming the process", async () => {
    const run = await reopened.getRun(runId);
    assert.equal(run?.status, "FAILURE");
    assert.equal(run?.message, `run abandoned: process ${child.pid} exited without finishing`);
    assert.ok(run?.finishedAt !== undefined);
  });

  it("ends the run's events with a STEP_FAILURE for each open step and RUN_FAILURE", async () => {
    const events = await reopened.runEvents(runId);
    assert.equal(events.at(-1)?.type, "RUN_FAILURE");
    const stepFailures = events.filter((e) => e.type === "STEP_FAILURE");
    assert.deepEqual(stepFailures.map((e) => (e.type === "STEP_FAILURE" ? e.assetKey : "")).sort(), ["a", "up"]);
  });

  it("records the step that was building as a failed attempt, never a materialization", async () => {
    assert.equal(await reopened.latestMaterialization("a"), undefined);
    const a = (await reopened.latestState()).get("a");
    assert.equal(a?.materialization, undefined);
    assert.match(a?.failure?.message ?? "", /run abandoned/);
  });

  it("keeps the finished step's materialization; its open check step does not fail the asset", async () => {
    const up = (await reopened.latestState()).get("up");
    assert.equal(up?.materialization?.codeVersion, "u1");
    assert.equal(up?.failure, undefined);
  });

  it("recovers nothing the second time", async () => {
    assert.deepEqual(await reopened.recoverAbandonedRuns(), []);
  });
});

describe("store: crash recovery with real processes", function () {
  this.timeout(60_000);
  let tmp: TempStore;
  beforeEach(() => (tmp = tempStore()));
  afterEach(() => tmp.cleanup());

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
    assert.deepEqual(
      recovered.map((r) => r.runId),
      [reused.id],
    );
    assert.equal(store.getRun(reused.id)?.status, "FAILURE");
    assert.equal(store.getRun(foreign.id)?.status, "STARTED");
    assert.equal(store.getRun(mine.id)?.status, "STARTED");
    store.close();
  });
});
