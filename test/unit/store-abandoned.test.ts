import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { EventStore } from "../../server/src/store";
import { tempStore, type TempStore } from "./support/store-temp";

describe("store: runs whose owner is gone read as failed, before anything writes", () => {
  let tmp: TempStore;
  beforeEach(() => (tmp = tempStore()));
  afterEach(() => tmp.cleanup());

  it("shows the run as FAILURE (abandoned) and its open step as the asset's failure, and notices the owner dying", async () => {
    const owner = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    const writer = EventStore.open(tmp.dbPath);
    const run = writer.createRun({ selection: "a", launchedBy: "cli", pid: owner.pid });
    writer.appendEvents(run.id, [{ type: "STEP_STARTED", assetKey: "a" }]);
    writer.close();

    const reader = EventStore.open(tmp.dbPath, { readonly: true });
    try {
      assert.equal(reader.getRun(run.id)?.status, "STARTED");
      assert.equal(reader.getRun(run.id)?.abandoned, false);
      assert.equal(reader.latestState().get("a")?.failure, undefined, "still running");
      assert.equal(reader.runOwnerGone(), false);

      await new Promise((resolve) => owner.once("exit", resolve).kill("SIGKILL"));
      assert.equal(reader.runOwnerGone(), true, "a poller learns of it without a new event");
      const abandoned = reader.getRun(run.id)!;
      assert.equal(abandoned.status, "FAILURE");
      assert.equal(abandoned.abandoned, true);
      assert.match(abandoned.message ?? "", new RegExp(`run abandoned: process ${owner.pid} exited without finishing`));
      const failure = reader.latestState().get("a")?.failure;
      assert.match(failure?.message ?? "", /exited before this step finished/);
      assert.equal(failure?.runId, run.id);
      assert.equal(reader.runOwnerGone(), false, "said once");
      assert.equal(reader.listRuns()[0]?.status, "FAILURE");
    } finally {
      reader.close();
    }
  });
});
