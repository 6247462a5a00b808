import assert from "node:assert/strict";
import { resolve } from "node:path";
import { EventStore, type HistoryStore, StoreBusyError } from "../../server/src/store";
import { describeBackends, type TestHistory } from "./support/store-backends";
import { spawnNode, tempStore, waitForExit, waitForLine, type TempStore } from "./support/store-temp";

const WRITER = resolve(__dirname, "support/store-writer.ts");
const PER_WRITER = 2000;

describeBackends(
  "store: two processes append 2,000 events each in small transactions while a reader polls",
  (backend) => {
    let history: TestHistory;
    let reader: HistoryStore;
    let exits: Array<{ code: number | null; stderr: string; stdout: string }>;
    let runIds: Array<string | undefined>;
    /** What the reader saw while the writers wrote. */
    const polling = { reads: 0, backwards: 0, foreignCodeVersions: 0 };

    before(async function () {
      this.timeout(120_000);
      history = await backend.fresh();
      // Nothing yet: both writers create and migrate the history at the same time, too.
      const children = ["a", "b"].map((label) => spawnNode([WRITER, history.spec, String(PER_WRITER), "5", label]));
      const exited = children.map(waitForExit);
      await Promise.all(children.map((child) => waitForLine(child, /^ready$/)));
      // The reader is read-only, like the language server's status view.
      reader = await history.open({ readonly: true });
      for (const child of children) child.stdin?.end("go\n");

      // Read continuously on this process's event loop turns until both writers exit.
      let lastSeen = 0;
      let done = false;
      void Promise.all(exited).then(() => (done = true));
      while (!done) {
        const id = await reader.lastEventId();
        if (id < lastSeen) polling.backwards += 1;
        lastSeen = id;
        for (const [, asset] of await reader.latestState()) {
          const codeVersion = asset.materialization?.codeVersion;
          if (codeVersion !== undefined && !codeVersion.startsWith("v")) polling.foreignCodeVersions += 1;
        }
        await reader.listRuns({ limit: 5 });
        polling.reads += 1;
        await new Promise((r) => setImmediate(r));
      }
      exits = await Promise.all(exited);
      runIds = exits.map((r) => /done (\S+) (\d+)/.exec(r.stdout)?.[1]);
    });
    after(async () => {
      await reader?.close();
      await history?.cleanup();
    });

    it("never fails with BUSY: both writers exit 0 and finish their run", () => {
      for (const result of exits) {
        assert.equal(result.stderr.includes("SQLITE_BUSY"), false, result.stderr);
        assert.equal(result.code, 0, result.stderr);
      }
      assert.ok(
        runIds.every((id) => id !== undefined),
        "both writers finished",
      );
    });

    it("keeps every event of each run, in the writer's order", async () => {
      for (const runId of runIds as string[]) {
        const events = await reader.runEvents(runId);
        assert.equal(events.length, PER_WRITER + 2, "every event plus RUN_STARTED and RUN_SUCCESS");
        assert.equal((await reader.getRun(runId))?.status, "SUCCESS");
        // Within a run, events keep the writer's order.
        const logs = events.filter((e) => e.type === "LOG" || e.type === "MATERIALIZATION");
        assert.equal(logs.length, PER_WRITER);
      }
    });

    it("gives dense ids: nothing lost, nothing doubled", async () => {
      let total = 0;
      for (const run of await reader.listRuns()) total += (await reader.runEvents(run.id)).length;
      assert.equal(total, 2 * (PER_WRITER + 2));
      assert.equal(await reader.lastEventId(), total, "ids are dense: nothing lost, nothing doubled");
    });

    it("has each key's latest materialization as its last one", async () => {
      // Each writer materialized every 4th event over 50 keys: the latest per key is its last one.
      const state = await reader.latestState();
      assert.equal(state.size, 50);
      assert.equal(state.get("asset_a_49")?.materialization?.codeVersion, `v${PER_WRITER - 1}`);
    });

    it("left the polling reader's incremental state exactly equal to a fresh read (no event slipped under its watermark)", async () => {
      const fresh = await history.open({ readonly: true });
      try {
        assert.deepEqual(await reader.latestState(), await fresh.latestState());
      } finally {
        await fresh.close();
      }
    });

    it("really overlapped the writers: their events interleave in the log", async () => {
      // a, b, a at least.
      const owner = new Map<number, string>();
      for (const runId of runIds as string[]) for (const e of await reader.runEvents(runId)) owner.set(e.id, runId);
      let switches = 0;
      const last = await reader.lastEventId();
      for (let id = 2; id <= last; id += 1) if (owner.get(id) !== owner.get(id - 1)) switches += 1;
      assert.ok(switches >= 2, `writers interleaved (${switches} switches)`);
    });

    it("let the reader keep reading while they wrote, never seeing lastEventId go backwards or a foreign state", () => {
      assert.ok(polling.reads > 10, `the reader kept reading while writers wrote (${polling.reads} reads)`);
      assert.equal(polling.backwards, 0, "lastEventId never goes backwards");
      assert.equal(polling.foreignCodeVersions, 0, "every materialization the reader saw is one a writer made");
    });
  },
);

describe("store: write locks held by other processes", function () {
  this.timeout(120_000);
  let tmp: TempStore;
  beforeEach(() => (tmp = tempStore()));
  afterEach(() => tmp.cleanup());

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
        (error: unknown) =>
          error instanceof StoreBusyError && error.attempts === 5 && /stayed locked/.test(error.message),
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
