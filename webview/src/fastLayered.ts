/**
 * A layered (Sugiyama) layout for large graphs, left → right, in linear-ish time: ELK's layered
 * algorithm takes seconds to minutes on thousands of nodes with long edges (bench/layout), so
 * above a size the panel uses this instead. Pure and deterministic: the same input gives the
 * same output, with the input's order (the server's stable topological order) deciding ties.
 *
 * Steps: edges against the input order are reversed (a DAG by construction, so cycles cost
 * nothing); longest-path layering, sources pulled next to their first consumer; long edges
 * split into dummy nodes; sweeps by barycentres and by medians, each followed by adjacent
 * exchanges (transpose), keeping the order with the fewest crossings;
 * y positions pulled toward neighbours under the order and spacing constraints (isotonic
 * regression per layer); edges drawn as polylines through their dummies.
 */
import { orderLayers } from "./fastLayerOrder";
import type { Point } from "./layoutTypes";

export interface FastBox {
  readonly width: number;
  readonly height: number;
}

export interface FastEdge {
  readonly source: number;
  readonly target: number;
}

export interface FastSpacing {
  readonly padding: number;
  readonly nodeNode: number;
  readonly betweenLayers: number;
  /** Vertical room for an edge passing through a layer. */
  readonly edgeEdge: number;
}

export interface FastLayout {
  readonly width: number;
  readonly height: number;
  /** Top-left corners, by node index. */
  readonly positions: readonly Point[];
  /** By edge index. */
  readonly routes: readonly (readonly Point[])[];
}

/** Passes pulling y toward neighbours; each alternates direction. */
const PLACEMENT_PASSES = 4;

/**
 * Lays out `boxes` (by index) and `edges`. `seedOrder`, when given, is a node's vertical
 * position from an earlier picture: nodes keep that order in their layer where it has one.
 */
export function fastLayered(
  boxes: readonly FastBox[],
  edges: readonly FastEdge[],
  spacing: FastSpacing,
  seedOrder?: readonly (number | undefined)[],
): FastLayout {
  const real = boxes.length;
  const layerOf = layering(real, edges);
  // Every node (real, then dummies): its layer, height, and neighbours in the layers either side.
  const layer = [...layerOf];
  const height = boxes.map((box) => box.height);
  const up: number[][] = boxes.map(() => []);
  const down: number[][] = boxes.map(() => []);
  const chains: number[][] = [];
  for (const edge of edges) {
    const forward = edge.source <= edge.target;
    const [from, to] = forward ? [edge.source, edge.target] : [edge.target, edge.source];
    const chain = [from];
    for (let l = layer[from]! + 1; l < layer[to]!; l++) {
      const dummy = layer.length;
      layer.push(l);
      height.push(0);
      up.push([]);
      down.push([]);
      chain.push(dummy);
    }
    chain.push(to);
    for (let i = 0; i + 1 < chain.length; i++) {
      if (chain[i] === chain[i + 1]) continue;
      down[chain[i]!]!.push(chain[i + 1]!);
      up[chain[i + 1]!]!.push(chain[i]!);
    }
    chains.push(forward ? chain : chain.reverse());
  }
  const layers = orderLayers(layer, up, down, seedOrder);
  const x = columns(layers, boxes, spacing);
  const y = placement(layers, height, up, down, spacing, real);
  const positions: Point[] = boxes.map((box, node) => ({ x: x[layer[node]!]!, y: y[node]! - box.height / 2 }));
  const widest = layers.map((nodes) =>
    nodes.reduce((most, n) => (n < real ? Math.max(most, boxes[n]!.width) : most), 0),
  );
  const routes = chains.map((chain, index) => route(chain, edges[index]!, positions, boxes, x, widest, y, real, layer));
  // Loops, not Math.max(...): a spread of every dummy overflows the call stack on large graphs.
  let bottom = 0;
  boxes.forEach((box, node) => (bottom = Math.max(bottom, positions[node]!.y + box.height)));
  for (const centre of y) bottom = Math.max(bottom, centre);
  const right = layers.length === 0 ? 0 : x[layers.length - 1]! + widest[layers.length - 1]!;
  return { width: right + spacing.padding, height: bottom + spacing.padding, positions, routes };
}

/** Longest-path layers over the edges turned to follow the input order; sources sit just before their first consumer. */
function layering(count: number, edges: readonly FastEdge[]): number[] {
  const layer = new Array<number>(count).fill(0);
  const parents: number[][] = Array.from({ length: count }, () => []);
  const children: number[][] = Array.from({ length: count }, () => []);
  for (const { source, target } of edges) {
    if (source === target) continue;
    const [from, to] = source < target ? [source, target] : [target, source];
    parents[to]!.push(from);
    children[from]!.push(to);
  }
  for (let node = 0; node < count; node++)
    for (const parent of parents[node]!) layer[node] = Math.max(layer[node]!, layer[parent]! + 1);
  for (let node = count - 1; node >= 0; node--) {
    if (parents[node]!.length > 0 || children[node]!.length === 0) continue;
    layer[node] = Math.min(...children[node]!.map((child) => layer[child]!)) - 1;
  }
  return layer;
}

/** The x of each layer: the widest node of the layers before it, and the gaps between. */
function columns(layers: readonly (readonly number[])[], boxes: readonly FastBox[], spacing: FastSpacing): number[] {
  const x: number[] = [];
  let left = spacing.padding;
  for (const nodes of layers) {
    x.push(left);
    const widest = nodes.reduce((most, n) => (n < boxes.length ? Math.max(most, boxes[n]!.width) : most), 0);
    left += widest + spacing.betweenLayers;
  }
  return x;
}

/**
 * Vertical centres: stacked in order, then pulled toward the mean of their neighbours' centres,
 * each layer as an isotonic regression (pool adjacent violators) so the order and the gaps hold
 * while the total squared pull is least.
 */
function placement(
  layers: readonly (readonly number[])[],
  height: readonly number[],
  up: readonly (readonly number[])[],
  down: readonly (readonly number[])[],
  spacing: FastSpacing,
  real: number,
): Float64Array {
  const y = new Float64Array(height.length);
  const gap = (a: number, b: number) =>
    (height[a]! + height[b]!) / 2 + (a < real && b < real ? spacing.nodeNode : spacing.edgeEdge);
  for (const nodes of layers) {
    let at = spacing.padding + (nodes.length > 0 ? height[nodes[0]!]! / 2 : 0);
    nodes.forEach((node, i) => {
      if (i > 0) at += gap(nodes[i - 1]!, node);
      y[node] = at;
    });
  }
  for (let pass = 0; pass < PLACEMENT_PASSES; pass++) {
    const downward = pass % 2 === 0;
    for (let step = 0; step < layers.length; step++) {
      const nodes = layers[downward ? step : layers.length - 1 - step]!;
      // Toward the layer just placed; a node with no neighbour there follows its other side.
      const wanted = nodes.map((node) => {
        const near = downward ? up[node]! : down[node]!;
        const around = near.length > 0 ? near : downward ? down[node]! : up[node]!;
        return around.length === 0 ? y[node]! : around.reduce((sum, n) => sum + y[n]!, 0) / around.length;
      });
      const placed = isotonic(
        wanted,
        nodes.map((node, i) => (i === 0 ? 0 : gap(nodes[i - 1]!, node))),
        nodes.map((node) => (node < real ? 1 : 0.5)),
      );
      nodes.forEach((node, i) => (y[node] = placed[i]!));
    }
  }
  let top = Infinity;
  for (let node = 0; node < y.length; node++) top = Math.min(top, y[node]! - height[node]! / 2);
  // Whole pixels: the picture looks the same, and the saved state (and the SVG) is half the size.
  if (Number.isFinite(top))
    for (let node = 0; node < y.length; node++) y[node] = Math.round(y[node]! - top + spacing.padding);
  return y;
}

/**
 * Positions closest (weighted least squares) to `wanted` with position[i] ≥ position[i-1] + gaps[i]:
 * shifted by the cumulative gaps, that is an isotonic regression, solved by pooling adjacent violators.
 */
function isotonic(wanted: readonly number[], gaps: readonly number[], weights: readonly number[]): number[] {
  const offset: number[] = [];
  let sum = 0;
  for (const g of gaps) offset.push((sum += g));
  const blocks: { value: number; weight: number; count: number }[] = [];
  wanted.forEach((value, i) => {
    blocks.push({ value: value - offset[i]!, weight: weights[i]!, count: 1 });
    while (blocks.length > 1 && blocks[blocks.length - 2]!.value > blocks[blocks.length - 1]!.value) {
      const last = blocks.pop()!;
      const prev = blocks[blocks.length - 1]!;
      const weight = prev.weight + last.weight;
      prev.value = (prev.value * prev.weight + last.value * last.weight) / weight;
      prev.weight = weight;
      prev.count += last.count;
    }
  });
  const out: number[] = [];
  for (const block of blocks) for (let k = 0; k < block.count; k++) out.push(block.value + offset[out.length]!);
  return out;
}

/** From the upstream node's right border, through the edge's dummies, to the downstream node's left border. */
function route(
  chain: readonly number[],
  edge: FastEdge,
  positions: readonly Point[],
  boxes: readonly FastBox[],
  x: readonly number[],
  widest: readonly number[],
  y: Float64Array,
  real: number,
  layer: readonly number[],
): Point[] {
  const from = positions[edge.source]!;
  const to = positions[edge.target]!;
  const source = boxes[edge.source]!;
  const target = boxes[edge.target]!;
  if (edge.source === edge.target) {
    const top = from.y - 12;
    return [
      { x: from.x + source.width, y: from.y + source.height / 2 },
      { x: from.x + source.width + 16, y: top },
      { x: from.x - 16, y: top },
      { x: from.x, y: from.y + source.height / 2 },
    ];
  }
  // A dummy crosses its whole column level, so the line never runs over that column's nodes.
  const middle = chain
    .slice(1, -1)
    .filter((node) => node >= real)
    .flatMap((node) => [
      { x: x[layer[node]!]!, y: y[node]! },
      { x: x[layer[node]!]! + widest[layer[node]!]!, y: y[node]! },
    ]);
  return [
    { x: from.x + source.width, y: from.y + source.height / 2 },
    ...middle,
    { x: to.x, y: to.y + target.height / 2 },
  ];
}
