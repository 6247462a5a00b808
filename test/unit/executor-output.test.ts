import assert from "node:assert/strict";
import type { EventOfType } from "../../server/src/store";
import { openWorkspace, type Workspace } from "./support/executor-harness";

const CAP = 1024 * 1024;

describe("executor: captured output", function () {
  this.timeout(60_000);
  let ws: Workspace;
  before(async () => (ws = await openWorkspace("exec-failures", { logCapBytes: CAP })));
  after(() => ws.dispose());

  function logs(runId: string, assetKey: string): EventOfType<"LOG">[] {
    return ws.store.runEvents(runId, { types: ["LOG"] }).filter((e): e is EventOfType<"LOG"> => e.type === "LOG" && e.assetKey === assetKey);
  }

  it("caps 100 MB of console output per step, says how much was dropped, and still records the run", async () => {
    const started = Date.now();
    const result = await ws.run(["noisy"]).done;
    const elapsed = Date.now() - started;
    assert.equal(result.status, "SUCCESS", result.message);
    assert.ok(elapsed < 15_000, `took ${elapsed} ms`);

    const lines = logs(result.runId, "noisy");
    const kept = lines.filter((e) => !e.truncated).reduce((sum, e) => sum + Buffer.byteLength(e.message), 0);
    assert.ok(kept <= CAP, `kept ${kept} bytes`);
    assert.ok(kept > CAP - 2048, `kept ${kept} bytes: the cap is used, not wasted`);
    assert.ok(lines[0]!.message.startsWith("yyyy"));
    assert.equal(lines[0]!.level, "info");
    const truncated = lines.filter((e) => e.truncated);
    assert.equal(truncated.length, 1, "one truncation notice");
    const dropped = Number(/output truncated \((\d+) bytes dropped\)/.exec(truncated[0]!.message)?.[1]);
    // Everything printed (100 MiB of lines, the console.log and the ctx.log) is either kept or counted.
    const printed = 100 * 1024 * 1024 + Buffer.byteLength("after the flood\n") + Buffer.byteLength("done printing");
    assert.equal(kept + dropped, printed);
    assert.deepEqual(ws.store.latestMaterialization("noisy")!.metadata, { printedBytes: 100 * 1024 * 1024 });
    // Few events: stdout is coalesced, not one row per line.
    assert.ok(lines.length < 200, `${lines.length} LOG events`);
  });

  it("also caps output a grandchild writes straight to the inherited stdout", async () => {
    const result = await ws.run(["noisy_child"]).done;
    assert.equal(result.status, "SUCCESS", result.message);
    const lines = logs(result.runId, "noisy_child");
    const kept = lines.filter((e) => !e.truncated).reduce((sum, e) => sum + Buffer.byteLength(e.message), 0);
    assert.ok(kept <= CAP && kept > 0, `kept ${kept} bytes`);
    const notice = lines.find((e) => e.truncated);
    assert.equal(notice?.message, `… output truncated (${20_000_000 - kept} bytes dropped)`);
  });

  it("stores messages verbatim (escaping is the renderer's job) with their levels", async () => {
    const result = await ws.run(["escapes"]).done;
    const lines = logs(result.runId, "escapes");
    assert.deepEqual(
      lines.map((e) => [e.level, e.message]),
      [
        ["warn", "\u001b[31mred\u001b[0m <b>&amp;</b>\r\n\ttab"],
        ["warn", "to stderr\n"],
      ],
    );
  });
});
