import assert from "node:assert/strict";
import { firstLine, firstUserFrame } from "../../server/src/model/stackFrames";

describe("model: the user's line in a failure's stack", () => {
  const root = "/work/shop";

  it("takes the first frame in the workspace, past dependencies and the engine's bundles", () => {
    const stack = [
      "Error: revenue feed missing",
      "    at Database.prepare (/work/shop/node_modules/better-sqlite3/lib/methods/wrappers.js:5:21)",
      "    at Object.<anonymous> (/work/shop/.assetline/build/revenue.1a2b3c.js:10:3)",
      "    at revenueFeed (/work/shop/src/lib/feeds.ts:7:11)",
      "    at /work/shop/src/marts/monthly_revenue.ts:14:5",
      "    at runTask (/opt/assetline/dist/worker.js:1:2000)",
    ].join("\n");
    assert.deepEqual(firstUserFrame(stack, root), { file: "src/lib/feeds.ts", line: 6, character: 10 });
  });

  it("reads frames without a function name, async frames and file URLs", () => {
    assert.deepEqual(firstUserFrame("Error: x\n    at /work/shop/src/a.ts:3:9", root), {
      file: "src/a.ts",
      line: 2,
      character: 8,
    });
    assert.deepEqual(firstUserFrame("Error: x\n    at async load (file:///work/shop/src/b.ts:20:1)", root), {
      file: "src/b.ts",
      line: 19,
      character: 0,
    });
    assert.deepEqual(firstUserFrame("Error: x\n    at C:\\work\\shop\\src\\c.ts:4:2", "C:\\work\\shop"), {
      file: "src/c.ts",
      line: 3,
      character: 1,
    });
  });

  it("finds nothing when no frame is in the workspace", () => {
    assert.equal(firstUserFrame(undefined, root), undefined);
    assert.equal(
      firstUserFrame("Error: x\n    at node:internal/timers:500:7\n    at /work/shopping/src/a.ts:1:1", root),
      undefined,
    );
    assert.equal(firstUserFrame("Error: x\n    at /work/shop/node_modules/pkg/index.js:1:1", root), undefined);
  });

  it("keeps the first line of a message, bounded", () => {
    assert.equal(firstLine("boom: revenue feed missing\n  at x"), "boom: revenue feed missing");
    assert.equal(firstLine("x".repeat(300)).length, 200);
  });
});
