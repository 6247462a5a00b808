import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { AutomationBusyError } from "../../server/src/automation/loop";
import { EventStore, storePath } from "../../server/src/store";
import { automationWorkspace, type AutomationWorkspace } from "./support/automation-workspace";
import { repoRoot, waitFor } from "./support/executor-harness";

const MIN = 60_000;

function decisions(report: { plan: { decisions: readonly { key: string; outcome: string; reason: string }[] } }) {
  return report.plan.decisions.map((d) => `${d.key} ${d.outcome}: ${d.reason}`);
}

describe("automation loop: real history, real workers, a controllable clock", function () {
  this.timeout(60_000);
  let ws: AutomationWorkspace | undefined;
  afterEach(async () => {
    await ws?.dispose();
    ws = undefined;
  });

  it("an eager downstream follows an upstream run, once", async () => {
    ws = await automationWorkspace(`import { asset } from "assetline";
export const raw = asset({}, () => record("raw"));
export const follower = asset({ deps: [raw], automation: "eager" }, () => record("follower"));
`);
    assert.deepEqual(ws.loop.tick().plan.run, [], "nothing is due before raw exists");
    await ws.materialize(["raw"]);
    const report = ws.loop.tick();
    assert.deepEqual(report.plan.run, ["follower"]);
    assert.match(decisions(report)[0]!, /^follower run: upstream raw materialized at \d\d:\d\d$/);
    assert.equal((await report.done)?.status, "SUCCESS");
    assert.deepEqual(ws.loop.tick().plan.decisions, []);
    assert.deepEqual(ws.executions(), ["raw", "follower"]);
    const [recorded] = ws.store.automationDecisions();
    assert.equal(recorded!.assetKey, "follower");
    assert.equal(recorded!.runId, report.runId);
    assert.deepEqual(recorded!.conditions, ["eager"]);
    const logged = ws.store.runEvents(report.runId!, { types: ["LOG"] }).map((e) => (e as { message: string }).message);
    assert.ok(
      logged.some((m) => /^triggered by automation: upstream raw materialized at/.test(m)),
      logged.join("\n"),
    );
  });

  it("an on-freshness asset runs before it becomes overdue, and not again until needed", async () => {
    ws = await automationWorkspace(`import { asset } from "assetline";
export const kept = asset({ freshness: { maxLagMinutes: 60 }, automation: "on-freshness" }, () => record("kept"));
`);
    const first = ws.loop.tick();
    assert.deepEqual(decisions(first), ["kept run: never materialized (max lag 60 min)"]);
    await first.done;
    const built = ws.now;
    ws.now = built + 30 * MIN;
    assert.deepEqual(ws.loop.tick().plan.decisions, []);
    ws.now = built + 58 * MIN;
    assert.deepEqual(ws.loop.tick().plan.decisions, [], "a run of well under a minute still fits");
    ws.now = built + 59.6 * MIN;
    const second = ws.loop.tick();
    assert.deepEqual(second.plan.run, ["kept"]);
    assert.match(
      decisions(second)[0]!,
      /^kept run: overdue in \d+ s \(max lag 60 min, last took (less than a second|\d+ s)\)$/,
    );
    await second.done;
    // Materializations carry the real clock: the loop's clock goes back to it.
    ws.now = Date.now() + 30 * MIN;
    assert.deepEqual(ws.loop.tick().plan.decisions, []);
    assert.deepEqual(ws.executions(), ["kept", "kept"]);
  });

  it("a cron asset with no new upstream data is skipped with the reason recorded, once, across restarts", async () => {
    ws = await automationWorkspace(`import { asset } from "assetline";
export const raw = asset({}, () => record("raw"));
export const daily = asset({ deps: [raw], automation: { cron: "0 6 * * *", timezone: "UTC" } }, () => record("daily"));
`);
    await ws.materialize(["raw", "daily"]);
    const sixAfter = (at: number) => {
      const day = new Date(at);
      const six = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 6);
      return six > at ? six : six + 24 * 60 * MIN;
    };
    ws.now = sixAfter(Date.now()) + MIN;
    const report = ws.loop.tick();
    assert.deepEqual(report.plan.run, []);
    // The last run is written with its date unless it was on the loop's day (a run before 06:00 UTC).
    assert.match(
      decisions(report)[0]!,
      /^daily skipped: cron 0 6 \* \* \* at 06:00 skipped: no upstream materialized since the last run at (\d{4}-\d\d-\d\d )?\d\d:\d\d$/,
    );
    const [skip] = ws.store.automationDecisions();
    assert.equal(skip!.outcome, "skipped");
    assert.equal(skip!.cronTick, sixAfter(Date.now()));
    assert.deepEqual(ws.loop.tick().plan.decisions, [], "recorded once per tick");
    ws.loop.release();
    const restarted = ws.newLoop(EventStore.open(storePath(ws.root)));
    restarted.claim();
    assert.deepEqual(restarted.tick().plan.decisions, [], "a restarted loop does not reconsider it");
    restarted.release();
    ws.loop.claim();
    await ws.materialize(["raw"]);
    ws.now += 24 * 60 * MIN;
    const next = ws.loop.tick();
    assert.deepEqual(next.plan.run, ["daily"]);
    assert.match(decisions(next)[0]!, /^daily run: cron 0 6 \* \* \* at 06:00, upstream raw materialized at/);
    await next.done;
    assert.deepEqual(ws.executions(), ["raw", "daily", "raw", "daily"]);
  });

  it("a failing asset backs off, doubling, and runs again once fixed", async () => {
    ws = await automationWorkspace(`import { asset } from "assetline";
export const raw = asset({}, () => record("raw"));
export const flaky = asset({ deps: [raw], automation: "eager" }, () => {
  record("flaky");
  if (flagged("broken")) throw new Error("flaky is broken");
});
`);
    ws.flag("broken", true);
    await ws.materialize(["raw"]);
    const start = ws.now;
    assert.equal((await ws.loop.tick().done)?.status, "FAILURE");
    assert.match(decisions(ws.loop.tick())[0]!, /— backing off after 1 failure until \d\d:\d\d$/);
    ws.now = start + 0.5 * MIN;
    assert.deepEqual(ws.loop.tick().plan.run, []);
    ws.now = Date.now() + 1.1 * MIN;
    assert.equal((await ws.loop.tick().done)?.status, "FAILURE");
    ws.now = Date.now() + 1.1 * MIN;
    assert.match(
      decisions(ws.loop.tick())[0]!,
      /— backing off after 2 failures until/,
      "two failures wait two minutes",
    );
    ws.flag("broken", false);
    ws.now = Date.now() + 2.1 * MIN;
    assert.equal((await ws.loop.tick().done)?.status, "SUCCESS");
    assert.deepEqual(ws.loop.tick().plan.decisions, []);
    assert.deepEqual(ws.executions(), ["raw", "flaky", "flaky", "flaky"]);
  });

  it("a failed blocking check stops downstream triggering until it passes", async () => {
    ws = await automationWorkspace(`import { asset, check } from "assetline";
export const raw = asset({}, () => record("raw"));
export const raw_ok = check(raw, { name: "raw_ok", blocking: true }, () => ({ passed: !flagged("bad") }));
export const follower = asset({ deps: [raw], automation: "eager" }, () => record("follower"));
`);
    ws.flag("bad", true);
    await ws.materialize(["raw"]);
    assert.match(
      decisions(ws.loop.tick())[0]!,
      /^follower held: upstream raw materialized at .* — held: blocking check raw:raw_ok failed$/,
    );
    ws.flag("bad", false);
    await ws.materialize(["raw"], { checksOnly: true });
    assert.equal((await ws.loop.tick().done)?.status, "SUCCESS");
    assert.deepEqual(ws.executions(), ["raw", "follower"]);
  });

  it("never starts an asset that is already running, even before its step has started", async () => {
    ws = await automationWorkspace(`import { asset } from "assetline";
export const raw = asset({}, () => record("raw"));
export const slow = asset({ deps: [raw], automation: "eager" }, async (ctx) => {
  record("slow");
  while (!flagged("release")) await new Promise((resolve) => setTimeout(resolve, 20));
});
export const after = asset({ deps: [slow], automation: { cron: "0 0 * * *", force: true } }, () => record("after"));
`);
    await ws.materialize(["raw"]);
    const report = ws.loop.tick();
    assert.deepEqual(report.plan.run, ["slow", "after"]);
    while (!ws.executions().includes("slow")) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(
      decisions(ws.loop.tick()).map((line) => line.replace(/^(\w+) held: .* — /, "$1 held: ")),
      ["slow held: already running", "after held: already running"],
    );
    ws.flag("release", true);
    await report.done;
    assert.deepEqual(ws.loop.tick().plan.run, []);
    assert.deepEqual(ws.executions(), ["raw", "slow", "after"]);
  });

  it("one loop per workspace across processes; a killed holder cannot keep it", async () => {
    ws = await automationWorkspace(`import { asset } from "assetline";
export const raw = asset({}, () => record("raw"));
`);
    const refused = await claimInChild(ws.root);
    assert.match(
      refused.output,
      /^refused automation already runs for this workspace in `assetline automate` \(pid \d+ on /,
    );
    assert.ok(refused.output.includes(`(pid ${process.pid} `));
    ws.loop.release();
    const holder = await claimInChild(ws.root);
    try {
      assert.equal(holder.output, "claimed\n");
      const again = ws.newLoop();
      assert.throws(
        () => again.claim(),
        (error: unknown) =>
          error instanceof AutomationBusyError &&
          error.owner.pid === holder.child.pid &&
          /in the editor's language server \(pid \d+/.test(error.message),
      );
      holder.child.kill("SIGKILL");
      await new Promise((resolve) => holder.child.once("exit", resolve));
      ws.loop.claim();
      assert.equal(ws.store.automationOwner()?.pid, process.pid);
    } finally {
      holder.child.kill("SIGKILL");
    }
  });
});

/** Starts a process that claims the loop; resolves once it said whether it got it. */
async function claimInChild(root: string): Promise<{ child: ChildProcess; output: string }> {
  const script = join(repoRoot, "test", "unit", "support", "automation-claim-child.ts");
  const child = spawn(process.execPath, ["--require", "tsx/cjs", script, root], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  child.stdout!.setEncoding("utf8").on("data", (text: string) => (output += text));
  await waitFor(() => output.endsWith("\n"), 30_000, "the child to claim");
  return { child, output };
}
