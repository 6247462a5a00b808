import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isProcessAlive } from "../../server/src/executor";
import { openWorkspace, waitFor, type Workspace } from "./support/executor-harness";

/**
 * process.kill(pid, 0), except that a zombie counts as gone: in containers whose init does
 * not reap orphans, a killed grandchild lingers as a zombie that holds no resources.
 */
const alive = (pid: number) => isProcessAlive(pid);

describe("executor: worker processes", function () {
  this.timeout(60_000);

  describe("timeouts", () => {
    let ws: Workspace;
    before(async () => (ws = await openWorkspace("exec-failures", { timeoutMs: 1500, concurrency: 1 })));
    after(() => ws.dispose());

    it("fails a `while (true) {}` step after the timeout and kills the worker and its grandchild", async () => {
      const started = Date.now();
      const result = await ws.run(["spins", "after_spin"]).done;
      const elapsed = Date.now() - started;
      assert.equal(result.status, "FAILURE");
      const step = result.steps.find((s) => s.assetKey === "spins")!;
      assert.equal(step.status, "failed");
      assert.match(step.message ?? "", /asset spins timed out after 1\.5 s/);
      assert.equal(result.steps.find((s) => s.assetKey === "after_spin")!.status, "skipped");
      assert.ok(elapsed < 10_000, `took ${elapsed} ms`);

      const pids = JSON.parse(readFileSync(join(ws.root, "pids.json"), "utf8")) as {
        worker: number;
        grandchild: number;
      };
      // The step's promise resolves only once the worker has exited; the grandchild is killed with its group.
      assert.equal(alive(pids.worker), false, "worker gone");
      await waitFor(() => !alive(pids.grandchild), 2000, "the grandchild to die");
      assert.ok(!ws.executor.workerPids.includes(pids.worker));
    });

    it("replaces the killed worker: the next run works", async () => {
      const result = await ws.run(["upstream_ok"]).done;
      assert.equal(result.status, "SUCCESS", result.message);
    });
  });

  describe("cancellation and parallelism", () => {
    let ws: Workspace;
    before(async () => (ws = await openWorkspace("exec-slow", { concurrency: 2 })));
    after(() => ws.dispose());

    it("cancel() mid-run kills the running step, skips the rest, and records the run CANCELED", async () => {
      const run = ws.run(["quick", "waits_long", "after_long"]);
      let workerPid: number | undefined;
      run.events.on("event", (event) => {
        if (event.type === "LOG" && event.assetKey === "waits_long")
          workerPid = Number(/worker (\d+)/.exec(event.message)?.[1]);
      });
      await waitFor(() => workerPid !== undefined, 10_000, "waits_long to start");
      const cancelledAt = Date.now();
      run.cancel();
      const result = await run.done;
      assert.ok(Date.now() - cancelledAt < 3000, "cancellation is prompt");

      assert.equal(result.status, "CANCELED");
      const status = Object.fromEntries(result.steps.map((s) => [s.assetKey, s.status]));
      assert.deepEqual(status, { quick: "succeeded", waits_long: "failed", after_long: "skipped" });
      assert.match(result.steps[1]!.message ?? "", /cancel/);
      assert.equal(alive(workerPid!), false, "the running worker was killed");
      assert.equal(ws.store.getRun(result.runId)!.status, "CANCELED");
      const events = ws.store.runEvents(result.runId);
      assert.equal(events.at(-1)!.type, "RUN_CANCELED");
      const skipped = events.find((e) => e.type === "STEP_SKIPPED");
      assert.ok(skipped?.type === "STEP_SKIPPED" && skipped.assetKey === "after_long" && /cancel/.test(skipped.reason));
    });

    it("aborts ctx.signal with the reason before killing the step", async () => {
      const run = ws.run(["honours_signal"]);
      let started = false;
      run.events.on("event", (event) => (started ||= event.type === "LOG" && event.assetKey === "honours_signal"));
      await waitFor(() => started, 10_000, "honours_signal to start");
      run.cancel("stopped from the test");
      const result = await run.done;
      assert.equal(result.status, "CANCELED");
      assert.equal(result.steps[0]!.message, "stopped from the test");
      assert.equal(readFileSync(join(ws.root, "aborted.txt"), "utf8"), "stopped from the test");
    });

    it("runs independent slow assets in parallel", async () => {
      const result = await ws.run(["slow_a", "slow_b"]).done;
      assert.equal(result.status, "SUCCESS", result.message);
      const [a, b] = ["slow_a", "slow_b"].map(
        (key) => ws.store.latestMaterialization(key)!.metadata as { startedAt: number; endedAt: number },
      );
      assert.ok(a!.startedAt < b!.endedAt && b!.startedAt < a!.endedAt, "the two steps overlap in time");
    });
  });

  describe("a worker killed from outside", () => {
    let ws: Workspace;
    before(async () => (ws = await openWorkspace("exec-slow", { concurrency: 1 })));
    after(() => ws.dispose());

    it("fails the step with the reason and keeps the run going", async () => {
      const run = ws.run(["waits_long", "slow_a"]);
      let workerPid: number | undefined;
      run.events.on("event", (event) => {
        if (event.type === "LOG" && event.assetKey === "waits_long")
          workerPid = Number(/worker (\d+)/.exec(event.message)?.[1]);
      });
      await waitFor(() => workerPid !== undefined, 10_000, "waits_long to start");
      process.kill(workerPid!, "SIGKILL");
      const result = await run.done;
      const status = Object.fromEntries(result.steps.map((s) => [s.assetKey, s.status]));
      assert.deepEqual(status, { waits_long: "failed", slow_a: "succeeded" });
      assert.match(
        result.steps.find((s) => s.assetKey === "waits_long")!.message ?? "",
        /worker process exited \(SIGKILL\)/,
      );
    });
  });

  it("the executor's workers die when the executor is closed", async () => {
    const ws = await openWorkspace("exec-slow", { concurrency: 2 });
    await ws.executor.warm();
    const pids = ws.executor.workerPids;
    assert.equal(pids.length, 2);
    await ws.dispose();
    for (const pid of pids) assert.equal(alive(pid), false);
    assert.equal(existsSync(ws.root), false);
  });
});
