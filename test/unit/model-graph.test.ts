import assert from "node:assert/strict";
import { AssetGraph } from "../../server/src/model/graph";
import { assetsFromEdges, makeAsset, makeCheck } from "./support/defs";

/** raw → stg_orders → orders → report; raw → stg_customers → orders; stg_orders → audit. */
function shopGraph(): AssetGraph {
  return AssetGraph.fromDefinitions(
    [
      makeAsset({ key: "raw", kind: "source" }),
      makeAsset({ key: "stg_orders", deps: ["raw"] }),
      makeAsset({ key: "stg_customers", deps: ["raw"] }),
      makeAsset({ key: "marts/orders", deps: ["stg_orders", "stg_customers"] }),
      makeAsset({ key: "report", deps: ["marts/orders"] }),
      makeAsset({ key: "audit", deps: ["stg_orders"] }),
    ],
    [],
  );
}

/** Every edge parent → child goes forward in `order`. */
function assertTopological(graph: AssetGraph, order: readonly string[]): void {
  const position = new Map(order.map((key, index) => [key, index]));
  for (const key of order) {
    for (const child of graph.children(key)) {
      if (position.has(child)) assert.ok(position.get(key)! < position.get(child)!, `${key} → ${child} goes backward`);
    }
  }
}

/** A deterministic shuffle, so permutation tests are reproducible. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const result = items.slice();
  let state = seed;
  for (let i = result.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [result[i], result[j]] = [result[j], result[i]];
  }
  return result;
}

describe("model: AssetGraph", () => {
  describe("structure", () => {
    it("lists keys sorted and answers parents and children sorted", () => {
      const graph = shopGraph();
      assert.deepEqual(graph.keys(), ["audit", "marts/orders", "raw", "report", "stg_customers", "stg_orders"]);
      assert.equal(graph.size, 6);
      assert.deepEqual(graph.parents("marts/orders"), ["stg_customers", "stg_orders"]);
      assert.deepEqual(graph.children("stg_orders"), ["audit", "marts/orders"]);
      assert.deepEqual(graph.children("raw"), ["stg_customers", "stg_orders"]);
      assert.deepEqual(graph.parents("raw"), []);
    });

    it("keeps the first definition of a duplicated key", () => {
      const first = makeAsset({ key: "a", group: "first" });
      const graph = AssetGraph.fromDefinitions([first, makeAsset({ key: "a", group: "second", deps: ["x"] })], []);
      assert.equal(graph.definition("a"), first);
      assert.deepEqual(graph.keys(), ["a"]);
    });

    it("merges a dep named twice into one edge and ignores unresolved deps", () => {
      const graph = AssetGraph.fromDefinitions(
        [makeAsset({ key: "a" }), makeAsset({ key: "b", deps: ["a", "a", undefined] })],
        [],
      );
      assert.deepEqual(graph.parents("b"), ["a"]);
      assert.deepEqual(graph.children("a"), ["b"]);
    });

    it("answers unknown keys with empty results", () => {
      const graph = shopGraph();
      assert.equal(graph.has("nope"), false);
      assert.equal(graph.definition("nope"), undefined);
      assert.equal(graph.isPlaceholder("nope"), false);
      assert.deepEqual(graph.parents("nope"), []);
      assert.deepEqual(graph.descendants("nope"), []);
      assert.deepEqual(graph.checksOf("nope"), []);
    });

    it("returns copies, so callers cannot change the graph", () => {
      const graph = shopGraph();
      graph.keys().push("x");
      graph.toposort().push("x");
      assert.equal(graph.keys().length, 6);
      assert.equal(graph.toposort().length, 6);
    });
  });

  describe("placeholders", () => {
    it("adds a node for a dep that nothing defines", () => {
      const graph = AssetGraph.fromDefinitions([makeAsset({ key: "stg", deps: ["raw/missing"] })], []);
      assert.deepEqual(graph.keys(), ["raw/missing", "stg"]);
      assert.equal(graph.isPlaceholder("raw/missing"), true);
      assert.equal(graph.isPlaceholder("stg"), false);
      assert.equal(graph.definition("raw/missing"), undefined);
      assert.deepEqual(graph.children("raw/missing"), ["stg"]);
    });
  });

  describe("ancestors and descendants", () => {
    it("walk every level by default, excluding the key itself", () => {
      const graph = shopGraph();
      assert.deepEqual(graph.ancestors("report"), ["marts/orders", "raw", "stg_customers", "stg_orders"]);
      assert.deepEqual(graph.descendants("raw"), ["audit", "marts/orders", "report", "stg_customers", "stg_orders"]);
      assert.deepEqual(graph.descendants("report"), []);
    });

    it("stop at the given depth", () => {
      const graph = shopGraph();
      assert.deepEqual(graph.ancestors("report", 0), []);
      assert.deepEqual(graph.ancestors("report", 1), ["marts/orders"]);
      assert.deepEqual(graph.ancestors("report", 2), ["marts/orders", "stg_customers", "stg_orders"]);
      assert.deepEqual(graph.descendants("raw", 1), ["stg_customers", "stg_orders"]);
      assert.deepEqual(graph.descendants("raw", 2), ["audit", "marts/orders", "stg_customers", "stg_orders"]);
    });

    it("count depth by the shortest path", () => {
      const graph = AssetGraph.fromDefinitions(assetsFromEdges("a>b", "b>c", "a>c", "c>d"), []);
      assert.deepEqual(graph.descendants("a", 2), ["b", "c", "d"]);
    });

    it("exclude the key even when it sits in a cycle", () => {
      const graph = AssetGraph.fromDefinitions(assetsFromEdges("a>b", "b>a"), []);
      assert.deepEqual(graph.ancestors("a"), ["b"]);
      assert.deepEqual(graph.descendants("a"), ["b"]);
    });

    it("extend a set of keys, keeping the keys", () => {
      const graph = shopGraph();
      assert.deepEqual(graph.withAncestors(["stg_orders", "audit", "nope"], 1), ["audit", "raw", "stg_orders"]);
      assert.deepEqual(graph.withDescendants(["marts/orders"]), ["marts/orders", "report"]);
    });

    it("reject a depth that is not a whole number of levels", () => {
      assert.throws(() => shopGraph().ancestors("report", -1), RangeError);
      assert.throws(() => shopGraph().ancestors("report", 1.5), RangeError);
    });
  });

  describe("checks", () => {
    it("groups checks by their asset, sorted by name", () => {
      const graph = AssetGraph.fromDefinitions(
        [makeAsset({ key: "a" })],
        [
          makeCheck("z_not_null", "a"),
          makeCheck("a_unique", "a"),
          makeCheck("lost", undefined),
          makeCheck("on_missing", "m"),
        ],
      );
      assert.deepEqual(
        graph.checksOf("a").map((check) => check.name),
        ["a_unique", "z_not_null"],
      );
      assert.deepEqual(
        graph.checksOf("m").map((check) => check.name),
        ["on_missing"],
      );
      assert.equal(graph.has("m"), false, "a check does not create a node");
    });
  });

  describe("toposort", () => {
    it("takes the alphabetically smallest ready key first", () => {
      assert.deepEqual(shopGraph().toposort(), [
        "raw",
        "stg_customers",
        "stg_orders",
        "audit",
        "marts/orders",
        "report",
      ]);
    });

    it("gives the same order for any order of the input", () => {
      const assets = assetsFromEdges("r>s1", "r>s2", "s1>m", "s2>m", "m>x", "q>x", "lone", "z>y");
      const expected = AssetGraph.fromDefinitions(assets, []).toposort();
      for (let seed = 1; seed <= 20; seed++) {
        assert.deepEqual(AssetGraph.fromDefinitions(shuffled(assets, seed), []).toposort(), expected);
      }
    });

    it("orders a subset, respecting paths through keys left out", () => {
      const graph = AssetGraph.fromDefinitions(assetsFromEdges("z>y", "y>a"), []);
      assert.deepEqual(graph.toposort(["a", "z"]), ["z", "a"]);
      assert.deepEqual(graph.toposort(["a", "nope", "a"]), ["a"]);
    });

    it("appends keys in or after a cycle at the end, alphabetically", () => {
      const graph = AssetGraph.fromDefinitions(assetsFromEdges("c>b", "b>c", "b>a", "d>e"), []);
      assert.deepEqual(graph.toposort(), ["d", "e", "a", "b", "c"]);
      assert.deepEqual(graph.toposort(["e", "a"]), ["e", "a"]);
    });

    it("puts placeholders in order like any other key", () => {
      const graph = AssetGraph.fromDefinitions([makeAsset({ key: "a", deps: ["z_missing"] })], []);
      assert.deepEqual(graph.toposort(), ["z_missing", "a"]);
    });

    it("orders 15,000 assets with 30,000 edges so every edge goes forward", () => {
      const count = 15_000;
      const keys = Array.from({ length: count }, (_, i) => `layer${i % 7}/asset_${(i * 7919) % count}`);
      const assets = keys.map((key, i) => {
        const deps = i === 0 ? [] : [keys[(i * 31) % i], keys[(i * 17 + 3) % i]];
        return makeAsset({ key, deps });
      });
      const graph = AssetGraph.fromDefinitions(shuffled(assets, 7), []);
      assert.equal(graph.size, count);
      const order = graph.toposort();
      assert.equal(order.length, count);
      assert.equal(new Set(order).size, count);
      assertTopological(graph, order);
      assert.deepEqual(graph.cycles(), []);
    });
  });

  describe("subgraph", () => {
    it("keeps the given nodes, the edges among them and their checks", () => {
      const graph = AssetGraph.fromDefinitions(
        [
          makeAsset({ key: "a", deps: ["p"] }),
          makeAsset({ key: "b", deps: ["a"] }),
          makeAsset({ key: "c", deps: ["b"] }),
        ],
        [makeCheck("a_ok", "a"), makeCheck("b_ok", "b")],
      );
      const sub = graph.subgraph(["a", "c", "p", "nope"]);
      assert.deepEqual(sub.keys(), ["a", "c", "p"]);
      assert.deepEqual(sub.children("a"), []);
      assert.deepEqual(sub.parents("a"), ["p"]);
      assert.equal(sub.isPlaceholder("p"), true);
      assert.deepEqual(
        sub.checksOf("a").map((check) => check.name),
        ["a_ok"],
      );
      assert.deepEqual(sub.checksOf("b"), []);
      assert.equal(sub.definition("a"), graph.definition("a"));
    });
  });
});
