/**
 * Restricted Mode, then the user trusts the folder, in the real workbench: before, the Testing
 * view lists the example's checks with no way to run them and the lenses carry no run action;
 * after "Trust" in the Workspace Trust editor (no reload), a check's Run action is there and
 * runs it, and the lenses offer Materialize. Screenshots go to $ASSETLINE_E2E_SHOTS.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { SHOTS, quickOpen, quickRow, runFromPalette, useWorkbench } from "../../support/workbench";

describe("granting workspace trust (UI)", function () {
  this.timeout(180_000);
  const workbench = useWorkbench("grant-trust");
  let page: Page;
  beforeEach(() => {
    page = workbench();
  });

  const checkRow = () => page.locator(".test-explorer .monaco-list-row", { hasText: "order_id_unique" }).first();
  const runAction = () => checkRow().locator('.action-label[aria-label^="Run Test"]');
  const lens = (title: string) =>
    page
      .locator(".editor-group-container", { has: page.locator(".tab.active", { hasText: "stg_orders.ts" }) })
      .locator(".codelens-decoration a", { hasText: title })
      .first();

  it("offers no run action in Restricted Mode, and offers and runs one once the folder is trusted", async () => {
    // "Assetline (restricted)", or "Assetline: 1 problem (restricted)" after the host suites' AL002.
    await page
      .locator(".statusbar-item", { hasText: /Assetline.*\(restricted\)/ })
      .first()
      .waitFor({ timeout: 30_000 });
    await quickOpen(page, "stg_orders.ts");
    await quickRow(page, "stg_orders.ts").waitFor({ timeout: 30_000 });
    await page.keyboard.press("Enter");
    await lens("Show lineage").waitFor({ timeout: 90_000 });
    assert.equal(await lens("Materialize").count(), 0, "no Materialize lens in Restricted Mode");

    await runFromPalette(page, "Testing: Focus on Test Explorer View");
    // Groups → assets → checks: expanded down to the check.
    for (const label of ["staging", "stg_orders"]) {
      const row = page.locator(".test-explorer .monaco-list-row", { hasText: label }).first();
      await row.waitFor({ timeout: 60_000 });
      if ((await row.getAttribute("aria-expanded")) === "false") await row.click();
    }
    await checkRow().waitFor({ timeout: 30_000 });
    await checkRow().hover();
    await page.screenshot({ path: join(SHOTS, "testing-restricted.png") });
    assert.equal(await runAction().count(), 0, "the check offers no Run in Restricted Mode");

    await page.locator(".statusbar-item", { hasText: "Restricted Mode" }).first().click();
    await page
      .getByRole("button", { name: /^Trust( Folder)?$/ })
      .first()
      .click();
    // At once, while the server restarts trusted (with the workspace's own engine) behind it.
    await page
      .locator(".statusbar-item", { hasText: /Assetline/ })
      .filter({ hasNotText: "restricted" })
      .first()
      .waitFor({ timeout: 30_000 });

    await runFromPalette(page, "Testing: Focus on Test Explorer View");
    await checkRow().hover();
    await runAction().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(SHOTS, "testing-trusted.png") });
    // Clicked as soon as it shows, the restart perhaps still under way: the run waits for the new server.
    await runAction().click();
    // Whatever the outcome (the staging table was never built here), the check ran and has a result.
    await checkRow()
      .locator(".codicon-testing-passed-icon, .codicon-testing-failed-icon, .codicon-testing-error-icon")
      .waitFor({ timeout: 90_000 });

    // Its tab, clicked: a failed run opens Test Results, which may take the focus from Quick Open.
    await page.locator(".tab", { hasText: "stg_orders.ts" }).first().click();
    await lens("▶ Materialize").waitFor({ timeout: 90_000 });
    await page.screenshot({ path: join(SHOTS, "trusted-lenses.png") });
  });
});
