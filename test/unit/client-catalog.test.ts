import assert from "node:assert/strict";
import { catalogGroups } from "../../client/src/catalogGroups";
import { lineageGraph, lineageNode } from "./support/lineage";

describe("client: the asset catalog's groups", () => {
  const node = lineageNode;
  const graph = lineageGraph([
    node("raw_orders", { kind: "source", owners: ["team:data"] }),
    node("stg_orders", { group: "staging", owners: ["team:analytics"], kinds: ["sqlite"] }),
    node("marts/orders", {
      group: "marts",
      owners: ["team:analytics", "ana@example.com"],
      kinds: ["sqlite"],
      description: "One row per order",
    }),
    node("missing", { kind: "placeholder", location: undefined }),
  ]);
  const shape = (grouping: "group" | "owner" | "kind", filter = "") =>
    catalogGroups(graph, grouping, filter).map((group) => [group.name, group.nodes.map((n) => n.key)]);

  it("groups by group, owner (an asset under each of its owners) or kind, the ungrouped last", () => {
    assert.deepEqual(shape("group"), [
      ["marts", ["marts/orders"]],
      ["staging", ["stg_orders"]],
      ["(no group)", ["raw_orders"]],
    ]);
    assert.deepEqual(shape("owner"), [
      ["ana@example.com", ["marts/orders"]],
      ["team:analytics", ["marts/orders", "stg_orders"]],
      ["team:data", ["raw_orders"]],
    ]);
    assert.deepEqual(shape("kind"), [
      ["sqlite", ["marts/orders", "stg_orders"]],
      ["(no kind)", ["raw_orders"]],
    ]);
  });

  it("filters by every word, against key, table, owners and description", () => {
    assert.deepEqual(shape("group", "marts__orders"), [["marts", ["marts/orders"]]]);
    assert.deepEqual(shape("group", "analytics ORDER"), [
      ["marts", ["marts/orders"]],
      ["staging", ["stg_orders"]],
    ]);
    assert.deepEqual(shape("group", "row per"), [["marts", ["marts/orders"]]]);
    assert.deepEqual(shape("group", "nothing-like-this"), []);
  });
});
