/**
 * The fast layered layout over lineage input: the panel's layout above ELK's size limit, and
 * the first picture of a small graph, drawn on the UI thread at once while ELK (in the worker)
 * refines it. No ELK here, so the panel's script stays small.
 */
import { type FastSpacing, fastLayered } from "./fastLayered";
import {
  DEFAULT_LAYOUT_OPTIONS,
  type LayoutInput,
  type LayoutOptions,
  type LayoutSeed,
  type LineageLayout,
  type NodeBox,
  type EdgeRoute,
  prepareGraph,
} from "./layoutTypes";

/** The fast layout's spacing, matching ELK_OPTIONS' so a graph looks alike either side of the limit. */
export const FAST_SPACING: FastSpacing = { padding: 24, nodeNode: 24, betweenLayers: 64, edgeEdge: 8 };

/** `fastLayered` over the graph's node boxes; seeded nodes keep their vertical order within a layer. */
export function fastLineageLayout(
  graph: LayoutInput,
  options: LayoutOptions = DEFAULT_LAYOUT_OPTIONS,
  seed?: LayoutSeed,
): LineageLayout {
  const { keys, sizes, edges, routed } = prepareGraph(graph, options);
  const seeded = seed !== undefined && keys.some((key) => seed.has(key));
  const seedOrder = seeded ? keys.map((key) => seed.get(key)?.y) : undefined;
  const layout = fastLayered(sizes, edges, FAST_SPACING, seedOrder);
  const nodes = keys.map((key, i): NodeBox => ({ key, ...layout.positions[i]!, ...sizes[i]! }));
  const routes = routed.map((edge, i): EdgeRoute => ({ ...edge, points: layout.routes[i]! }));
  return { width: layout.width, height: layout.height, nodes, edges: routes };
}
