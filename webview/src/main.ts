/**
 * The lineage panel's script. It says `ready` first, then draws whatever graph the host posts.
 * Messages are untrusted: anything `parseHostToWebviewMessage` rejects is dropped.
 */
import "./lineage.css";
import type { LineageGraph } from "../../protocol/lineage";
import { type HostToWebviewMessage, type WebviewToHostMessage, parseHostToWebviewMessage } from "../../protocol/webview";
import { DEFAULT_LAYOUT_OPTIONS, type LayoutOptions, layoutLineage } from "./layout";
import { layoutInput, renderGraph } from "./render";
import { renderLegend } from "./legend";

interface VsCodeApi {
  postMessage(message: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const svg = document.getElementById("graph") as unknown as SVGSVGElement;
const notice = document.getElementById("notice") as HTMLElement;
const summary = document.getElementById("summary") as HTMLElement;
/** Bumped by each graph: a slow layout that finishes after a newer graph arrived is dropped. */
let generation = 0;

function post(message: WebviewToHostMessage): void {
  vscode.postMessage(message);
}

window.addEventListener("message", (event: MessageEvent<unknown>) => {
  const message = parseHostToWebviewMessage(event.data);
  if (message) void handle(message);
});

async function handle(message: HostToWebviewMessage): Promise<void> {
  switch (message.type) {
    case "graph":
      return draw(message.graph, message.focus, message.highlight);
    case "unavailable":
      generation++;
      svg.replaceChildren();
      summary.textContent = "";
      show(message.message);
      return;
    default:
      return assertNever(message);
  }
}

async function draw(graph: LineageGraph, focus: string | undefined, highlight: readonly string[]): Promise<void> {
  const current = ++generation;
  const options = measuredOptions();
  try {
    const layout = await layoutLineage(layoutInput(graph), options);
    if (current !== generation) return;
    const focused = renderGraph(svg, graph, layout, options, { focus, highlight, onOpen: (key) => post({ type: "openDefinition", key }) });
    summary.textContent = `${graph.nodes.length} asset${graph.nodes.length === 1 ? "" : "s"} · ${graph.edges.length} dependenc${graph.edges.length === 1 ? "y" : "ies"}`;
    show(notes(graph));
    focused?.scrollIntoView({ block: "center", inline: "center" });
    focused?.focus({ preventScroll: true });
  } catch (error) {
    show("The lineage graph could not be drawn; see the Assetline log.");
    post({ type: "renderError", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
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

/** The layout sizes nodes by characters; measure the real font once per graph (themes differ). */
function measuredOptions(): LayoutOptions {
  const sample = "abcdefghijklmnopqrstuvwxyz_/0123456789";
  const probe = document.createElementNS("http://www.w3.org/2000/svg", "text");
  probe.setAttribute("class", "key");
  probe.textContent = sample;
  svg.append(probe);
  const width = probe.getComputedTextLength();
  probe.remove();
  return width > 0 ? { ...DEFAULT_LAYOUT_OPTIONS, charWidth: width / sample.length + 0.4 } : DEFAULT_LAYOUT_OPTIONS;
}

function assertNever(value: never): never {
  throw new Error(`unexpected message ${JSON.stringify(value)}`);
}

renderLegend(document.getElementById("legend") as HTMLElement);
// Last: the listener above is in place, so nothing the host sends in reply can be missed.
post({ type: "ready" });
