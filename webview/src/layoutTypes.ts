/**
 * What every lineage layout takes and gives, and how big a node is: shared by the ELK layout
 * (worker only, it carries the 3.5 MB elkjs) and the fast layout (also on the UI thread), so
 * the panel's own script never has to load ELK to know a node's size.
 */
import type { LineageEdge } from "../../protocol/lineage";

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

/** The graph as layouts see it: each key once, with its box size; each edge between known keys once. */
export interface PreparedGraph {
  readonly keys: readonly string[];
  readonly sizes: readonly { readonly width: number; readonly height: number }[];
  /** Node indices into `keys`. */
  readonly edges: readonly { readonly source: number; readonly target: number }[];
  readonly routed: readonly { readonly from: string; readonly to: string }[];
}

/** Keys are user text and may repeat in a malformed graph: the first one counts, repeats are left out. */
export function prepareGraph(graph: LayoutInput, options: LayoutOptions): PreparedGraph {
  const index = new Map<string, number>();
  const keys: string[] = [];
  const sizes: { width: number; height: number }[] = [];
  for (const node of graph.nodes) {
    if (index.has(node.key)) continue;
    index.set(node.key, keys.length);
    keys.push(node.key);
    sizes.push(nodeSize(node, options));
  }
  const edges: { source: number; target: number }[] = [];
  const routed: { from: string; to: string }[] = [];
  const seen = new Set<string>();
  for (const edge of graph.edges) {
    const source = index.get(edge.from);
    const target = index.get(edge.to);
    if (source === undefined || target === undefined || seen.has(`${source}>${target}`)) continue;
    seen.add(`${source}>${target}`);
    edges.push({ source, target });
    routed.push({ from: edge.from, to: edge.to });
  }
  return { keys, sizes, edges, routed };
}

/** The text a node shows, cut to the label limit with an ellipsis. */
export function clipLabel(text: string, options: LayoutOptions): string {
  const chars = [...text];
  return chars.length <= options.maxLabelChars ? text : `${chars.slice(0, options.maxLabelChars - 1).join("")}…`;
}

function nodeSize(node: LayoutNodeInput, options: LayoutOptions): { width: number; height: number } {
  const longest = Math.max(0, ...node.lines.map((line) => [...clipLabel(line, options)].length));
  const width = Math.max(options.minNodeWidth, Math.ceil(longest * options.charWidth + 2 * options.padding));
  const height = Math.ceil(Math.max(1, node.lines.length) * options.lineHeight + 2 * options.padding);
  return { width, height };
}
