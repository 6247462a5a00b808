/**
 * The lineage panel's script. It says `ready` first, then draws whatever graph the host posts.
 * Messages are untrusted: anything `parseHostToWebviewMessage` rejects is dropped. The panel
 * asks for other parts of the graph (selection, depth, show all) by message; the host asks the
 * server, whose one resolver evaluates every selection.
 */
import "./lineage.css";
import "./impactOverlay.css";
import type { ImpactHighlight } from "../../protocol/impactHighlight";
import type { LineageGraph, LineageNode } from "../../protocol/lineage";
import {
  DEFAULT_DEPTH,
  type HostToWebviewMessage,
  type LineageScope,
  type NodeAction,
  type WebviewToHostMessage,
  parseHostToWebviewMessage,
  scopeSelection,
} from "../../protocol/webview";
import { ContextMenu, type MenuItem } from "./contextMenu";
import { DetailsPanel } from "./details";
import { impactOverlay, impactSummary } from "./impactOverlay";
import { UNGROUPED, groupByGroup } from "./grouping";
import { DEFAULT_LAYOUT_OPTIONS, type LayoutOptions, type Point } from "./layoutTypes";
import { LayoutClient } from "./layoutClient";
import { renderLegend } from "./legend";
import { Picture } from "./picture";
import { loadSavedView, saveView } from "./savedView";
import { Toolbar } from "./toolbar";
import { ZOOM_STEP } from "./viewport";

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** Above this many nodes the panel asks before laying out every one (seconds of work). */
export const LARGE_GRAPH_NODES = 1000;

const vscode = acquireVsCodeApi();
const svg = document.getElementById("graph") as unknown as SVGSVGElement;
const notice = document.getElementById("notice") as HTMLElement;
const summary = document.getElementById("summary") as HTMLElement;
const details = new DetailsPanel(document.getElementById("details") as HTMLElement, {
  close: () => select(undefined),
  request: (key) => post({ type: "requestDetails", key }),
});
const large = document.getElementById("large") as HTMLElement;

/** What the host last sent, and what the user picked in the panel. */
let shown:
  | {
      graph: LineageGraph;
      scope: LineageScope;
      focus: string | undefined;
      highlight: readonly string[];
      impact: readonly ImpactHighlight[];
      canRunCode: boolean;
    }
  | undefined;
let selected: string | undefined;
/** Per scope (as selection text): how the user chose to show a graph over LARGE_GRAPH_NODES. */
const largeChoice = new Map<string, "all" | "group">();
let groups: ReadonlySet<string> = new Set();
/** The graph as drawn: the host's, or its groups. */
let drawnGraph: LineageGraph | undefined;
const saved = loadSavedView(vscode.getState());
/** The saved viewport applies once, to the first picture of the saved scope after a reload. */
let pendingRestore = saved;

function post(message: WebviewToHostMessage): void {
  vscode.postMessage(message);
}

const workerUrl = document.querySelector<HTMLMetaElement>('meta[name="assetline-layout-worker"]')?.content || undefined;
const layouts = new LayoutClient(workerUrl, (reason) =>
  post({ type: "renderError", message: `${reason}; laying out on the UI thread` }),
);
if (saved) layouts.remember(saved.hash, saved.layout);

const menu = new ContextMenu(document.getElementById("menu") as HTMLElement);
const picture = new Picture(
  svg,
  document.getElementById("layer") as unknown as SVGGElement,
  document.getElementById("minimap") as unknown as SVGSVGElement,
  layouts,
  { select: (key, by) => select(key, by), activate, menu: openMenu },
  () => remember(),
  (refinement) => {
    if ("failed" in refinement)
      post({ type: "renderError", message: refinement.failed.stack ?? refinement.failed.message });
    else if (refinement.drawn) svg.dataset.drawn = refinement.drawn;
    delete svg.dataset.refining;
    remember();
  },
);
const toolbar = new Toolbar({
  setScope: (scope) => post({ type: "setScope", scope }),
  setFollow: (follow) => post({ type: "setFollow", follow }),
  depthTarget: () => selected ?? shown?.focus,
});

window.addEventListener("message", (event: MessageEvent<unknown>) => {
  const message = parseHostToWebviewMessage(event.data);
  if (message) void handle(message);
});

async function handle(message: HostToWebviewMessage): Promise<void> {
  switch (message.type) {
    case "graph": {
      const keep = shown !== undefined && sameScope(shown.scope, message.scope);
      shown = {
        graph: message.graph,
        scope: message.scope,
        focus: message.focus,
        highlight: message.highlight,
        impact: message.impact,
        canRunCode: message.canRunCode,
      };
      toolbar.show(message.scope, message.follow);
      return draw(keep);
    }
    case "unavailable":
      shown = undefined;
      drawnGraph = undefined;
      picture.clear();
      summary.textContent = "";
      large.hidden = true;
      select(undefined);
      show(message.message);
      return;
    case "details":
      return details.received(message.details.key, { details: message.details });
    case "detailsUnavailable":
      return details.received(message.key, { message: message.message });
    default:
      return assertNever(message);
  }
}

function sameScope(a: LineageScope, b: LineageScope): boolean {
  return a.kind === b.kind && scopeSelection(a) === scopeSelection(b);
}

async function draw(keep: boolean): Promise<void> {
  if (!shown) return;
  const { graph, scope, focus, highlight, impact } = shown;
  const scopeText = scopeSelection(scope);
  const choice = graph.nodes.length > LARGE_GRAPH_NODES ? largeChoice.get(scopeText) : "all";
  large.hidden = choice !== undefined;
  if (choice === undefined) {
    (document.getElementById("large-text") as HTMLElement).textContent =
      `${graph.nodes.length} assets: laying out every one takes a few seconds and the picture is hard to read. ` +
      "Group them by group, narrow the selection, or lay them all out.";
    picture.clear();
    summary.textContent = countText(graph);
    return;
  }
  const grouped = choice === "group" ? groupByGroup(graph) : undefined;
  drawnGraph = grouped?.graph ?? graph;
  groups = grouped?.groups ?? new Set();
  const options = measuredOptions();
  try {
    const restore = !keep && pendingRestore?.scope === scopeText ? pendingRestore.transform : undefined;
    pendingRestore = undefined;
    const outcome = await picture.draw(
      {
        graph: drawnGraph,
        view: { focus, highlight, groups, impact: grouped ? undefined : impactOverlay(impact) },
        options,
        keep,
      },
      restore,
    );
    if (outcome === "stale") return;
    summary.textContent =
      countText(graph) + (grouped ? ` · ${grouped.groups.size} groups` : "") + impactSummary(impact);
    show(notes(graph));
    if (selected !== undefined && !nodeOf(selected)) selected = undefined;
    select(selected);
    // Only a panel that has the keyboard moves it to the focused node: following the editor must
    // not take the keyboard from the editor the user is typing in.
    if (!keep && focus !== undefined && document.hasFocus()) picture.elementOf(focus)?.focus({ preventScroll: true });
    // Set together, in one task: a test waiting for a settled picture never sees one without the other.
    if (picture.isRefining) svg.dataset.refining = "";
    else delete svg.dataset.refining;
    svg.dataset.drawn = outcome;
    remember();
    warmUpSoon(options);
  } catch (error) {
    show("The lineage graph could not be drawn; see the Assetline log.");
    post({ type: "renderError", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
}

function countText(graph: LineageGraph): string {
  const { length: nodes } = graph.nodes;
  const { length: edges } = graph.edges;
  return `${nodes} asset${nodes === 1 ? "" : "s"} · ${edges} dependenc${edges === 1 ? "y" : "ies"}`;
}

function nodeOf(key: string): LineageNode | undefined {
  return drawnGraph?.nodes.find((node) => node.key === key);
}

/**
 * Longer than a double-click. The details panel narrows the canvas: shown at once, it could slide
 * under the pointer between the two clicks of a double-click, which then never arrives.
 */
const DETAILS_DELAY_MS = 400;
let detailsTimer: ReturnType<typeof setTimeout> | undefined;

/** Selects a node (at once) and shows its details (after a pointer's double-click window), then reveals it. */
function select(key: string | undefined, by: "pointer" | "keyboard" | "update" = "update"): void {
  selected = key;
  picture.select(key);
  toolbar.refreshDepthState();
  if (detailsTimer !== undefined) clearTimeout(detailsTimer);
  detailsTimer = undefined;
  const showDetails = () => {
    details.show(key === undefined ? undefined : nodeOf(key), key !== undefined && !groups.has(key));
    if (key !== undefined && by !== "update") picture.reveal(key);
  };
  if (by === "pointer") detailsTimer = setTimeout(showDetails, DETAILS_DELAY_MS);
  else showDetails();
}

function activate(key: string): void {
  if (groups.has(key)) {
    if (key !== UNGROUPED) post({ type: "setScope", scope: { kind: "selection", text: key } });
    return;
  }
  if (nodeOf(key)?.kind !== "placeholder") post({ type: "openDefinition", key });
}

function openMenu(key: string, at: Point): void {
  const node = nodeOf(key);
  if (!node) return;
  if (groups.has(key)) {
    const why = key === UNGROUPED ? "These assets have no group to select by" : undefined;
    menu.show([{ label: "Show This Group", disabledBecause: why, run: () => activate(key) }], at);
    return;
  }
  const placeholder = node.kind === "placeholder" ? "Nothing defines this key (AL002)" : undefined;
  const source = node.kind === "source" ? "A source is read, not built" : undefined;
  const restricted = shown?.canRunCode === false ? "Trust this workspace to run its code (Restricted Mode)" : undefined;
  const action = (name: NodeAction) => () => post({ type: "nodeAction", action: name, key });
  const { upstream, downstream } = toolbar.depths();
  const items: MenuItem[] = [
    { label: "Open Definition", disabledBecause: placeholder, run: () => post({ type: "openDefinition", key }) },
    { label: "Materialize", disabledBecause: placeholder ?? source ?? restricted, run: action("materialize") },
    {
      label: "Materialize with Upstream",
      disabledBecause: placeholder ?? source ?? restricted,
      run: action("materializeWithUpstream"),
    },
    {
      label: "Run Checks",
      disabledBecause:
        placeholder ?? (node.checks.length === 0 ? "No check targets this asset" : undefined) ?? restricted,
      run: action("runChecks"),
    },
    { label: "Focus Here", run: () => setFocus(key, upstream || DEFAULT_DEPTH, downstream || DEFAULT_DEPTH) },
    { label: "Show Upstream Only", run: () => setFocus(key, upstream || DEFAULT_DEPTH, 0) },
    { label: "Show Downstream Only", run: () => setFocus(key, 0, downstream || DEFAULT_DEPTH) },
    { label: "Copy Key", run: action("copyKey") },
  ];
  menu.show(items, at);
}

function setFocus(key: string, upstream: number, downstream: number): void {
  post({ type: "setScope", scope: { kind: "focus", key, upstream, downstream } });
}

/** What the user should know besides the picture: a bad selection, an empty workspace, cycles. */
function notes(graph: LineageGraph): string {
  if (graph.error !== undefined) return graph.error;
  const lines: string[] = [];
  if (graph.nodes.length === 0) lines.push("No assets found in this workspace yet.");
  for (const cycle of graph.cycles) lines.push(`Dependency cycle (AL001): ${cycle.join(" → ")}`);
  return lines.join("\n");
}

function show(text: string): void {
  notice.textContent = text;
  notice.hidden = text === "";
}

/** Saves the picture on screen, so a panel hidden and shown again reopens it without a layout. */
function remember(): void {
  const layout = picture.currentLayout;
  const hash = picture.currentHash;
  if (!shown || !layout || !hash) return;
  saveView(vscode, { scope: scopeSelection(shown.scope), hash, layout, transform: picture.viewport.transform });
}

/** After the first picture, once the page is idle: the worker (and ELK) ready before a layout needs them. */
const WARM_UP_DELAY_MS = 1000;
let warmUpScheduled = false;
function warmUpSoon(options: LayoutOptions): void {
  if (warmUpScheduled) return;
  warmUpScheduled = true;
  setTimeout(() => layouts.warmUp(options), WARM_UP_DELAY_MS);
}

/** The layout sizes nodes by characters; measure the real font once per graph (themes differ). */
function measuredOptions(): LayoutOptions {
  const sample = "abcdefghijklmnopqrstuvwxyz_/0123456789";
  const probe = document.createElementNS("http://www.w3.org/2000/svg", "text");
  probe.setAttribute("class", "key");
  probe.textContent = sample;
  svg.append(probe);
  const width = probe.getComputedTextLength();
  probe.remove();
  // Rounded, so that sub-pixel differences between two measurements do not change the layout's hash.
  return width > 0
    ? { ...DEFAULT_LAYOUT_OPTIONS, charWidth: Math.round((width / sample.length + 0.4) * 100) / 100 }
    : DEFAULT_LAYOUT_OPTIONS;
}

function assertNever(value: never): never {
  throw new Error(`unexpected message ${JSON.stringify(value)}`);
}

document.getElementById("zoom-in")!.addEventListener("click", () => picture.viewport.zoomBy(ZOOM_STEP));
document.getElementById("zoom-out")!.addEventListener("click", () => picture.viewport.zoomBy(1 / ZOOM_STEP));
document.getElementById("fit")!.addEventListener("click", () => picture.fit());
document.getElementById("large-group")!.addEventListener("click", () => chooseLarge("group"));
document.getElementById("large-all")!.addEventListener("click", () => chooseLarge("all"));
svg.addEventListener("keydown", (event) => {
  if (event.key === "0" && !event.ctrlKey && !event.metaKey) {
    event.preventDefault();
    picture.fit();
  }
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && !menu.open && selected !== undefined) select(undefined);
});

function chooseLarge(choice: "all" | "group"): void {
  if (!shown) return;
  largeChoice.set(scopeSelection(shown.scope), choice);
  void draw(false);
}

renderLegend(document.getElementById("legend") as HTMLElement);
// Last: the listener above is in place, so nothing the host sends in reply can be missed.
post({ type: "ready" });
