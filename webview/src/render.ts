/**
 * Draws a laid-out lineage graph as SVG with DOM APIs only: every piece of graph data reaches
 * the page through `textContent` or a numeric attribute, never through markup, so a key such
 * as `<img src=x onerror=…>` is shown as the text it is.
 */
import type { LineageGraph, LineageNode } from "../../protocol/lineage";
import { type LayoutInput, type LayoutOptions, type LineageLayout, type Point, clipLabel } from "./layout";

const SVG = "http://www.w3.org/2000/svg";

/** The word under a node's key: the CLI's state names, so the panel and `assetline status` agree. */
export function statusWord(node: LineageNode): string {
  if (node.kind === "placeholder") return "not defined";
  const state = node.status?.state ?? "unknown";
  return node.kind === "source" ? `source · ${state}` : state;
}

/** The CSS class that colours a node; one per state, plus placeholders. */
export function stateClass(node: LineageNode): string {
  return node.kind === "placeholder" ? "state-placeholder" : `state-${node.status?.state ?? "unknown"}`;
}

/** What the layout needs: exactly the lines `renderGraph` draws, so sizes match the text. */
export function layoutInput(graph: LineageGraph): LayoutInput {
  return { nodes: graph.nodes.map((node) => ({ key: node.key, lines: [node.key, statusWord(node)] })), edges: graph.edges };
}

export interface RenderView {
  readonly focus: string | undefined;
  /** A path of keys to emphasise (e.g. one cycle, first key repeated last). */
  readonly highlight: readonly string[];
  readonly onOpen: (key: string) => void;
}

/** Replaces the SVG's content with the graph; returns the focused node's element, if any. */
export function renderGraph(svg: SVGSVGElement, graph: LineageGraph, layout: LineageLayout, options: LayoutOptions, view: RenderView): SVGGElement | undefined {
  svg.replaceChildren(arrowMarker("arrow"), arrowMarker("arrow-emphasis"));
  svg.setAttribute("width", String(Math.ceil(layout.width)));
  svg.setAttribute("height", String(Math.ceil(layout.height)));
  svg.setAttribute("viewBox", `0 0 ${Math.ceil(layout.width)} ${Math.ceil(layout.height)}`);

  const highlighted = pathEdges([view.highlight]);
  const inCycle = pathEdges(graph.cycles);
  const highlightedKeys = new Set(view.highlight);
  const cycleKeys = new Set(graph.cycles.flat());

  const edges = element("g", { class: "edges" });
  for (const route of layout.edges) {
    const id = `${route.from}\u0000${route.to}`;
    const classes = ["edge"];
    if (inCycle.has(id)) classes.push("cycle");
    if (highlighted.has(id)) classes.push("highlight");
    const emphasis = classes.length > 1;
    const path = element("path", { class: classes.join(" "), d: pathData(route.points), "marker-end": `url(#${emphasis ? "arrow-emphasis" : "arrow"})` });
    const title = element("title", {});
    title.textContent = `${route.from} → ${route.to}`;
    path.append(title);
    edges.append(path);
  }
  svg.append(edges);

  const nodesByKey = new Map(graph.nodes.map((node) => [node.key, node]));
  const group = element("g", { class: "nodes" });
  let focused: SVGGElement | undefined;
  for (const box of layout.nodes) {
    const node = nodesByKey.get(box.key);
    if (!node) continue;
    const classes = ["node", stateClass(node)];
    if (cycleKeys.has(node.key)) classes.push("cycle");
    if (highlightedKeys.has(node.key)) classes.push("highlight");
    if (view.focus === node.key) classes.push("focus");
    const g = element("g", { class: classes.join(" "), transform: `translate(${box.x},${box.y})`, tabindex: "0", role: "button" });
    g.setAttribute("aria-label", `${node.key}, ${statusWord(node)}`);
    // The key travels as a DOM property, not an attribute: nothing reads it back as markup.
    (g as SVGGElement & { assetKey?: string }).assetKey = node.key;
    g.append(element("rect", { width: String(box.width), height: String(box.height), rx: "4" }));
    g.append(text(clipLabel(node.key, options), options.padding, options.padding + options.lineHeight * 0.8, "key"));
    g.append(text(clipLabel(statusWord(node), options), options.padding, options.padding + options.lineHeight * 1.8, "status"));
    const title = element("title", {});
    title.textContent = tooltip(node);
    g.append(title);
    if (node.kind !== "placeholder") {
      g.addEventListener("click", () => view.onOpen(node.key));
      g.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          view.onOpen(node.key);
        }
      });
    }
    group.append(g);
    if (view.focus === node.key) focused = g;
  }
  svg.append(group);
  return focused;
}

/** Everything worth knowing on hover, one fact per line. */
function tooltip(node: LineageNode): string {
  const lines = [node.key];
  if (node.kind === "placeholder") lines.push("Named as a dependency, but no asset or source defines it (AL002).");
  if (node.description) lines.push(node.description);
  if (node.status) lines.push(`${node.status.state}: ${node.status.reason}`);
  if (node.group) lines.push(`group: ${node.group}`);
  if (node.owners.length > 0) lines.push(`owners: ${node.owners.join(", ")}`);
  if (node.kinds.length > 0) lines.push(`kinds: ${node.kinds.join(", ")}`);
  for (const check of node.checks) {
    const result = node.status?.checks.find((summary) => summary.name === check.name);
    const outcome = result?.passed === undefined ? "not run" : result.passed ? "passed" : "failed";
    lines.push(`check ${check.name}${check.blocking ? " (blocking)" : ""}: ${outcome}`);
  }
  return lines.join("\n");
}

/** Consecutive pairs of each path, in both directions: a cycle may be listed either way round. */
function pathEdges(paths: readonly (readonly string[])[]): Set<string> {
  const ids = new Set<string>();
  for (const path of paths) {
    for (let i = 0; i + 1 < path.length; i++) {
      ids.add(`${path[i]}\u0000${path[i + 1]}`);
      ids.add(`${path[i + 1]}\u0000${path[i]}`);
    }
  }
  return ids;
}

function pathData(points: readonly Point[]): string {
  return points.map((point, index) => `${index === 0 ? "M" : "L"}${point.x.toFixed(1)},${point.y.toFixed(1)}`).join(" ");
}

function arrowMarker(id: string): SVGMarkerElement {
  const marker = element("marker", { id, viewBox: "0 0 10 10", refX: "10", refY: "5", markerWidth: "8", markerHeight: "8", orient: "auto-start-reverse" });
  marker.append(element("path", { d: "M0,0 L10,5 L0,10 z", class: id }));
  return marker;
}

function text(content: string, x: number, y: number, className: string): SVGTextElement {
  const node = element("text", { x: String(x), y: String(y), class: className });
  node.textContent = content;
  return node;
}

function element<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Readonly<Record<string, string>>): SVGElementTagNameMap[K] {
  const created = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) created.setAttribute(name, value);
  return created;
}
