import assert from "node:assert/strict";
import {
  DEFAULT_LAYOUT_OPTIONS,
  type LayoutInput,
  type LineageLayout,
  type NodeBox,
  clipLabel,
  layoutLineage,
} from "../../webview/src/layout";

const node = (key: string, status = "fresh") => ({ key, lines: [key, status] });

/** The jaffle_shop graph, in the server's stable topological order. */
const jaffle: LayoutInput = {
  nodes: [
    "raw_customers",
    "raw_orders",
    "raw_payments",
    "stg_customers",
    "stg_orders",
    "stg_payments",
    "orders",
    "customers",
    "customer_segments",
    "monthly_revenue",
  ].map((key) => node(key)),
  edges: [
    { from: "raw_customers", to: "stg_customers" },
    { from: "raw_orders", to: "stg_orders" },
    { from: "raw_payments", to: "stg_payments" },
    { from: "stg_orders", to: "orders" },
    { from: "stg_payments", to: "orders" },
    { from: "stg_customers", to: "customers" },
    { from: "orders", to: "customers" },
    { from: "customers", to: "customer_segments" },
    { from: "orders", to: "monthly_revenue" },
  ],
};

function boxOf(layout: LineageLayout, key: string): NodeBox {
  const box = layout.nodes.find((candidate) => candidate.key === key);
  assert.ok(box, `no box for ${key}`);
  return box;
}

function overlap(a: NodeBox, b: NodeBox): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function assertNoOverlaps(layout: LineageLayout): void {
  for (let i = 0; i < layout.nodes.length; i++) {
    for (let j = i + 1; j < layout.nodes.length; j++) {
      assert.ok(
        !overlap(layout.nodes[i]!, layout.nodes[j]!),
        `${layout.nodes[i]!.key} overlaps ${layout.nodes[j]!.key}`,
      );
    }
  }
}

describe("layoutLineage", () => {
  it("places every node once, inside the drawing, in the input's order", async () => {
    const layout = await layoutLineage(jaffle);
    assert.deepEqual(
      layout.nodes.map((box) => box.key),
      jaffle.nodes.map((input) => input.key),
    );
    for (const box of layout.nodes) {
      assert.ok(
        box.x >= 0 && box.y >= 0 && box.x + box.width <= layout.width && box.y + box.height <= layout.height,
        `${box.key} outside`,
      );
      assert.ok(box.width >= DEFAULT_LAYOUT_OPTIONS.minNodeWidth);
    }
    assertNoOverlaps(layout);
  });

  it("draws upstream left of downstream, and routes every edge between the two borders", async () => {
    const layout = await layoutLineage(jaffle);
    assert.equal(layout.edges.length, jaffle.edges.length);
    for (const edge of layout.edges) {
      const from = boxOf(layout, edge.from);
      const to = boxOf(layout, edge.to);
      assert.ok(from.x + from.width <= to.x, `${edge.from} is not left of ${edge.to}`);
      assert.ok(edge.points.length >= 2, `${edge.from} → ${edge.to} has no route`);
      const first = edge.points[0]!;
      const last = edge.points[edge.points.length - 1]!;
      assert.equal(first.x, from.x + from.width, "starts on the upstream's right border");
      assert.equal(last.x, to.x, "ends on the downstream's left border");
    }
  });

  it("is stable: the same input gives the same output, and a status change moves nothing", async () => {
    const first = await layoutLineage(jaffle);
    const again = await layoutLineage(jaffle);
    assert.deepEqual(again, first);
    const changed = {
      ...jaffle,
      nodes: jaffle.nodes.map((input) => (input.key === "orders" ? node("orders", "failed") : input)),
    };
    const after = await layoutLineage(changed);
    assert.deepEqual(
      after.nodes.map(({ key, x, y }) => ({ key, x, y })),
      first.nodes.map(({ key, x, y }) => ({ key, x, y })),
    );
  });

  it("seeded with the picture on screen, keeps every node where it was when an edit adds or removes one", async () => {
    const first = await layoutLineage(jaffle);
    const seed = new Map(first.nodes.map((box) => [box.key, { x: box.x, y: box.y }]));
    /** Nodes that moved more than `tolerance` px either way. */
    const moved = (layout: LineageLayout, tolerance = 0) =>
      layout.nodes
        .filter(
          (box) =>
            seed.has(box.key) &&
            Math.max(Math.abs(box.x - seed.get(box.key)!.x), Math.abs(box.y - seed.get(box.key)!.y)) > tolerance,
        )
        .map((box) => box.key);
    for (const [added, upstream] of [
      ["orders_summary", "orders"],
      ["stg_refunds", "raw_payments"],
    ] as const) {
      const edited: LayoutInput = {
        nodes: [...jaffle.nodes, node(added)],
        edges: [...jaffle.edges, { from: upstream, to: added }],
      };
      const unseeded = await layoutLineage(edited);
      assert.ok(
        moved(unseeded).length > 0,
        `without a seed, adding ${added} moves nothing: the test would prove nothing`,
      );
      const seeded = await layoutLineage(edited, DEFAULT_LAYOUT_OPTIONS, seed);
      assert.deepEqual(moved(seeded), [], `adding ${added}`);
      assert.ok(boxOf(seeded, upstream).x < boxOf(seeded, added).x, `${added} is drawn downstream of ${upstream}`);
      assertNoOverlaps(seeded);
    }
    const removed = await layoutLineage(
      {
        nodes: jaffle.nodes.filter((input) => input.key !== "monthly_revenue"),
        edges: jaffle.edges.filter((edge) => edge.to !== "monthly_revenue"),
      },
      DEFAULT_LAYOUT_OPTIONS,
      seed,
    );
    // A layer loses its widest node: its others may shift by a few px, never by a node's place.
    assert.deepEqual(moved(removed, 16), [], "removing monthly_revenue");
  });

  it("sizes nodes to their text, and cuts very long keys", async () => {
    const long = "marts/" + "very_long_name_".repeat(10);
    const layout = await layoutLineage({ nodes: [node("a"), node(long)], edges: [] });
    const short = boxOf(layout, "a");
    const wide = boxOf(layout, long);
    assert.equal(short.width, DEFAULT_LAYOUT_OPTIONS.minNodeWidth);
    assert.ok(wide.width > short.width);
    const clipped = clipLabel(long, DEFAULT_LAYOUT_OPTIONS);
    assert.equal([...clipped].length, DEFAULT_LAYOUT_OPTIONS.maxLabelChars);
    assert.ok(clipped.endsWith("…"));
    assert.ok(
      wide.width <=
        Math.ceil(DEFAULT_LAYOUT_OPTIONS.maxLabelChars * DEFAULT_LAYOUT_OPTIONS.charWidth) +
          2 * DEFAULT_LAYOUT_OPTIONS.padding,
    );
  });

  it("lays out a dependency cycle (AL001) and a self-loop without crashing or overlapping", async () => {
    const cyclic: LayoutInput = {
      nodes: [node("a"), node("b"), node("c"), node("d"), node("self")],
      edges: [
        { from: "a", to: "b" },
        { from: "b", to: "c" },
        { from: "c", to: "a" },
        { from: "c", to: "d" },
        { from: "self", to: "self" },
      ],
    };
    const layout = await layoutLineage(cyclic);
    assert.equal(layout.nodes.length, 5);
    assert.equal(layout.edges.length, 5);
    for (const edge of layout.edges) assert.ok(edge.points.length >= 2, `${edge.from} → ${edge.to} has no route`);
    assertNoOverlaps(layout);
    // Edges outside the cycle still go left → right.
    assert.ok(boxOf(layout, "c").x < boxOf(layout, "d").x);
  });

  it("drops edges to unknown keys, repeated edges and repeated nodes instead of failing", async () => {
    const layout = await layoutLineage({
      nodes: [node("a"), node("b"), node("a")],
      edges: [
        { from: "a", to: "b" },
        { from: "a", to: "b" },
        { from: "a", to: "missing" },
      ],
    });
    assert.deepEqual(
      layout.nodes.map((box) => box.key),
      ["a", "b"],
    );
    assert.equal(layout.edges.length, 1);
  });

  it("handles the empty graph and keys that look like markup", async () => {
    const empty = await layoutLineage({ nodes: [], edges: [] });
    assert.deepEqual(empty.nodes, []);
    const hostile = "<img src=x onerror=alert(1)>";
    const layout = await layoutLineage({ nodes: [node(hostile), node("n0")], edges: [{ from: hostile, to: "n0" }] });
    assert.ok(
      boxOf(layout, hostile).x < boxOf(layout, "n0").x,
      "a key equal to an internal id must not confuse the layout",
    );
  });

  it("lays out a few hundred nodes in reasonable time", async () => {
    const nodes = Array.from({ length: 300 }, (_, i) => node(`asset_${String(i).padStart(3, "0")}`));
    const edges = nodes.slice(1).map((input, i) => ({ from: nodes[Math.floor(i / 3)]!.key, to: input.key }));
    const started = performance.now();
    const layout = await layoutLineage({ nodes, edges });
    assert.equal(layout.nodes.length, 300);
    assertNoOverlaps(layout);
    assert.ok(performance.now() - started < 20_000);
  });
});
