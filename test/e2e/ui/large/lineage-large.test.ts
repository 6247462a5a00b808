/**
 * The lineage panel on a generated workspace of about 2,000 assets, through the real workbench:
 * opened from the palette it shows one asset's neighbourhood, focused, and answers the user at
 * once; "Show all" warns before laying out every asset and groups them by group on request.
 * Screenshots go to $ASSETLINE_E2E_SHOTS.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Frame } from "playwright-core";
import { SHOTS, lineagePanel, runFromPalette, useWorkbench } from "../../support/workbench";

describe("the lineage panel on a 2,000-asset workspace (UI)", function () {
  this.timeout(300_000);
  const page = useWorkbench("lineage-large");

  /** The panel's page inside VS Code's webview frames. */
  async function panelPage(): Promise<Frame> {
    const outer = await page().locator("iframe.webview.ready").elementHandle({ timeout: 60_000 });
    const inner = await (await outer!.contentFrame())!.locator("#active-frame").elementHandle({ timeout: 60_000 });
    const frame = await inner!.contentFrame();
    assert.ok(frame, "the lineage panel's page is loaded");
    return frame;
  }

  it("opens from the palette focused on one asset's neighbourhood, answers at once, and groups on Show all", async () => {
    await runFromPalette(page(), "Assetline: Show Lineage");
    const panel = lineagePanel(page());
    await panel.frame.locator("g.node.focus").waitFor({ timeout: 120_000 });
    const drawn = await panel.frame.locator("g.node").count();
    assert.ok(drawn > 1 && drawn < 300, `a neighbourhood, not the whole graph: ${drawn} nodes drawn`);

    // Responsive: a zoom click is applied and the next frame painted well within a second.
    const frame = await panelPage();
    const answer = (await frame.evaluate(`(async () => {
      const layer = document.getElementById("layer");
      const before = layer.getAttribute("transform");
      const started = performance.now();
      document.getElementById("zoom-in").click();
      await new Promise((resolve) => requestAnimationFrame(() => resolve()));
      return { ms: performance.now() - started, moved: layer.getAttribute("transform") !== before };
    })()`)) as { ms: number; moved: boolean };
    assert.ok(answer.moved, "the zoom button zoomed");
    assert.ok(answer.ms < 1000, `the panel answered in ${Math.round(answer.ms)} ms`);
    await page().screenshot({ path: join(SHOTS, "lineage-2000-focused.png") });

    await panel.frame.locator("#show-all").click();
    const warning = panel.frame.locator("#large");
    await warning.waitFor({ state: "visible", timeout: 60_000 });
    const count = Number(/(\d+) assets/.exec((await warning.textContent()) ?? "")?.[1]);
    assert.ok(count >= 1900, `the warning counts the whole graph: ${count}`);
    await panel.frame.locator("#large-group").click();
    await panel.frame.locator("g.node.group").first().waitFor({ timeout: 60_000 });
    assert.ok((await panel.frame.locator("g.node.group").count()) > 1, "one node per group");
    await page().screenshot({ path: join(SHOTS, "lineage-2000-groups.png") });
  });
});
