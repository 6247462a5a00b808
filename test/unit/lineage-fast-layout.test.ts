import assert from "node:assert/strict";
import { fastLayered } from "../../webview/src/fastLayered";
import {
  FAST_SPACING,
  LARGE_GRAPH_NODES,
  type LayoutInput,
  type LineageLayout,
  type NodeBox,
  layoutLineage,
} from "../../webview/src/layout";

/** A layered project of `count` assets in topological order: each reads one to three recent ones. */
function project(count: number): LayoutInput {
  let state = 7;
  const random = (n: number) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 16) % n;
  };
  const nodes = Array.from({ length: count }, (_, i) => ({ key: `asset_${i}`, lines: [`asset_${i}`, "fresh"] }));
  const edges: { from: string; to: string }[] = [];
  for (let i = 5; i < count; i++) {
    const deps = new Set<number>();
    const wanted = 1 + random(3);
    while (deps.size < wanted) deps.add(Math.max(0, i - 1 - random(Math.min(i, 60))));
    for (const dep of deps) edges.push({ from: `asset_${dep}`, to: `asset_${i}` });
  }
  // A cycle (AL001) and a self-loop: drawn, never a crash.
  edges.push({ from: `asset_${count - 1}`, to: `asset_${count - 40}` }, { from: "asset_3", to: "asset_3" });
  return { nodes, edges };
}

function assertNoOverlaps(nodes: readonly NodeBox[]): void {
  const sorted = [...nodes].sort((a, b) => a.x - b.x || a.y - b.y);
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length && sorted[j]!.x < sorted[i]!.x + sorted[i]!.width; j++) {
      const [a, b] = [sorted[i]!, sorted[j]!];
      assert.ok(!(a.y < b.y + b.height && b.y < a.y + a.height), `${a.key} overlaps ${b.key}`);
    }
  }
}

describe("the fast layered layout of large graphs", () => {
  const graph = project(LARGE_GRAPH_NODES * 2);
  let layout: LineageLayout;
  before(async () => {
    layout = await layoutLineage(graph);
  });

  it("places every node once, without overlaps, inside the drawing", () => {
    assert.deepEqual(
      layout.nodes.map((box) => box.key),
      graph.nodes.map((node) => node.key),
    );
    assertNoOverlaps(layout.nodes);
    for (const box of layout.nodes) {
      assert.ok(box.x >= 0 && box.y >= 0, `${box.key} at ${box.x},${box.y}`);
      assert.ok(box.x + box.width <= layout.width && box.y + box.height <= layout.height, `${box.key} outside`);
    }
  });

  it("draws every edge upstream → downstream, from the upstream's right border to the downstream's left", () => {
    const byKey = new Map(layout.nodes.map((box) => [box.key, box]));
    assert.equal(layout.edges.length, graph.edges.length);
    for (const edge of layout.edges) {
      const from = byKey.get(edge.from)!;
      const to = byKey.get(edge.to)!;
      const first = edge.points[0]!;
      const last = edge.points[edge.points.length - 1]!;
      assert.deepEqual(first, { x: from.x + from.width, y: from.y + from.height / 2 }, `${edge.from} → ${edge.to}`);
      assert.equal(last.x, to.x);
      const backward = Number(edge.from.slice(6)) >= Number(edge.to.slice(6));
      if (!backward) assert.ok(from.x + from.width < to.x, `${edge.from} is left of ${edge.to}`);
      // Between its ends an edge runs level through each column it crosses, never over a node there.
      for (let i = 1; i + 1 < edge.points.length; i += 2) {
        const [enter, leave] = [edge.points[i]!, edge.points[i + 1]!];
        assert.equal(enter.y, leave.y);
        for (const box of layout.nodes)
          if (box.x === enter.x) assert.ok(!(enter.y > box.y && enter.y < box.y + box.height), `through ${box.key}`);
      }
    }
  });

  it("gives the same picture for the same graph", async () => {
    assert.deepEqual(await layoutLineage(graph), layout);
  });

  it("orders a layer to avoid crossings the input order would make", () => {
    // a and b feed d and c respectively; in the input's order (c before d) the two edges cross.
    const boxes = Array.from({ length: 4 }, () => ({ width: 100, height: 40 }));
    const result = fastLayered(
      boxes,
      [
        { source: 0, target: 3 },
        { source: 1, target: 2 },
      ],
      FAST_SPACING,
    );
    const [a, b, c, d] = result.positions;
    assert.equal(a!.y < b!.y, d!.y < c!.y, "the edges a → d and b → c do not cross");
  });

  it("keeps a seeded vertical order within a layer", () => {
    const boxes = Array.from({ length: 4 }, () => ({ width: 100, height: 40 }));
    const unseeded = fastLayered(boxes, [], FAST_SPACING).positions;
    assert.ok(unseeded[0]!.y < unseeded[3]!.y, "without a seed, the input's order");
    const seeded = fastLayered(boxes, [], FAST_SPACING, [300, 200, 100, 0]).positions;
    assert.deepEqual(
      [0, 1, 2, 3].sort((i, j) => seeded[i]!.y - seeded[j]!.y),
      [3, 2, 1, 0],
    );
  });
});
