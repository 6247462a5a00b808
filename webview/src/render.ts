/**
 * Draws a laid-out lineage graph as SVG with DOM APIs only: every piece of graph data reaches
 * the page through `textContent` or a numeric attribute, never through markup, so a key such
 * as `<img src=x onerror=…>` is shown as the text it is.
 */
import type { LineageGraph, LineageNode } from "../../protocol/lineage";
import type { AssetState } from "../../protocol/status";
import { type ImpactOverlay, impactEdgeClasses, impactNodeClasses } from "./impactOverlay";
import { type LayoutInput, type LayoutOptions, type LineageLayout, type Point, clipLabel } from "./layoutTypes";

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

/** The longest state word: nodes are sized for it, so a status change never resizes (or moves) one. */
const WIDEST_STATE: AssetState = "never-materialized";

/**
 * What the layout needs: the key, and room for the widest status word of the node's kind.
 * Status is left out on purpose: a run that changes it recolours the picture in place.
 */
export function layoutInput(graph: LineageGraph): LayoutInput {
  return {
    nodes: graph.nodes.map((node) => ({
      key: node.key,
      lines: [
        node.key,
        node.kind === "placeholder"
          ? "not defined"
          : node.kind === "source"
            ? `source · ${WIDEST_STATE}`
            : WIDEST_STATE,
      ],
    })),
    edges: graph.edges,
  };
}

export interface RenderView {
  readonly focus: string | undefined;
  /** A path of keys to emphasise (e.g. one cycle, first key repeated last). */
  readonly highlight: readonly string[];
  /** Keys drawn as groups (the "group by group" overview), not assets. */
  readonly groups: ReadonlySet<string>;
  /** The impact of uncommitted changes drawn over the picture; undefined when none is shown. */
  readonly impact: ImpactOverlay | undefined;
}

export interface NodeHandlers {
  /** Click or Space: select the node (and show its details). */
  readonly select: (key: string, by: "pointer" | "keyboard") => void;
  /** Double-click or Enter: open its definition (or, for a group, show the group). */
  readonly activate: (key: string) => void;
  /** Right-click, the context-menu key or Shift+F10, at a screen point. */
  readonly menu: (key: string, at: Point) => void;
}

/** A drawn node: its key and what its tooltip says, as DOM properties (never markup). */
type DrawnNode = SVGGElement & { assetKey?: string; tip?: string };
type DrawnEdge = SVGPathElement & { tip?: string };

/** The drawn nodes by key: kept so that status updates recolour them in place. */
export type DrawnNodes = Map<string, SVGGElement>;

/** Replaces the layer's content with the graph; returns the drawn nodes by key. */
export function renderGraph(
  layer: SVGGElement,
  graph: LineageGraph,
  layout: LineageLayout,
  options: LayoutOptions,
  view: RenderView,
): DrawnNodes {
  layer.replaceChildren();
  const svg = layer.ownerSVGElement;
  if (svg && !svg.querySelector("defs")) {
    const defs = element("defs", {});
    defs.append(arrowMarker("arrow"), arrowMarker("arrow-emphasis"));
    svg.prepend(defs);
  }

  const highlighted = pathEdges([view.highlight]);
  const inCycle = pathEdges(graph.cycles);

  const edges = element("g", { class: "edges" });
  for (const route of layout.edges) {
    const id = `${route.from}\u0000${route.to}`;
    const classes = ["edge"];
    if (inCycle.has(id)) classes.push("cycle");
    if (highlighted.has(id)) classes.push("highlight");
    const emphasis = classes.length > 1;
    classes.push(...impactEdgeClasses(route.from, route.to, view.impact));
    const path = element("path", {
      class: classes.join(" "),
      d: pathData(route.points),
      "marker-end": `url(#${emphasis ? "arrow-emphasis" : "arrow"})`,
    }) as DrawnEdge;
    path.tip = `${route.from} → ${route.to}`;
    edges.append(path);
  }
  layer.append(edges);

  const nodesByKey = new Map(graph.nodes.map((node) => [node.key, node]));
  const group = element("g", { class: "nodes" });
  const drawn: DrawnNodes = new Map();
  for (const box of layout.nodes) {
    const node = nodesByKey.get(box.key);
    if (!node) continue;
    const g = element("g", { transform: `translate(${box.x},${box.y})`, tabindex: "0", role: "button" }) as DrawnNode;
    g.append(
      element("rect", {
        width: String(box.width),
        height: String(box.height),
        rx: view.groups.has(node.key) ? "10" : "4",
      }),
    );
    g.append(text("", options.padding, options.padding + options.lineHeight * 0.8, "key"));
    g.append(text("", options.padding, options.padding + options.lineHeight * 1.8, "status"));
    // The key travels as a DOM property, not an attribute: nothing reads it back as markup.
    g.assetKey = node.key;
    group.append(g);
    drawn.set(node.key, g);
  }
  layer.append(group);
  recolour(drawn, graph, options, view);
  return drawn;
}

/** Updates classes and texts of drawn nodes from a graph with the same structure: no layout, nothing moves. */
export function recolour(drawn: DrawnNodes, graph: LineageGraph, options: LayoutOptions, view: RenderView): void {
  const highlightedKeys = new Set(view.highlight);
  const cycleKeys = new Set(graph.cycles.flat());
  for (const node of graph.nodes) {
    const g = drawn.get(node.key);
    if (!g) continue;
    const isGroup = view.groups.has(node.key);
    const classes = ["node", stateClass(node)];
    if (isGroup) classes.push("group");
    if (cycleKeys.has(node.key)) classes.push("cycle");
    if (highlightedKeys.has(node.key)) classes.push("highlight");
    if (view.focus === node.key) classes.push("focus");
    classes.push(...impactNodeClasses(node.key, view.impact));
    if (g.classList.contains("selected")) classes.push("selected");
    g.setAttribute("class", classes.join(" "));
    const word = isGroup ? (node.description ?? "") : statusWord(node);
    g.setAttribute("aria-label", `${node.key}, ${word}`);
    const [keyText, statusText] = g.querySelectorAll("text");
    keyText!.textContent = clipLabel(node.key, options);
    statusText!.textContent = clipLabel(word, options);
    (g as DrawnNode).tip = tooltip(node);
    const title = g.querySelector("title");
    if (title) title.textContent = (g as DrawnNode).tip!;
  }
}

/** Marks one node as selected (the one the details panel shows). */
export function markSelected(drawn: DrawnNodes, key: string | undefined): void {
  for (const [nodeKey, g] of drawn) g.classList.toggle("selected", nodeKey === key);
}

/**
 * The nodes' input handlers, bound once on the layer that holds every picture: thousands of
 * nodes then cost no listeners each, and a redrawn picture needs none bound again. Tooltips
 * (SVG titles) are made when the pointer first reaches a node or an edge, not for each one drawn.
 */
export function bindNodes(layer: SVGGElement, handlers: NodeHandlers): void {
  const nodeOf = (event: Event): { g: DrawnNode; key: string } | undefined => {
    const g = (event.target as Element | null)?.closest?.("g.node") as DrawnNode | null;
    return g && layer.contains(g) && g.assetKey !== undefined ? { g, key: g.assetKey } : undefined;
  };
  layer.addEventListener("click", (event) => {
    const hit = nodeOf(event);
    if (hit) handlers.select(hit.key, "pointer");
  });
  layer.addEventListener("dblclick", (event) => {
    const hit = nodeOf(event);
    if (hit) handlers.activate(hit.key);
  });
  layer.addEventListener("contextmenu", (event) => {
    const hit = nodeOf(event);
    if (!hit) return;
    event.preventDefault();
    handlers.select(hit.key, "pointer");
    handlers.menu(hit.key, { x: event.clientX, y: event.clientY });
  });
  layer.addEventListener("keydown", (event) => {
    const hit = nodeOf(event);
    if (!hit) return;
    if (event.key === "Enter") {
      event.preventDefault();
      handlers.activate(hit.key);
    } else if (event.key === " ") {
      event.preventDefault();
      handlers.select(hit.key, "keyboard");
    } else if (event.key === "ContextMenu" || (event.key === "F10" && event.shiftKey)) {
      event.preventDefault();
      const box = hit.g.getBoundingClientRect();
      handlers.select(hit.key, "keyboard");
      handlers.menu(hit.key, { x: box.left + box.width / 2, y: box.bottom });
    }
  });
  layer.addEventListener("pointerover", (event) => {
    const target = event.target as Element | null;
    const owner = (target?.closest?.("g.node, path.edge") ?? null) as (DrawnNode | DrawnEdge) | null;
    if (!owner || owner.tip === undefined || owner.querySelector(":scope > title")) return;
    const title = element("title", {});
    title.textContent = owner.tip;
    owner.append(title);
  });
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
  return points
    .map((point, index) => `${index === 0 ? "M" : "L"}${point.x.toFixed(1)},${point.y.toFixed(1)}`)
    .join(" ");
}

function arrowMarker(id: string): SVGMarkerElement {
  const marker = element("marker", {
    id,
    viewBox: "0 0 10 10",
    refX: "10",
    refY: "5",
    markerWidth: "8",
    markerHeight: "8",
    orient: "auto-start-reverse",
  });
  marker.append(element("path", { d: "M0,0 L10,5 L0,10 z", class: id }));
  return marker;
}

function text(content: string, x: number, y: number, className: string): SVGTextElement {
  const node = element("text", { x: String(x), y: String(y), class: className });
  node.textContent = content;
  return node;
}

export function element<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Readonly<Record<string, string>>,
): SVGElementTagNameMap[K] {
  const created = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) created.setAttribute(name, value);
  return created;
}
