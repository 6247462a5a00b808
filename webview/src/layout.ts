/**
 * Lineage layout as a pure function over elkjs: the same graph and options always give the
 * same positions, nothing here touches the DOM, and every ELK option lives in ELK_OPTIONS.
 * That keeps it unit-testable in plain Node and movable to a worker when graphs get large.
 */
import ELK from "elkjs/lib/elk.bundled.js";
import type { ElkExtendedEdge, ElkNode } from "elkjs/lib/elk-api";
import type { LineageEdge } from "../../protocol/lineage";
import { fastLineageLayout } from "./fastLayout";
import {
  DEFAULT_LAYOUT_OPTIONS,
  type EdgeRoute,
  type LayoutInput,
  type LayoutOptions,
  type LayoutSeed,
  type LineageLayout,
  type NodeBox,
  type Point,
  prepareGraph,
} from "./layoutTypes";

export * from "./layoutTypes";
export { FAST_SPACING } from "./fastLayout";

/**
 * The ELK layered algorithm, left → right (upstream on the left). `considerModelOrder` makes
 * ELK keep the input's order where it has a free choice: the server sends nodes in a stable
 * topological order, so the picture does not reshuffle when one node's status changes.
 */
export const ELK_OPTIONS: Readonly<Record<string, string>> = {
  "elk.algorithm": "layered",
  "elk.direction": "RIGHT",
  "elk.edgeRouting": "ORTHOGONAL",
  "elk.randomSeed": "1",
  "elk.padding": "[top=24,left=24,bottom=24,right=24]",
  "elk.spacing.nodeNode": "24",
  "elk.spacing.edgeNode": "16",
  "elk.layered.spacing.nodeNodeBetweenLayers": "64",
  "elk.layered.spacing.edgeNodeBetweenLayers": "24",
  "elk.layered.cycleBreaking.strategy": "GREEDY_MODEL_ORDER",
  "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
  "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
};

/**
 * Graphs with more nodes than this are laid out by `fastLayered` rather than ELK: ELK's layered
 * algorithm, even with one crossing-minimisation pass and simple placement, took seconds at
 * 500 nodes and did not finish 2,000 within 150 s (bench/layout); the fast layout's crossings
 * are measured against ELK's defaults there too.
 */
export const LARGE_GRAPH_NODES = 300;

/**
 * Added when the caller seeds positions from the picture already on screen: layers and the
 * order within them then follow the seeded coordinates, so an edit that adds or removes a
 * node leaves the others where the user saw them, as far as the layered algorithm allows.
 */
export const ELK_SEEDED_OPTIONS: Readonly<Record<string, string>> = {
  "elk.layered.layering.strategy": "INTERACTIVE",
  "elk.layered.crossingMinimization.strategy": "INTERACTIVE",
  "elk.layered.cycleBreaking.strategy": "INTERACTIVE",
  "elk.layered.nodePlacement.strategy": "INTERACTIVE",
};

/** Positions for every node and a route for every edge of the graph. */
export async function layoutLineage(
  graph: LayoutInput,
  options: LayoutOptions = DEFAULT_LAYOUT_OPTIONS,
  seed?: LayoutSeed,
): Promise<LineageLayout> {
  const prepared = prepareGraph(graph, options);
  const keys = prepared.keys;
  const seeded = seed !== undefined && keys.some((key) => seed.has(key));
  if (keys.length > LARGE_GRAPH_NODES) return fastLineageLayout(graph, options, seeded ? seed : undefined);
  // ELK ids are positions, not keys: keys are user text.
  const children: ElkNode[] = prepared.sizes.map((size, i) => ({ id: `n${i}`, ...size }));
  const edges: ElkExtendedEdge[] = prepared.edges.map((edge, i) => ({
    id: `e${i}`,
    sources: [`n${edge.source}`],
    targets: [`n${edge.target}`],
  }));
  const routed = prepared.routed;
  if (seeded) seedPositions(keys, children, graph.edges, seed);
  const elk = new ELK();
  const layoutOptions = { ...ELK_OPTIONS, ...(seeded ? ELK_SEEDED_OPTIONS : {}) };
  const root: ElkNode = { id: "root", layoutOptions, children, edges };
  const result: ElkNode = await elk.layout(root);
  const byId = new Map((result.children ?? []).map((child) => [child.id, child]));
  const nodes = keys.map((key, index): NodeBox => {
    const placed = byId.get(`n${index}`);
    return {
      key,
      x: placed?.x ?? 0,
      y: placed?.y ?? 0,
      width: placed?.width ?? options.minNodeWidth,
      height: placed?.height ?? 0,
    };
  });
  const edgeById = new Map((result.edges ?? []).map((edge) => [edge.id, edge as ElkExtendedEdge]));
  const routes = routed.map((edge, index): EdgeRoute => ({
    ...edge,
    points: sectionPoints(edgeById.get(`e${index}`)),
  }));
  return { width: result.width ?? 0, height: result.height ?? 0, nodes, edges: routes };
}

/**
 * Seeded nodes keep their old coordinates. A new node goes just right of its rightmost seeded
 * upstream (or left of its leftmost downstream), so interactive layering puts it beside them,
 * and below everything, so it takes no seeded node's place in the order of its layer.
 */
function seedPositions(
  keys: readonly string[],
  children: ElkNode[],
  edges: readonly LineageEdge[],
  seed: LayoutSeed,
): void {
  const below = Math.max(0, ...[...seed.values()].map((point) => point.y)) + 1_000;
  const upstreamOf = new Map<string, Point[]>();
  const downstreamOf = new Map<string, Point[]>();
  for (const edge of edges) {
    const from = seed.get(edge.from);
    const to = seed.get(edge.to);
    if (from) upstreamOf.set(edge.to, [...(upstreamOf.get(edge.to) ?? []), from]);
    if (to) downstreamOf.set(edge.from, [...(downstreamOf.get(edge.from) ?? []), to]);
  }
  keys.forEach((key, index) => {
    const child = children[index]!;
    const known = seed.get(key);
    const parents = upstreamOf.get(key) ?? [];
    const kids = downstreamOf.get(key) ?? [];
    child.x =
      known?.x ??
      (parents.length > 0
        ? Math.max(...parents.map((p) => p.x)) + 1
        : kids.length > 0
          ? Math.min(...kids.map((p) => p.x)) - 1
          : 0);
    child.y = known?.y ?? below;
  });
}

function sectionPoints(edge: ElkExtendedEdge | undefined): Point[] {
  const points: Point[] = [];
  for (const section of edge?.sections ?? []) {
    points.push(section.startPoint, ...(section.bendPoints ?? []), section.endPoint);
  }
  return points.map(({ x, y }) => ({ x, y }));
}
