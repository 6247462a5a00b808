import assert from "node:assert/strict";
import { assetAt, definitionsByFile, hubOf } from "../../client/src/lineage/editorAsset";
import type { LineageGraph, LineageNode } from "../../protocol/lineage";

function node(key: string, uri: string | undefined, line = 0): LineageNode {
  return {
    key,
    kind: uri === undefined ? "placeholder" : "asset",
    group: undefined,
    owners: [],
    kinds: [],
    description: undefined,
    location:
      uri === undefined ? undefined : { uri, range: { start: { line, character: 13 }, end: { line, character: 20 } } },
    checks: [],
    status: undefined,
  };
}

describe("the lineage panel's focus", () => {
  const nodes = [
    node("stg_orders", "file:///ws/staging.ts", 4),
    node("stg_payments", "file:///ws/staging.ts", 20),
    node("orders", "file:///ws/marts.ts", 2),
    node("missing", undefined),
  ];
  const definitions = definitionsByFile(nodes);

  it("is the definition the cursor is in, else the file's first", () => {
    assert.equal(assetAt(definitions, "file:///ws/staging.ts", 0), "stg_orders");
    assert.equal(assetAt(definitions, "file:///ws/staging.ts", 4), "stg_orders");
    assert.equal(assetAt(definitions, "file:///ws/staging.ts", 19), "stg_orders");
    assert.equal(assetAt(definitions, "file:///ws/staging.ts", 20), "stg_payments");
    assert.equal(assetAt(definitions, "file:///ws/staging.ts", 500), "stg_payments");
    assert.equal(assetAt(definitions, "file:///ws/other.ts", 3), undefined);
  });

  it("is the best-connected defined asset when nothing else says which", () => {
    const graph: LineageGraph = {
      version: 1,
      nodes,
      edges: [
        { from: "missing", to: "stg_orders" },
        { from: "stg_orders", to: "orders" },
        { from: "stg_payments", to: "orders" },
      ],
      cycles: [],
      unmatched: [],
      error: undefined,
    };
    assert.equal(hubOf(graph), "stg_orders");
    assert.equal(hubOf({ ...graph, nodes: [node("missing", undefined)], edges: [] }), undefined);
  });
});
