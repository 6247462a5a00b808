/**
 * Lineage layout as a pure function over elkjs: the same graph and options always give the
 * same positions, nothing here touches the DOM, and every ELK option lives in ELK_OPTIONS.
 * That keeps it unit-testable in plain Node and movable to a worker when graphs get large.
 */
import ELK from "elkjs/lib/elk.bundled.js";
import type { ElkExtendedEdge, ElkNode } from "elkjs/lib/elk-api";
import type { LineageEdge } from "../../protocol/lineage";
import { type FastSpacing, fastLayered } from "./fastLayered";

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

/** The fast layout's spacing, matching ELK_OPTIONS' so a graph looks alike either side of the limit. */
export const FAST_SPACING: FastSpacing = { padding: 24, nodeNode: 24, betweenLayers: 64, edgeEdge: 8 };

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

/** Where nodes were drawn last time, by key: the seed of a layout that should not move them. */
export type LayoutSeed = ReadonlyMap<string, Point>;

/** What the layout needs of a node: its key and the lines of text drawn inside it. */
export interface LayoutNodeInput {
  readonly key: string;
  readonly lines: readonly string[];
}

export interface LayoutInput {
  readonly nodes: readonly LayoutNodeInput[];
  readonly edges: readonly LineageEdge[];
}

export interface LayoutOptions {
  /** Average advance of one character of the node font, in px (measured once by the caller). */
  readonly charWidth: number;
  /** Height of one line of node text, in px. */
  readonly lineHeight: number;
  /** Space between a node's border and its text, in px. */
  readonly padding: number;
  readonly minNodeWidth: number;
  /** Labels longer than this many characters are cut (the full key is in the tooltip). */
  readonly maxLabelChars: number;
}

export const DEFAULT_LAYOUT_OPTIONS: LayoutOptions = {
  charWidth: 7.2,
  lineHeight: 16,
  padding: 10,
  minNodeWidth: 120,
  maxLabelChars: 48,
};

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface NodeBox {
  readonly key: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface EdgeRoute {
  readonly from: string;
  readonly to: string;
  /** From the upstream node's border to the downstream node's border, bends included. */
  readonly points: readonly Point[];
}

export interface LineageLayout {
  readonly width: number;
  readonly height: number;
  /** In the input's order. */
  readonly nodes: readonly NodeBox[];
  /** In the input's order; edges naming an unknown key and repeated edges are left out. */
  readonly edges: readonly EdgeRoute[];
}

/** Positions for every node and a route for every edge of the graph. */
export async function layoutLineage(
  graph: LayoutInput,
  options: LayoutOptions = DEFAULT_LAYOUT_OPTIONS,
  seed?: LayoutSeed,
): Promise<LineageLayout> {
  // ELK ids are positions, not keys: keys are user text and may repeat in a malformed graph.
  const idOf = new Map<string, string>();
  const children: ElkNode[] = [];
  for (const node of graph.nodes) {
    if (idOf.has(node.key)) continue;
    const id = `n${children.length}`;
    idOf.set(node.key, id);
    children.push({ id, ...nodeSize(node, options) });
  }
  const edges: ElkExtendedEdge[] = [];
  const routed: { from: string; to: string }[] = [];
  const seen = new Set<string>();
  for (const edge of graph.edges) {
    const source = idOf.get(edge.from);
    const target = idOf.get(edge.to);
    if (source === undefined || target === undefined || seen.has(`${source}>${target}`)) continue;
    seen.add(`${source}>${target}`);
    edges.push({ id: `e${edges.length}`, sources: [source], targets: [target] });
    routed.push({ from: edge.from, to: edge.to });
  }
  const seeded = seed !== undefined && [...idOf.keys()].some((key) => seed.has(key));
  if (children.length > LARGE_GRAPH_NODES)
    return largeLayout([...idOf.keys()], children, routed, seeded ? seed : undefined);
  if (seeded) seedPositions([...idOf.keys()], children, graph.edges, seed);
  const elk = new ELK();
  const layoutOptions = { ...ELK_OPTIONS, ...(seeded ? ELK_SEEDED_OPTIONS : {}) };
  const root: ElkNode = { id: "root", layoutOptions, children, edges };
  const result: ElkNode = await elk.layout(root);
  const byId = new Map((result.children ?? []).map((child) => [child.id, child]));
  const keys = [...idOf.keys()];
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

/** `fastLayered` over the same boxes; seeded nodes keep their vertical order within a layer. */
function largeLayout(
  keys: readonly string[],
  children: readonly ElkNode[],
  routed: readonly { from: string; to: string }[],
  seed: LayoutSeed | undefined,
): LineageLayout {
  const index = new Map(keys.map((key, i) => [key, i]));
  const boxes = children.map((child) => ({ width: child.width ?? 0, height: child.height ?? 0 }));
  const edges = routed.map((edge) => ({ source: index.get(edge.from)!, target: index.get(edge.to)! }));
  const seedOrder = seed ? keys.map((key) => seed.get(key)?.y) : undefined;
  const layout = fastLayered(boxes, edges, FAST_SPACING, seedOrder);
  const nodes = keys.map((key, i): NodeBox => ({ key, ...layout.positions[i]!, ...boxes[i]! }));
  const routes = routed.map((edge, i): EdgeRoute => ({ ...edge, points: layout.routes[i]! }));
  return { width: layout.width, height: layout.height, nodes, edges: routes };
}

/** The text a node shows, cut to the label limit with an ellipsis. */
export function clipLabel(text: string, options: LayoutOptions): string {
  const chars = [...text];
  return chars.length <= options.maxLabelChars ? text : `${chars.slice(0, options.maxLabelChars - 1).join("")}…`;
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

function nodeSize(node: LayoutNodeInput, options: LayoutOptions): { width: number; height: number } {
  const longest = Math.max(0, ...node.lines.map((line) => [...clipLabel(line, options)].length));
  const width = Math.max(options.minNodeWidth, Math.ceil(longest * options.charWidth + 2 * options.padding));
  const height = Math.ceil(Math.max(1, node.lines.length) * options.lineHeight + 2 * options.padding);
  return { width, height };
}

function sectionPoints(edge: ElkExtendedEdge | undefined): Point[] {
  const points: Point[] = [];
  for (const section of edge?.sections ?? []) {
    points.push(section.startPoint, ...(section.bendPoints ?? []), section.endPoint);
  }
  return points.map(({ x, y }) => ({ x, y }));
}
