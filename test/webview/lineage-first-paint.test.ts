import assert from "node:assert/strict";
import { bigGraph, jaffle } from "./graphs";
import { type PanelHost, graphMessage, usePanels } from "./support";

interface Snapshot {
  drawn: string | null;
  refining: boolean;
  /** The focused node's box on screen when the attribute changed. */
  focus: { x: number; y: number } | null;
}

describe("lineage panel's first picture and large pictures (built webview in headless Chromium)", function () {
  this.timeout(90_000);
  const panels = usePanels();
  let panel: PanelHost;

  const settled = () => panel.page.locator("#graph[data-drawn]:not([data-refining])").waitFor({ state: "attached" });

  it("paints a new panel's first picture with the fast layout at once, then ELK's in its place, the focus kept", async () => {
    panel = await panels.open();
    // Every change of the drawing's state, with where the focused node was on screen then.
    await panel.page.evaluate(`(() => {
      window.__snapshots = [];
      const svg = document.getElementById("graph");
      new MutationObserver(() => {
        const focus = document.querySelector("g.node.focus");
        const box = focus && focus.getBoundingClientRect();
        window.__snapshots.push({
          drawn: svg.getAttribute("data-drawn"),
          refining: svg.hasAttribute("data-refining"),
          focus: box && { x: box.x, y: box.y },
        });
      }).observe(svg, { attributes: true, attributeFilter: ["data-drawn"] });
    })()`);
    const scope = { kind: "focus" as const, key: "orders", upstream: 2, downstream: 2 };
    await panel.send(graphMessage(jaffle, { scope, focus: "orders" }));
    await settled();
    const snapshots = (await panel.page.evaluate("window.__snapshots")) as Snapshot[];
    assert.deepEqual(
      snapshots.map(({ drawn, refining }) => ({ drawn, refining })),
      [
        { drawn: "main-thread", refining: true },
        { drawn: "worker", refining: false },
      ],
    );
    const [first, final] = [snapshots[0]!.focus!, snapshots[1]!.focus!];
    assert.ok(Math.abs(first.x - final.x) < 1 && Math.abs(first.y - final.y) < 1, JSON.stringify([first, final]));
  });

  it("draws no labels zoomed out past reading, and makes a tooltip when the pointer reaches a node", async () => {
    panel = await panels.open();
    await panel.send(graphMessage(bigGraph(120)));
    await settled();
    const label = panel.page.locator("g.node text.key").first();
    const graph = panel.page.locator("#graph");
    for (let i = 0; i < 12 && !(await graph.getAttribute("class"))?.includes("far"); i++)
      await panel.page.locator("#zoom-out").click();
    assert.match((await graph.getAttribute("class")) ?? "", /\bfar\b/);
    assert.equal(await label.isVisible(), false, "labels are not drawn when unreadable");
    while ((await graph.getAttribute("class"))?.includes("far")) await panel.page.locator("#zoom-in").click();
    await label.waitFor({ state: "visible" });
    // Tooltips are made on demand: none before the pointer comes, the node's facts after.
    const inView = (await panel.page.evaluate(`(() => {
      const view = document.getElementById("graph").getBoundingClientRect();
      return [...document.querySelectorAll("g.node")].findIndex((g) => {
        const box = g.getBoundingClientRect();
        return box.left >= view.left && box.right <= view.right && box.top >= view.top && box.bottom <= view.bottom;
      });
    })()`)) as number;
    assert.ok(inView >= 0, "a node is in view");
    const node = panel.page.locator("g.node").nth(inView);
    assert.equal(await node.locator("title").count(), 0);
    await node.hover();
    assert.match((await node.locator("title").textContent()) ?? "", /^asset_\d{4}\n/);
  });
});
