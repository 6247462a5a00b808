import assert from "node:assert/strict";
import { parseHostToWebviewMessage, parseWebviewToHostMessage, scopeSelection } from "../../protocol/webview";
import type { AssetDetails } from "../../protocol/assetDetails";

const node = {
  key: "orders",
  kind: "asset",
  group: "marts",
  owners: ["team:analytics"],
  kinds: [],
  description: undefined,
  location: {
    uri: "file:///ws/src/orders.ts",
    range: { start: { line: 1, character: 2 }, end: { line: 1, character: 8 } },
  },
  checks: [],
  status: {
    key: "orders",
    state: "fresh",
    reason: "ok",
    lastMaterializedAt: 1,
    lastFailedAt: undefined,
    checks: [{ name: "c", passed: true, evaluatedAt: 1 }],
  },
};
const graph = {
  version: 3,
  nodes: [node],
  edges: [{ from: "stg_orders", to: "orders" }],
  cycles: [],
  unmatched: [],
  error: undefined,
};

/** Messages cross the boundary as JSON: undefined fields are dropped on the way. */
const wire = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe("webview messages are validated on both sides", () => {
  it("accepts exactly the webview's messages", () => {
    assert.deepEqual(parseWebviewToHostMessage({ type: "ready" }), { type: "ready" });
    assert.deepEqual(parseWebviewToHostMessage({ type: "openDefinition", key: "orders", extra: 1 }), {
      type: "openDefinition",
      key: "orders",
    });
    for (const junk of [
      undefined,
      null,
      "ready",
      [],
      { type: "openDefinition" },
      { type: "openDefinition", key: "" },
      { type: "openDefinition", key: 7 },
      { type: "runCommand", command: "x" },
      { type: "openDefinition", key: "x".repeat(5000) },
    ]) {
      assert.equal(parseWebviewToHostMessage(junk), undefined, JSON.stringify(junk));
    }
  });

  it("accepts a graph that went through JSON, and keeps only known fields", () => {
    const parsed = parseHostToWebviewMessage(
      wire({
        type: "graph",
        graph,
        scope: { kind: "all" },
        focus: "orders",
        highlight: ["a", "b"],
        impact: [],
        follow: true,
        canRunCode: true,
      }),
    );
    assert.ok(parsed?.type === "graph");
    assert.equal(parsed.focus, "orders");
    assert.deepEqual(parsed.impact, []);
    const withImpact = parseHostToWebviewMessage(
      wire({
        type: "graph",
        graph,
        scope: { kind: "all" },
        highlight: [],
        impact: [{ key: "orders", tone: "breaking", changed: true }],
        follow: true,
        canRunCode: true,
      }),
    );
    assert.ok(withImpact?.type === "graph");
    assert.deepEqual(withImpact.impact, [{ key: "orders", tone: "breaking", changed: true }]);
    assert.equal(parsed.graph.nodes[0]!.status?.state, "fresh");
    assert.equal(parsed.graph.error, undefined);
    assert.equal(
      parseHostToWebviewMessage(
        wire({
          type: "graph",
          graph,
          scope: { kind: "all" },
          highlight: [],
          impact: [],
          follow: false,
          canRunCode: false,
        }),
      )?.type,
      "graph",
    );
  });

  it("rejects a graph with any malformed part, rather than drawing half of it", () => {
    const bad = [
      { ...graph, version: "3" },
      { ...graph, nodes: [{ ...node, kind: "table" }] },
      { ...graph, nodes: [{ ...node, status: { ...node.status, state: "great" } }] },
      {
        ...graph,
        nodes: [
          {
            ...node,
            location: {
              uri: "file:///x",
              range: { start: { line: -1, character: 0 }, end: { line: 0, character: 0 } },
            },
          },
        ],
      },
      { ...graph, edges: [{ from: "a" }] },
      { ...graph, cycles: [["a", 1]] },
      { ...graph, nodes: { length: 1 } },
    ];
    for (const candidate of bad) {
      assert.equal(
        parseHostToWebviewMessage(
          wire({
            type: "graph",
            graph: candidate,
            scope: { kind: "all" },
            highlight: [],
            impact: [],
            follow: true,
            canRunCode: true,
          }),
        ),
        undefined,
        JSON.stringify(candidate).slice(0, 120),
      );
    }
    const good = {
      type: "graph",
      graph,
      scope: { kind: "all" },
      highlight: [],
      impact: [],
      follow: true,
      canRunCode: true,
    };
    assert.equal(parseHostToWebviewMessage({ ...good, focus: 3 }), undefined);
    for (const scope of [
      undefined,
      { kind: "focus", key: "a", upstream: -1, downstream: 1 },
      { kind: "focus", key: "", upstream: 1, downstream: 1 },
      { kind: "some" },
      { kind: "selection" },
    ]) {
      assert.equal(parseHostToWebviewMessage({ ...good, scope }), undefined, JSON.stringify(scope));
    }
    assert.equal(parseHostToWebviewMessage({ ...good, follow: "yes" }), undefined);
    // Whether code may run is never assumed: a message without it is refused.
    assert.equal(parseHostToWebviewMessage({ ...good, canRunCode: undefined }), undefined);
    for (const impact of [
      undefined,
      [{ key: "orders", tone: "red", changed: false }],
      [{ key: "", tone: "data", changed: false }],
      [{ key: "orders", tone: "data" }],
    ]) {
      assert.equal(parseHostToWebviewMessage({ ...good, impact }), undefined, JSON.stringify(impact));
    }
    assert.equal(parseHostToWebviewMessage({ type: "unavailable" }), undefined);
  });
});

describe("the panel's scope travels as selection text for the server to evaluate", () => {
  it("writes a focus with its depths in the selection syntax, and show all as the whole graph", () => {
    assert.equal(
      scopeSelection({ kind: "focus", key: "marts/orders", upstream: 2, downstream: 1 }),
      "2+marts/orders+1",
    );
    assert.equal(scopeSelection({ kind: "focus", key: "orders", upstream: 0, downstream: 3 }), "orders+3");
    assert.equal(scopeSelection({ kind: "focus", key: "orders", upstream: 0, downstream: 0 }), "orders");
    assert.equal(scopeSelection({ kind: "selection", text: "  +orders+ group:marts " }), "+orders+ group:marts");
    assert.equal(scopeSelection({ kind: "all" }), "");
  });

  it("accepts the panel's scope, follow and node-action messages, and nothing malformed", () => {
    const focus = { kind: "focus", key: "orders", upstream: 2, downstream: 0 };
    assert.deepEqual(parseWebviewToHostMessage({ type: "setScope", scope: focus }), { type: "setScope", scope: focus });
    assert.deepEqual(
      parseWebviewToHostMessage({ type: "setScope", scope: { kind: "selection", text: "owner:team:x" } }),
      {
        type: "setScope",
        scope: { kind: "selection", text: "owner:team:x" },
      },
    );
    assert.deepEqual(parseWebviewToHostMessage({ type: "setFollow", follow: false }), {
      type: "setFollow",
      follow: false,
    });
    assert.deepEqual(parseWebviewToHostMessage({ type: "nodeAction", action: "copyKey", key: "orders" }), {
      type: "nodeAction",
      action: "copyKey",
      key: "orders",
    });
    for (const junk of [
      { type: "setScope", scope: { ...focus, upstream: 1.5 } },
      { type: "setScope", scope: { ...focus, downstream: 1000 } },
      { type: "setScope", scope: { kind: "selection", text: "x".repeat(5000) } },
      { type: "setFollow", follow: "true" },
      { type: "nodeAction", action: "deleteEverything", key: "orders" },
      { type: "nodeAction", action: "materialize", key: "" },
    ]) {
      assert.equal(parseWebviewToHostMessage(junk), undefined, JSON.stringify(junk).slice(0, 120));
    }
  });
});

describe("an asset's details travel from the host to the panel as validated data", () => {
  const details: AssetDetails = {
    key: "marts/orders",
    columns: { known: true, names: ["order_id", "<b>email</b>"] },
    runs: [
      {
        runId: "01J0",
        outcome: "failed",
        startedAt: 1_700_000_000_000,
        durationMs: 1200,
        message: "boom",
        checks: [{ name: "not_empty", passed: false, blocking: true }],
      },
      {
        runId: "01J1",
        outcome: "running",
        startedAt: 1_700_000_000_000,
        durationMs: undefined,
        message: undefined,
        checks: [],
      },
    ],
    olderRunsNotSearched: false,
    next: {
      expectedAt: 1_700_000_600_000,
      durationP50Ms: 240_000,
      durationP90Ms: undefined,
      willBeOverdue: true,
      basis: "cron 0 6 * * * at 06:00, takes about 4 min",
    },
  };

  it("accepts the details, their unavailability, and the panel's request for them", () => {
    const sent = JSON.parse(JSON.stringify({ type: "details", details }));
    assert.deepEqual(parseHostToWebviewMessage(sent), { type: "details", details });
    const none = { ...details, next: undefined };
    assert.deepEqual(parseHostToWebviewMessage(JSON.parse(JSON.stringify({ type: "details", details: none }))), {
      type: "details",
      details: none,
    });
    const unknown = { ...details, columns: { known: false, why: "no static SQL" } };
    assert.deepEqual(parseHostToWebviewMessage({ type: "details", details: unknown }), {
      type: "details",
      details: unknown,
    });
    assert.deepEqual(parseHostToWebviewMessage({ type: "detailsUnavailable", key: "orders", message: "stopped" }), {
      type: "detailsUnavailable",
      key: "orders",
      message: "stopped",
    });
    assert.deepEqual(parseWebviewToHostMessage({ type: "requestDetails", key: "orders" }), {
      type: "requestDetails",
      key: "orders",
    });
  });

  it("rejects details with any malformed part", () => {
    const run = details.runs[0]!;
    for (const junk of [
      { ...details, key: "" },
      { ...details, columns: { known: true, names: [1] } },
      { ...details, columns: { known: "yes", names: [] } },
      { ...details, columns: { known: false } },
      { ...details, runs: [{ ...run, outcome: "exploded" }] },
      { ...details, runs: [{ ...run, startedAt: "yesterday" }] },
      { ...details, runs: [{ ...run, checks: [{ name: "x", passed: "no", blocking: true }] }] },
      { ...details, runs: [{ ...run, message: "x".repeat(5000) }] },
      { ...details, olderRunsNotSearched: undefined },
      { ...details, next: { ...details.next, expectedAt: "tomorrow" } },
      { ...details, next: { ...details.next, willBeOverdue: "maybe" } },
      { ...details, next: { ...details.next, basis: undefined } },
      { ...details, next: "soon" },
    ]) {
      assert.equal(
        parseHostToWebviewMessage({ type: "details", details: junk }),
        undefined,
        JSON.stringify(junk).slice(0, 160),
      );
    }
    assert.equal(parseWebviewToHostMessage({ type: "requestDetails", key: "" }), undefined);
    assert.equal(parseHostToWebviewMessage({ type: "detailsUnavailable", key: "orders" }), undefined);
  });
});
