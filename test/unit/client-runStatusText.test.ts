import assert from "node:assert/strict";
import { runStatusText } from "../../client/src/runStatusText";
import type { RunSummary } from "../../protocol/runs";

describe("client: what the status bar says about runs", () => {
  const run = (extra: Partial<RunSummary>): RunSummary => ({
    runId: "r-1",
    status: "SUCCESS",
    selection: "+orders",
    launchedBy: "cli",
    pid: 1,
    hostname: "box",
    startedAt: 0,
    finishedAt: 90_000,
    message: undefined,
    stepsDone: 3,
    stepsFailed: 0,
    ...extra,
  });

  it("shows a run in progress with its steps, and a click shows it", () => {
    const mine = runStatusText(run({ status: "STARTED", finishedAt: undefined, launchedBy: "editor" }), 7, 5000);
    assert.equal(mine.running, "$(sync~spin) Assetline: running 3/7");
    assert.equal(mine.showRun, "r-1");
    assert.match(mine.tooltip ?? "", /started 5 s ago from the editor: 3\/7/);
    // Another process's plan is not known: done steps only.
    assert.equal(
      runStatusText(run({ status: "STARTED", stepsDone: 1, stepsFailed: 1 }), undefined, 0).running,
      "$(sync~spin) Assetline: running 1 step done, 1 failed",
    );
  });

  it("keeps the last outcome until the next run, a failure one click from its run", () => {
    const ok = runStatusText(run({}), undefined, 150_000);
    assert.deepEqual([ok.running, ok.suffix, ok.showRun], [undefined, " · last run ✓", undefined]);
    assert.equal(ok.tooltip, "Last run r-1 of +orders (from the CLI) succeeded 1 min ago.");
    const failed = runStatusText(run({ status: "FAILURE", message: "1 step failed" }), undefined, 90_000);
    assert.deepEqual([failed.suffix, failed.showRun], [" · last run ✗", "r-1"]);
    assert.match(failed.tooltip ?? "", /failed 0 s ago: 1 step failed\.$/);
    assert.equal(runStatusText(run({ status: "CANCELED" }), undefined, 90_000).suffix, " · last run ⊘");
    assert.deepEqual(runStatusText(undefined, undefined, 0), {
      running: undefined,
      suffix: "",
      tooltip: undefined,
      showRun: undefined,
    });
  });
});
