/**
 * The lineage panel as a working tool, through the real workbench: a selection typed in the
 * box, the depth changed, Materialize from a node's context menu with the run then listed in
 * the details, and the panel following the editor. Each picture is compared with what the CLI
 * selects for the same selection text. Screenshots go to $ASSETLINE_E2E_SHOTS.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchBrowser } from "../support/chromium";
import {
  CLI,
  E2E_WORKSPACE,
  type LineagePanelView,
  SHOTS,
  lensIn,
  lineagePanel,
  openWorkbenchPage,
  openFile,
} from "../support/workbench";

/** The keys the CLI selects for `selection`: what the panel must draw for the same text. */
function cliKeys(selection: string): string[] {
  const result = spawnSync(process.execPath, [CLI, "graph", E2E_WORKSPACE, "--select", selection, "--format", "json"], {
    encoding: "utf8",
  });
  assert.equal(result.status, 0, result.stderr);
  return (JSON.parse(result.stdout) as { assets: { key: string }[] }).assets.map((asset) => asset.key).sort();
}

describe("the lineage panel as a working tool (UI)", function () {
  this.timeout(180_000);
  let browser: Browser;
  let page: Page;
  let panel: LineagePanelView;

  before(async () => {
    browser = await launchBrowser();
    page = await openWorkbenchPage(browser);
    panel = lineagePanel(page);
  });
  after(async () => {
    await browser?.close();
  });
  afterEach(async function () {
    if (this.currentTest?.state === "failed")
      await page?.screenshot({ path: join(SHOTS, "lineage-panel-failure.png") }).catch(() => undefined);
  });

  /** Waits until the panel draws exactly what the CLI selects for `selection`. */
  async function drawsSelection(selection: string): Promise<void> {
    const expected = cliKeys(selection);
    // The page inside the webview's frames, found afresh: the workbench recreates it when the panel is shown again.
    const frame = await (await page
      .frameLocator("iframe.webview.ready")
      .locator("#active-frame")
      .elementHandle())!.contentFrame();
    assert.ok(frame, "the lineage panel's page is loaded");
    await frame
      .waitForFunction(
        (keys) =>
          JSON.stringify([...document.querySelectorAll("g.node text.key")].map((text) => text.textContent).sort()) ===
          keys,
        JSON.stringify(expected),
        { timeout: 60_000 },
      )
      .catch(async (error: unknown) => {
        throw new Error(
          `the panel does not draw ${selection} (${expected.join(", ")}): ${(await panel.drawnKeys()).join(", ")}; ${String(error)}`,
        );
      });
  }

  /**
   * Hands the keyboard back to the first editor group, as a person does with Ctrl+1. While the
   * panel's group is the active one, VS Code gives the focus back to its webview when Quick
   * Open opens, and the text typed there lands in whatever field the panel last focused (the
   * depth box): so the workbench takes the keys first (a click on the sidebar's title, outside
   * every frame), then "Focus First Editor Group", and the test waits until the first group's
   * editor really has the keyboard.
   */
  async function focusFirstGroup(): Promise<void> {
    await page.locator(".part.sidebar .composite.title").first().click();
    await page.keyboard.press("Control+1");
    await page.waitForFunction(
      `(() => {
        const first = document.querySelector(".editor-group-container");
        const active = document.activeElement;
        return !!first && !!active && first.contains(active) && !!active.closest(".monaco-editor");
      })()`,
      undefined,
      { timeout: 30_000 },
    );
  }

  it("draws what a selection typed in the box selects (+orders)", async () => {
    await openFile(page, "monthly_revenue.ts");
    const lens = lensIn(page, "monthly_revenue.ts", "Show lineage");
    await lens.waitFor({ timeout: 90_000 });
    await lens.click();
    await panel.node("monthly_revenue").waitFor({ timeout: 60_000 });
    await drawsSelection("2+monthly_revenue+2");

    const box = panel.frame.locator("#selection");
    await box.fill("+orders");
    await box.press("Enter");
    await drawsSelection("+orders");
    assert.equal(await box.inputValue(), "+orders");
    await page.screenshot({ path: join(SHOTS, "lineage-selection.png") });
  });

  it("focuses a node from its context menu and changes the depth around it", async () => {
    await panel.node("orders").click({ button: "right" });
    await panel.frame.locator("#menu button", { hasText: "Focus Here" }).click();
    await drawsSelection("2+orders+2");
    assert.match((await panel.node("orders").getAttribute("class")) ?? "", /\bfocus\b/);

    const upstream = panel.frame.locator("#upstream");
    await upstream.fill("1");
    await upstream.press("Tab");
    await drawsSelection("1+orders+2");
    await page.screenshot({ path: join(SHOTS, "lineage-depth.png") });
  });

  it("materializes from a node's context menu, and lists the run with the columns in the details", async () => {
    // By keyboard: at the panel's left edge, the editor group beside it takes the pointer's clicks.
    await panel.node("stg_orders").focus();
    await panel.node("stg_orders").press("Shift+F10");
    await panel.frame.locator("#menu button", { hasText: /^Materialize$/ }).click();
    await page
      .locator(".notification-toast", { hasText: /Materializing stg_orders: done in/ })
      .waitFor({ timeout: 90_000 });

    await panel.node("stg_orders").press(" ");
    const details = panel.frame.locator("#details");
    await details.locator("ul.runs li.run-succeeded").first().waitFor({ timeout: 30_000 });
    const text = (await details.textContent()) ?? "";
    assert.match(text, /Columns \(\d+\)/, text);
    assert.ok(text.includes("order_id"), text);
    assert.match(text, /succeeded · \d{4}-\d\d-\d\d \d\d:\d\d \(just now\) · [\d.]+ m?s/, text);
    await page.screenshot({ path: join(SHOTS, "lineage-details-after-materialize.png") });
  });

  it("follows the active editor's asset, keeping the depths the user chose", async () => {
    assert.equal(await panel.frame.locator("#follow").isChecked(), true, "following is on by default");
    await focusFirstGroup();
    await openFile(page, "stg_payments.ts");
    await drawsSelection("1+stg_payments+2");
    assert.match((await panel.node("stg_payments").getAttribute("class")) ?? "", /\bfocus\b/);
    await page.screenshot({ path: join(SHOTS, "lineage-follows-editor.png") });
  });
});
