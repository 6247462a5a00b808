import assert from "node:assert/strict";
import { parseHostToWebviewMessage, parseWebviewToHostMessage } from "../../protocol/webview";

const node = {
  key: "orders",
  kind: "asset",
  group: "marts",
  owners: ["team:analytics"],
  kinds: [],
  description: undefined,
  location: { uri: "file:///ws/src/orders.ts", range: { start: { line: 1, character: 2 }, end: { line: 1, character: 8 } } },
  checks: [],
  status: { key: "orders", state: "fresh", reason: "ok", lastMaterializedAt: 1, lastFailedAt: undefined, checks: [{ name: "c", passed: true, evaluatedAt: 1 }] },
};
const graph = { version: 3, nodes: [node], edges: [{ from: "stg_orders", to: "orders" }], cycles: [], unmatched: [], error: undefined };

/** Messages cross the boundary as JSON: undefined fields are dropped on the way. */
const wire = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe("webview messages are validated on both sides", () => {
  it("accepts exactly the webview's messages", () => {
    assert.deepEqual(parseWebviewToHostMessage({ type: "ready" }), { type: "ready" });
    assert.deepEqual(parseWebviewToHostMessage({ type: "openDefinition", key: "orders", extra: 1 }), { type: "openDefinition", key: "orders" });
    for (const junk of [undefined, null, "ready", [], { type: "openDefinition" }, { type: "openDefinition", key: "" }, { type: "openDefinition", key: 7 }, { type: "runCommand", command: "x" }, { type: "openDefinition", key: "x".repeat(5000) }]) {
      assert.equal(parseWebviewToHostMessage(junk), undefined, JSON.stringify(junk));
    }
  });

  it("accepts a graph that went through JSON, and keeps only known fields", () => {
    const parsed = parseHostToWebviewMessage(wire({ type: "graph", graph, focus: "orders", highlight: ["a", "b"] }));
    assert.ok(parsed?.type === "graph");
    assert.equal(parsed.focus, "orders");
    assert.equal(parsed.graph.nodes[0]!.status?.state, "fresh");
    assert.equal(parsed.graph.error, undefined);
    assert.equal(parseHostToWebviewMessage(wire({ type: "graph", graph, highlight: [] }))?.type, "graph");
  });

  it("rejects a graph with any malformed part, rather than drawing half of it", () => {
    const bad = [
      { ...graph, version: "3" },
      { ...graph, nodes: [{ ...node, kind: "table" }] },
      { ...graph, nodes: [{ ...node, status: { ...node.status, state: "great" } }] },
      { ...graph, nodes: [{ ...node, location: { uri: "file:///x", range: { start: { line: -1, character: 0 }, end: { line: 0, character: 0 } } } }] },
      { ...graph, edges: [{ from: "a" }] },
      { ...graph, cycles: [["a", 1]] },
      { ...graph, nodes: { length: 1 } },
    ];
    for (const candidate of bad) {
      assert.equal(parseHostToWebviewMessage(wire({ type: "graph", graph: candidate, highlight: [] })), undefined, JSON.stringify(candidate).slice(0, 120));
    }
    assert.equal(parseHostToWebviewMessage({ type: "graph", graph, focus: 3, highlight: [] }), undefined);
    assert.equal(parseHostToWebviewMessage({ type: "unavailable" }), undefined);
  });
});
