import assert from "node:assert/strict";
import { failureMarks, fileUri } from "../../client/src/failureMarks";
import type { LineageNode } from "../../protocol/lineage";
import type { AssetStatus } from "../../protocol/status";
import { lineageGraph, lineageNode } from "./support/lineage";

describe("client: where failures are marked", () => {
  const root = "/ws/shop";
  const location = (file: string, line: number) => ({
    uri: fileUri(root, file),
    range: { start: { line, character: 13 }, end: { line, character: 20 } },
  });
  const status = (extra: Partial<AssetStatus>): AssetStatus => ({
    key: "k",
    state: "fresh",
    reason: "",
    lastMaterializedAt: undefined,
    lastFailedAt: undefined,
    checks: [],
    ...extra,
  });
  const node = (key: string, extra: Partial<LineageNode>): LineageNode =>
    lineageNode(key, { location: location(`src/${key}.ts`, 3), ...extra });
  const graph = lineageGraph;

  it("marks a failed build on the throwing line, else on the definition", () => {
    const marks = failureMarks(
      graph([
        node("revenue", {
          status: status({
            state: "failed",
            lastError: { message: "boom", runId: "r-1", location: { file: "src/lib/feed.ts", line: 6, character: 8 } },
          }),
        }),
        node("timeout", {
          status: status({ state: "failed", lastError: { message: "timed out after 5 s", runId: "r-2" } }),
        }),
        // An old failure of an asset rebuilt since: nothing to mark.
        node("healed", { status: status({ state: "fresh", lastError: { message: "old", runId: "r-0" } }) }),
      ]),
      root,
    );
    assert.deepEqual(
      marks.map((mark) => [mark.id, mark.uri, mark.line, mark.character, mark.message, mark.blocking]),
      [
        ["r-1|revenue", "file:///ws/shop/src/lib/feed.ts", 6, 8, "revenue failed in run r-1: boom", true],
        [
          "r-2|timeout",
          "file:///ws/shop/src/timeout.ts",
          3,
          13,
          "timeout failed in run r-2: timed out after 5 s",
          true,
        ],
      ],
    );
    assert.equal(marks[0]!.definitionUri, "file:///ws/shop/src/revenue.ts");
  });

  it("marks a failed check on the check, an error only when it blocks", () => {
    const marks = failureMarks(
      graph([
        node("orders", {
          checks: [
            { name: "unique", blocking: true, location: location("src/checks.ts", 10) },
            { name: "recent", blocking: false, location: location("src/checks.ts", 20) },
            { name: "ok", blocking: false, location: location("src/checks.ts", 30) },
          ],
          status: status({
            checks: [
              { name: "ok", passed: true, evaluatedAt: 5 },
              { name: "recent", passed: false, evaluatedAt: 5 },
              { name: "unique", passed: false, evaluatedAt: 5 },
            ],
          }),
        }),
      ]),
      root,
    );
    assert.deepEqual(
      marks.map((mark) => [mark.line, mark.message, mark.blocking]),
      [
        [20, "check recent of orders failed", false],
        [10, "check unique of orders failed (blocking: downstream assets did not run)", true],
      ],
    );
  });

  it("spells file URIs as VS Code does", () => {
    assert.equal(fileUri("/ws/my shop/", "src/a b.ts"), "file:///ws/my%20shop/src/a%20b.ts");
  });
});
