import assert from "node:assert/strict";
import type { RunResult } from "../../server/src/executor";
import type { EventOfType } from "../../server/src/store";
import { openWorkspace, type Workspace } from "./support/executor-harness";

const CAP = 1024 * 1024;

describe("executor: captured output", function () {
  this.timeout(60_000);
  let ws: Workspace;
  /** The run of `noisy`, which prints 100 MiB, and how long it took. */
  let noisy: { result: RunResult; elapsedMs: number; lines: EventOfType<"LOG">[]; keptBytes: number };
  before(async () => {
    ws = await openWorkspace("exec-failures", { logCapBytes: CAP });
    const started = Date.now();
    const result = await ws.run(["noisy"]).done;
    const elapsedMs = Date.now() - started;
    const lines = logs(result.runId, "noisy");
    const keptBytes = lines.filter((e) => !e.truncated).reduce((sum, e) => sum + Buffer.byteLength(e.message), 0);
    noisy = { result, elapsedMs, lines, keptBytes };
  });
  after(() => ws.dispose());

  function logs(runId: string, assetKey: string): EventOfType<"LOG">[] {
    return ws.store
      .runEvents(runId, { types: ["LOG"] })
      .filter((e): e is EventOfType<"LOG"> => e.type === "LOG" && e.assetKey === assetKey);
  }

  it("records a step that prints 100 MB as a success, quickly", () => {
    assert.equal(noisy.result.status, "SUCCESS", noisy.result.message);
    assert.ok(noisy.elapsedMs < 15_000, `took ${noisy.elapsedMs} ms`);
    assert.deepEqual(ws.store.latestMaterialization("noisy")!.metadata, { printedBytes: 100 * 1024 * 1024 });
  });

  it("keeps the first output up to the cap, using the cap rather than wasting it", () => {
    assert.ok(noisy.keptBytes <= CAP, `kept ${noisy.keptBytes} bytes`);
    assert.ok(noisy.keptBytes > CAP - 2048, `kept ${noisy.keptBytes} bytes: the cap is used, not wasted`);
    assert.ok(noisy.lines[0]!.message.startsWith("yyyy"));
    assert.equal(noisy.lines[0]!.level, "info");
  });

  it("says once how much was dropped: every printed byte is kept or counted", () => {
    const truncated = noisy.lines.filter((e) => e.truncated);
    assert.equal(truncated.length, 1, "one truncation notice");
    const dropped = Number(/output truncated \((\d+) bytes dropped\)/.exec(truncated[0]!.message)?.[1]);
    // Everything printed (100 MiB of lines, the console.log and the ctx.log) is either kept or counted.
    const printed = 100 * 1024 * 1024 + Buffer.byteLength("after the flood\n") + Buffer.byteLength("done printing");
    assert.equal(noisy.keptBytes + dropped, printed);
  });

  it("coalesces stdout into few events, not one row per line", () => {
    assert.ok(noisy.lines.length < 200, `${noisy.lines.length} LOG events`);
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
