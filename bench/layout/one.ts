/**
 * One measurement in a fresh process: lay out a generated graph with one engine twice, cold
 * (as a panel's first layout, JIT and all) then warm, and print {coldMs, warmMs, crossings} as
 * one JSON line.
 *   npx tsx bench/layout/one.ts ENGINE NODES [--focus]
 * ENGINE: ours (the panel's layoutLineage), elk-defaults (elkjs layered with its defaults,
 * left to right), dagre (@dagrejs/dagre, left to right). --focus: only the depth-2
 * neighbourhood of the graph's hub, what the panel lays out when it opens.
 */
import ELK from "elkjs/lib/elk.bundled.js";
import type { ElkNode } from "elkjs/lib/elk-api";
import { DEFAULT_LAYOUT_OPTIONS, layoutLineage } from "../../webview/src/layout";
import { countCrossings, type Polyline } from "./crossings";
import { generatorGraph, hub, neighbourhood } from "./graphs";

const [engine, sizeText] = process.argv.slice(2);
const focus = process.argv.includes("--focus");
const size = Number(sizeText);
const whole = generatorGraph(size);
const graph = focus ? neighbourhood(whole, hub(whole), 2) : whole;
// The sizes ours gives nodes, for every engine: the same boxes, only the placement differs.
const width = (key: string) =>
  Math.max(
    DEFAULT_LAYOUT_OPTIONS.minNodeWidth,
    Math.ceil(Math.min(48, Math.max(key.length, 18)) * DEFAULT_LAYOUT_OPTIONS.charWidth + 20),
  );
const height = 52;

/** What the benchmark uses of @dagrejs/dagre (an ES module package; this script runs as CommonJS). */
interface Dagre {
  graphlib: { Graph: new () => DagreGraph };
  layout(graph: DagreGraph): void;
}
interface DagreGraph {
  setGraph(options: Record<string, unknown>): void;
  setDefaultEdgeLabel(label: () => object): void;
  setNode(key: string, box: { width: number; height: number }): void;
  setEdge(from: string, to: string): void;
  edges(): { v: string; w: string }[];
  edge(edge: { v: string; w: string }): { points: { x: number; y: number }[] };
}
// dagre, the layout library Dagster's UI used: a devDependency of the benchmark only, loaded before timing.
const dagre: Dagre | undefined = engine === "dagre" ? (require("@dagrejs/dagre") as Dagre) : undefined;

async function run(): Promise<{ ms: number; routes: Polyline[] }> {
  const started = performance.now();
  if (engine === "ours") {
    const layout = await layoutLineage(graph);
    return { ms: performance.now() - started, routes: layout.edges.map((edge) => edge.points) };
  }
  if (engine === "elk-defaults") {
    const ids = new Map(graph.nodes.map((node, i) => [node.key, `n${i}`]));
    const root: ElkNode = {
      id: "root",
      layoutOptions: { "elk.algorithm": "layered", "elk.direction": "RIGHT" },
      children: graph.nodes.map((node, i) => ({ id: `n${i}`, width: width(node.key), height })),
      edges: graph.edges.map((edge, i) => ({
        id: `e${i}`,
        sources: [ids.get(edge.from)!],
        targets: [ids.get(edge.to)!],
      })),
    };
    const result = await new ELK().layout(root);
    const routes = (result.edges ?? []).map((edge) =>
      (edge.sections ?? []).flatMap((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]),
    );
    return { ms: performance.now() - started, routes };
  }
  if (dagre) {
    const g = new dagre.graphlib.Graph();
    g.setGraph({ rankdir: "LR", nodesep: 24, ranksep: 64, marginx: 24, marginy: 24 });
    g.setDefaultEdgeLabel(() => ({}));
    for (const node of graph.nodes) g.setNode(node.key, { width: width(node.key), height });
    for (const edge of graph.edges) g.setEdge(edge.from, edge.to);
    dagre.layout(g);
    const routes = g.edges().map((e) => g.edge(e).points);
    return { ms: performance.now() - started, routes };
  }
  throw new Error(`unknown engine ${engine}: ours, elk-defaults or dagre`);
}

void (async () => {
  const cold = await run();
  const warm = await run();
  const line = {
    engine,
    size,
    focus,
    nodes: graph.nodes.length,
    edges: graph.edges.length,
    coldMs: Math.round(cold.ms),
    warmMs: Math.round(warm.ms),
    crossings: countCrossings(warm.routes),
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
})();
