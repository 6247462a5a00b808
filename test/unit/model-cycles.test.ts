import assert from "node:assert/strict";
import { AssetGraph } from "../../server/src/model/graph";
import { assetsFromEdges, makeAsset } from "./support/defs";

/** The graph of "parent>child" edges. */
function graphOf(...edges: string[]): AssetGraph {
  return AssetGraph.fromDefinitions(assetsFromEdges(...edges), []);
}

describe("model: AssetGraph cycles", () => {
  it("finds none in a DAG", () => {
    assert.deepEqual(graphOf("a>b", "b>c", "a>c").cycles(), []);
    assert.deepEqual(graphOf("a>b").cyclicComponents(), []);
  });

  it("reports a 2-cycle as a closed path", () => {
    assert.deepEqual(graphOf("a>b", "b>a").cycles(), [["a", "b", "a"]]);
  });

  it("reports a 3-cycle along the edges, starting at the smallest key", () => {
    // c → a → b → c, written starting anywhere.
    assert.deepEqual(graphOf("b>c", "c>a", "a>b").cycles(), [["a", "b", "c", "a"]]);
    // Reversed direction: a → c → b → a.
    assert.deepEqual(graphOf("a>c", "c>b", "b>a").cycles(), [["a", "c", "b", "a"]]);
  });

  it("reports a self-loop", () => {
    const graph = AssetGraph.fromDefinitions([makeAsset({ key: "a", deps: ["a"] })], []);
    assert.deepEqual(graph.cycles(), [["a", "a"]]);
    assert.deepEqual(graph.parents("a"), ["a"]);
    assert.deepEqual(graph.toposort(), ["a"]);
  });

  it("reports two separate cycles, sorted by their start", () => {
    const graph = graphOf("y>x", "x>y", "b>c", "c>b", "c>x");
    assert.deepEqual(graph.cycles(), [
      ["b", "c", "b"],
      ["x", "y", "x"],
    ]);
  });

  it("reports a cycle with a tail without the tail", () => {
    const graph = graphOf("t1>t2", "t2>a", "a>b", "b>c", "c>a", "c>d", "d>e");
    assert.deepEqual(graph.cycles(), [["a", "b", "c", "a"]]);
    assert.deepEqual(graph.toposort(), ["t1", "t2", "a", "b", "c", "d", "e"]);
  });

  it("shows the shortest loop through the smallest member and lists every member", () => {
    // a → b → c → a and a → d → a share a: one component of four.
    const graph = graphOf("a>b", "b>c", "c>a", "a>d", "d>a");
    assert.deepEqual(graph.cycles(), [["a", "d", "a"]]);
    assert.deepEqual(graph.cyclicComponents(), [["a", "b", "c", "d"]]);
  });

  it("follows a 15,000-node ring without recursion limits", () => {
    const count = 15_000;
    const key = (i: number) => `n${String(i).padStart(5, "0")}`;
    const assets = Array.from({ length: count }, (_, i) =>
      makeAsset({ key: key(i), deps: [key((i + count - 1) % count)] }),
    );
    const cycles = AssetGraph.fromDefinitions(assets, []).cycles();
    assert.equal(cycles.length, 1);
    assert.equal(cycles[0].length, count + 1);
    assert.equal(cycles[0][0], key(0));
    assert.equal(cycles[0][1], key(1));
    assert.equal(cycles[0][count], key(0));
  });

  it("handles a 15,000-node chain without recursion limits", () => {
    const count = 15_000;
    const assets = Array.from({ length: count }, (_, i) =>
      makeAsset({ key: `k${i}`, deps: i === 0 ? [] : [`k${i - 1}`] }),
    );
    const graph = AssetGraph.fromDefinitions(assets, []);
    assert.deepEqual(graph.cycles(), []);
    assert.equal(graph.ancestors(`k${count - 1}`).length, count - 1);
  });
});
