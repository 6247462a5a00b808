/**
 * The panel's side in headless Chromium, on the built webview (npm run build first): time from
 * the graph message to the first frame painted after the drawing, for the focused depth-2
 * neighbourhood of a 5,000-node graph (and how much later ELK's layout replaced that first
 * picture); a full layout of FULL nodes (argument, default 500) in the worker; and reopening
 * both from the cache, in the same page and after a reload (VS Code showing a hidden panel again). Above 1,000 nodes the time includes the click on
 * "Lay out every asset". Prints one JSON line.
 */
import type { Page } from "playwright-core";
import type { LineageGraph } from "../../protocol/lineage";
import { graphMessage, launchBrowser, lineageGraph, lineageNode, openPanel } from "../../test/webview/support";
import { type BenchGraph, generatorGraph, hub, neighbourhood } from "./graphs";

function asLineage(graph: Pick<BenchGraph, "nodes" | "edges">): LineageGraph {
  return lineageGraph(
    graph.nodes.map((node) => lineageNode(node.key, "fresh")),
    graph.edges.map((edge) => [edge.from, edge.to]),
  );
}

/** Posts `message` (or clicks `click`) in the page and resolves with the ms until the frame after the drawing. */
async function timeToPaint(
  page: Page,
  action: { message: unknown } | { click: string },
): Promise<{ ms: number; drawn: string }> {
  // A string, not a function: tsx wraps named functions in helpers the page lacks.
  const input = JSON.stringify("click" in action ? action : { message: JSON.stringify(action.message) });
  return page.evaluate(`(async () => {
    const input = ${input};
    const svg = document.getElementById("graph");
    svg.removeAttribute("data-drawn");
    const started = performance.now();
    if ("click" in input) document.getElementById(input.click).click();
    else window.postMessage(JSON.parse(input.message), "*");
    await new Promise((resolve) => {
      const poll = () => (svg.hasAttribute("data-drawn") ? requestAnimationFrame(() => resolve()) : requestAnimationFrame(poll));
      poll();
    });
    return { ms: performance.now() - started, drawn: svg.getAttribute("data-drawn") || "" };
  })()`);
}

void (async () => {
  const browser = await launchBrowser();
  try {
    const whole = generatorGraph(5000);
    const centre = hub(whole);
    const focused = asLineage(neighbourhood(whole, centre, 2));
    const scope = { kind: "focus" as const, key: centre, upstream: 2, downstream: 2 };
    const panel = await openPanel(browser);
    await panel.waitForPosted(1);
    const showFocused = () => timeToPaint(panel.page, { message: graphMessage(focused, { scope, focus: centre }) });
    const focus = await showFocused();
    // A cold worker's first picture is the fast layout; ELK's replaces it when the worker is up.
    const refinedMs = await panel.page.evaluate(`(async () => {
      const svg = document.getElementById("graph");
      const started = performance.now();
      while (svg.hasAttribute("data-refining")) await new Promise((resolve) => setTimeout(resolve, 5));
      return Math.round(performance.now() - started);
    })()`);

    const fullSize = Number(process.argv[2] ?? 500);
    const big = asLineage(generatorGraph(fullSize));
    /** Posts the big graph; above the large-graph limit, the user's click is what starts the drawing. */
    const showBig = async () => {
      if (fullSize <= 1000) return timeToPaint(panel.page, { message: graphMessage(big) });
      await panel.send(graphMessage(big));
      await panel.page.locator("#large").waitFor({ state: "visible" });
      return timeToPaint(panel.page, { click: "large-all" });
    };
    const reload = async () => {
      await panel.page.waitForTimeout(400); // the saved state is written 250 ms after the last change
      await panel.page.reload();
      await panel.waitForPosted(1);
    };
    const full = await showBig();
    const focusCached = await showFocused();
    const cached = await showBig();
    await reload();
    const reopened = await showBig();
    await showFocused();
    await reload();
    const focusReopened = await showFocused();
    const round = (value: { ms: number; drawn: string }) => ({ ms: Math.round(value.ms), drawn: value.drawn });
    const figures = {
      focusedNodes: focused.nodes.length,
      focus: round(focus),
      refinedMs,
      focusCached: round(focusCached),
      focusReopened: round(focusReopened),
      fullSize,
      full: round(full),
      cached: round(cached),
      reopened: round(reopened),
      errors: panel.errors(),
      violations: await panel.violations(),
    };
    process.stdout.write(`${JSON.stringify(figures)}\n`);
    await panel.close();
  } finally {
    await browser.close();
  }
})();
