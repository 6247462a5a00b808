/**
 * A person's path through the real workbench (code-server in headless Chromium): open an
 * asset's file, click its "Show lineage" CodeLens, see the graph, click a node and land on
 * that asset's definition. Screenshots go to $ASSETLINE_E2E_SHOTS.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchBrowser } from "../support/chromium";
import {
  CLI,
  E2E_WORKSPACE as WORKSPACE,
  SHOTS,
  lensIn as lensOf,
  lineagePanel,
  openWorkbenchPage,
  openFile as quickOpenIn,
} from "../support/workbench";

describe("lineage from a CodeLens (UI)", function () {
  this.timeout(180_000);
  let browser: Browser;
  let page: Page;

  before(async () => {
    browser = await launchBrowser();
    page = await openWorkbenchPage(browser);
  });

  after(async () => {
    await browser?.close();
  });

  afterEach(async function () {
    if (this.currentTest?.state === "failed")
      await page?.screenshot({ path: join(SHOTS, "failure.png") }).catch(() => undefined);
  });

  const lensIn = (file: string, title: string) => lensOf(page, file, title);
  const quickOpen = (file: string) => quickOpenIn(page, file);

  it("clicks Show lineage above stg_orders, sees its neighbourhood, and a double click on a node opens that asset", async () => {
    await quickOpen("stg_orders.ts");
    const lens = lensIn("stg_orders.ts", "Show lineage");
    await lens.waitFor({ timeout: 90_000 });
    // The status bar says the truth once the server runs.
    await page.locator(".statusbar-item", { hasText: "Assetline" }).first().waitFor({ timeout: 30_000 });
    await lens.click();

    const { frame: panel, node, drawnKeys: drawn } = lineagePanel(page);
    await node("monthly_revenue").waitFor({ timeout: 60_000 });
    // Opened from an asset, the panel shows its neighbourhood at the default depth (2 each way): exactly
    // what the CLI selects for the same selection text.
    const expected = spawnSync(
      process.execPath,
      [CLI, "graph", WORKSPACE, "--select", "2+stg_orders+2", "--format", "json"],
      {
        encoding: "utf8",
      },
    );
    assert.equal(expected.status, 0, expected.stderr);
    const expectedKeys = (JSON.parse(expected.stdout) as { assets: { key: string }[] }).assets.map((a) => a.key).sort();
    const drawnKeys = await drawn();
    assert.deepEqual(drawnKeys, expectedKeys, "the focused neighbourhood of stg_orders is drawn");
    assert.match(
      (await node("stg_orders").getAttribute("class")) ?? "",
      /\bfocus\b/,
      "the panel centres on the lens's asset",
    );
    assert.equal(await panel.locator("#legend li").count(), 7);
    await page.screenshot({ path: join(SHOTS, "lineage-panel.png") });

    // A click selects (and shows details); a double click opens the definition.
    await node("customers").dblclick();
    await page.locator(".tab.active", { hasText: "customers.ts" }).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(SHOTS, "after-node-click.png") });
  });

  it("materializes a slow asset from its CodeLens, and Cancel in the progress notification stops it", async () => {
    // An asset that waits far longer than the test: only cancelling ends it.
    writeFileSync(
      join(WORKSPACE, "src", "slow.ts"),
      `import { asset } from "assetline";\n\nexport const slow = asset({ group: "e2e" }, async () => {\n  await new Promise((resolve) => setTimeout(resolve, 600_000));\n});\n`,
    );
    // Through the explorer, as a person would after creating a file (the webview may hold the keyboard focus).
    await page.locator(".explorer-folders-view .monaco-list-row", { hasText: /^slow\.ts$/ }).click({ timeout: 60_000 });
    await page.locator(".tab.active", { hasText: "slow.ts" }).waitFor({ timeout: 30_000 });
    const lens = lensIn("slow.ts", "▶ Materialize");
    await lens.waitFor({ timeout: 90_000 });
    await lens.click();
    const progress = page.locator(".notification-toast", { hasText: "Materializing slow" });
    await progress.waitFor({ timeout: 60_000 });
    await progress.hover();
    await page.screenshot({ path: join(SHOTS, "materialize-progress.png") });
    await progress.getByRole("button", { name: "Cancel" }).click();
    await page
      .locator(".notification-toast", { hasText: "Materializing slow: cancelled." })
      .waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(SHOTS, "materialize-cancelled.png") });
  });
});
