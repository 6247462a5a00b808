import assert from "node:assert/strict";
import { resolve } from "node:path";
import { EventStore, StoreBusyError } from "../../server/src/store";
import { spawnNode, tempStore, waitForExit, waitForLine, type TempStore } from "./support/store-temp";

const WRITER = resolve(__dirname, "support/store-writer.ts");
const PER_WRITER = 2000;

describe("store: concurrent writers and a reader (real processes)", function () {
  this.timeout(120_000);
  let tmp: TempStore;
  beforeEach(() => (tmp = tempStore()));
  afterEach(() => tmp.cleanup());

  it("two processes append 2,000 events each in small transactions while a reader polls: no BUSY, no loss", async () => {
    // No file yet: both writers create and migrate it at the same time, too.
    const children = ["a", "b"].map((label) => spawnNode([WRITER, tmp.dbPath, String(PER_WRITER), "5", label]));
    const exits = children.map(waitForExit);
    await Promise.all(children.map((child) => waitForLine(child, /^ready$/)));
    // The reader is read-only, like the language server's status view.
    const reader = EventStore.open(tmp.dbPath, { readonly: true });
    for (const child of children) child.stdin?.end("go\n");

    // Read continuously on this process's event loop turns until both writers exit.
    let reads = 0;
    let lastSeen = 0;
    let done = false;
    void Promise.all(exits).then(() => (done = true));
    while (!done) {
      const id = reader.lastEventId();
      assert.ok(id >= lastSeen, "lastEventId never goes backwards");
      lastSeen = id;
      const state = reader.latestState();
      for (const [, asset] of state) assert.ok(asset.materialization === undefined || asset.materialization.codeVersion.startsWith("v"));
      reader.listRuns({ limit: 5 });
      reads += 1;
      await new Promise((r) => setImmediate(r));
    }

    const results = await Promise.all(exits);
    for (const result of results) {
      assert.equal(result.stderr.includes("SQLITE_BUSY"), false, result.stderr);
      assert.equal(result.code, 0, result.stderr);
    }
    const runIds = results.map((r) => /done (\S+) (\d+)/.exec(r.stdout)?.[1]);
    assert.ok(runIds.every((id) => id !== undefined), "both writers finished");
    for (const runId of runIds as string[]) {
      const events = reader.runEvents(runId);
      assert.equal(events.length, PER_WRITER + 2, "every event plus RUN_STARTED and RUN_SUCCESS");
      assert.equal(reader.getRun(runId)?.status, "SUCCESS");
      // Within a run, events keep the writer's order.
      const logs = events.filter((e) => e.type === "LOG" || e.type === "MATERIALIZATION");
      assert.equal(logs.length, PER_WRITER);
    }
    const total = reader.listRuns().reduce((sum, run) => sum + reader.runEvents(run.id).length, 0);
    assert.equal(total, 2 * (PER_WRITER + 2));
    assert.equal(reader.lastEventId(), total, "ids are dense: nothing lost, nothing doubled");
    // Each writer materialized every 4th event over 50 keys: the latest per key is its last one.
    const state = reader.latestState();
    assert.equal(state.size, 50);
    assert.equal(state.get("asset_a_49")?.materialization?.codeVersion, `v${PER_WRITER - 1}`);
    // The writers really overlapped: their events interleave in the log (a, b, a at least).
    const owner = new Map<number, string>();
    for (const runId of runIds as string[]) for (const e of reader.runEvents(runId)) owner.set(e.id, runId);
    let switches = 0;
    for (let id = 2; id <= total; id += 1) if (owner.get(id) !== owner.get(id - 1)) switches += 1;
    assert.ok(switches >= 2, `writers interleaved (${switches} switches)`);
    assert.ok(reads > 10, `the reader kept reading while writers wrote (${reads} reads)`);
    reader.close();
  });

  it("waits for another process's write lock instead of failing", async () => {
    EventStore.open(tmp.dbPath).close();
    // A raw connection in another process holds the write lock for 600 ms.
    const holder = spawnNode([
      "-e",
      `const Database = require("better-sqlite3");
       const db = new Database(${JSON.stringify(tmp.dbPath)});
       db.exec("BEGIN IMMEDIATE");
       console.log("locked");
       setTimeout(() => { db.exec("COMMIT"); db.close(); }, 600);`,
    ]);
    const exited = waitForExit(holder);
    await waitForLine(holder, /^locked$/);
    const store = EventStore.open(tmp.dbPath);
    const started = Date.now();
    const run = store.createRun({ selection: "*", launchedBy: "editor" });
    assert.ok(Date.now() - started >= 300, "the write waited for the lock");
    assert.equal(store.getRun(run.id)?.status, "STARTED");
    store.close();
    assert.equal((await exited).code, 0);
  });

  it("gives up with a typed StoreBusyError when the lock outlives every retry", async () => {
    EventStore.open(tmp.dbPath).close();
    const holder = spawnNode([
      "-e",
      `const Database = require("better-sqlite3");
       const db = new Database(${JSON.stringify(tmp.dbPath)});
       db.exec("BEGIN IMMEDIATE");
       console.log("locked");
       setInterval(() => {}, 1000);`,
    ]);
    const exited = waitForExit(holder);
    await waitForLine(holder, /^locked$/);
    const store = EventStore.open(tmp.dbPath, { busyTimeoutMs: 20 });
    try {
      assert.throws(
        () => store.createRun({ selection: "*", launchedBy: "cli" }),
        (error: unknown) => error instanceof StoreBusyError && error.attempts === 5 && /stayed locked/.test(error.message),
      );
    } finally {
      store.close();
      holder.kill("SIGKILL");
      await exited;
    }
    // The killed holder left nothing behind: the next writer proceeds.
    const after = EventStore.open(tmp.dbPath);
    assert.equal(after.createRun({ selection: "*", launchedBy: "cli" }).status, "STARTED");
    after.close();
  });
});
