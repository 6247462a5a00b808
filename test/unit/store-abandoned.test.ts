import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { describeBackends, type TestHistory } from "./support/store-backends";
import { waitUntil } from "./support/store-temp";

describeBackends("store: runs whose owner is gone read as failed, before anything writes", (backend) => {
  let history: TestHistory;
  beforeEach(async () => (history = await backend.fresh()));
  afterEach(async () => history.cleanup());

  it("shows the run as FAILURE (abandoned) and its open step as the asset's failure, and notices the owner dying", async () => {
    const owner = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    const writer = await history.open();
    const run = await writer.createRun({ selection: "a", launchedBy: "cli", pid: owner.pid });
    await writer.appendEvents(run.id, [{ type: "STEP_STARTED", assetKey: "a" }]);
    await writer.close();

    const reader = await history.open({ readonly: true });
    try {
      assert.equal((await reader.getRun(run.id))?.status, "STARTED");
      assert.equal((await reader.getRun(run.id))?.abandoned, false);
      assert.equal((await reader.latestState()).get("a")?.failure, undefined, "still running");
      assert.equal(await reader.runOwnerGone(), false);

      await new Promise((resolve) => owner.once("exit", resolve).kill("SIGKILL"));
      assert.equal(await reader.runOwnerGone(), true, "a poller learns of it without a new event");
      const abandoned = (await reader.getRun(run.id))!;
      assert.equal(abandoned.status, "FAILURE");
      assert.equal(abandoned.abandoned, true);
      assert.match(abandoned.message ?? "", new RegExp(`run abandoned: process ${owner.pid} exited without finishing`));
      const failure = (await reader.latestState()).get("a")?.failure;
      assert.match(failure?.message ?? "", /exited before this step finished/);
      assert.equal(failure?.runId, run.id);
      assert.equal(await reader.runOwnerGone(), false, "said once");
      assert.equal((await reader.listRuns())[0]?.status, "FAILURE");
    } finally {
      await reader.close();
    }
  });

  if (backend.name === "postgres") {
    // A run of another machine: its pid means nothing here, only its heartbeat does.
    it("keeps a run alive while its owner's heartbeat beats, and fails it once the beats stop", async () => {
      const owner = await history.open({ heartbeatIntervalMs: 100 });
      const reader = await history.open({ readonly: true, heartbeatExpiryMs: 1000 });
      try {
        const run = await owner.createRun({ selection: "a", launchedBy: "cli" });
        await owner.appendEvents(run.id, [{ type: "STEP_STARTED", assetKey: "a" }]);
        const since = Date.now();
        await waitUntil(async () => Date.now() - since > 1500, "1.5 s, past the expiry");
        assert.equal((await reader.getRun(run.id))?.abandoned, false, "beating");
        assert.equal((await reader.latestState()).get("a")?.failure, undefined);
        await owner.close(); // the beats stop, as when the machine is lost; its pid still lives
        await waitUntil(async () => (await reader.getRun(run.id))?.abandoned === true, "the heartbeat to expire");
        // The cached deadline is the database's time left plus the reader's clock when the row arrived,
        // so it may pass one query's latency after the database's own verdict (seen once under CI load).
        await waitUntil(async () => (await reader.runOwnerGone()) === true, "the cached owner to read as gone");
        assert.match((await reader.latestState()).get("a")?.failure?.message ?? "", /exited before this step finished/);

        const recoverer = await history.open({ heartbeatExpiryMs: 1000 });
        const recovered = await recoverer.recoverAbandonedRuns();
        assert.deepEqual(
          recovered.map((r) => [r.runId, r.failedSteps]),
          [[run.id, ["a"]]],
        );
        assert.deepEqual(await recoverer.recoverAbandonedRuns(), [], "once");
        assert.equal((await recoverer.getRun(run.id))?.status, "FAILURE");
        await recoverer.close();
      } finally {
        await owner.close();
        await reader.close();
      }
    });
  }
});
