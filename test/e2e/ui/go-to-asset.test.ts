/**
 * Go to Asset… through the real workbench: with the cursor on a table name inside a SQL string,
 * Ctrl+Alt+A opens the asset that produces it; from the palette with no name under the cursor,
 * the quick pick lists the assets, typing a warehouse TABLE name (not the key) finds one, and
 * picking it opens its definition. Screenshots go to $ASSETLINE_E2E_SHOTS.
 */
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import {
  E2E_WORKSPACE,
  SHOTS,
  quickInput,
  quickOpen,
  quickRow,
  runFromPalette,
  useWorkbench,
} from "../support/workbench";

const ORDER_TOTALS = [
  `import { asset } from "assetline";`,
  ``,
  `export const order_totals = asset({ name: "marts/order_totals", deps: ["orders"], group: "e2e" }, (ctx) => {`,
  `  ctx.db.exec("drop table if exists marts__order_totals; create table marts__order_totals as select count(*) as n from orders");`,
  `});`,
  ``,
].join("\n");

describe("Go to Asset (UI)", function () {
  this.timeout(180_000);
  before(() => {
    mkdirSync(join(E2E_WORKSPACE, "src", "e2e"), { recursive: true });
    writeFileSync(join(E2E_WORKSPACE, "src", "e2e", "order_totals.ts"), ORDER_TOTALS);
  });
  const workbench = useWorkbench("go-to-asset");
  let page: Page;
  beforeEach(() => {
    page = workbench();
  });

  async function openFile(file: string): Promise<void> {
    await quickOpen(page, file);
    await quickRow(page, file).waitFor({ timeout: 30_000 });
    await page.keyboard.press("Enter");
    await page.locator(".tab.active", { hasText: file }).waitFor({ timeout: 30_000 });
  }

  /** Moves the cursor to a 1-based line and column through Quick Open's `:line:column`. */
  async function moveCursor(line: number, column: number): Promise<void> {
    await quickOpen(page, `:${line}:${column}`);
    await page.keyboard.press("Enter");
    await page.locator(".statusbar-item", { hasText: `Ln ${line}, Col ${column}` }).waitFor({ timeout: 30_000 });
  }

  it("opens the asset a table name inside a SQL string names (Ctrl+Alt+A)", async () => {
    await openFile("order_totals.ts");
    // The file is analysed once its asset has a lens.
    await page
      .locator(".editor-group-container", { has: page.locator(".tab.active", { hasText: "order_totals.ts" }) })
      .locator(".codelens-decoration a", { hasText: "Show lineage" })
      .first()
      .waitFor({ timeout: 90_000 });
    const sqlLine = ORDER_TOTALS.split("\n")[3]!;
    await moveCursor(4, sqlLine.indexOf("from orders") + "from o".length + 1);
    await page.keyboard.press("Control+Alt+A");
    await page.locator(".tab.active", { hasText: "orders.ts" }).waitFor({ timeout: 30_000 });
    // On the asset's key, as go to definition lands.
    await page.locator(".statusbar-item", { hasText: /Ln 4, Col \d+ \(6 selected\)/ }).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(SHOTS, "go-to-asset-from-sql.png") });
  });

  it("lists the assets from the palette and finds one by its table name", async () => {
    // The cursor on `import`, which names no asset: the command opens the pick.
    await moveCursor(1, 1);
    await runFromPalette(page, "Assetline: Go to Asset…");
    await page
      .locator(
        '.quick-input-widget input[placeholder*="asset by key"], .quick-input-widget input[aria-label*="asset by key"]',
      )
      .first()
      .waitFor({ timeout: 30_000 });
    // Every asset is listed before anything is typed.
    await quickRow(page, "stg_customers").waitFor({ timeout: 30_000 });
    await quickInput(page).fill("marts__order_totals");
    const row = quickRow(page, "marts/order_totals");
    await row.waitFor({ timeout: 30_000 });
    assert.match((await row.textContent()) ?? "", /marts__order_totals/);
    await page.screenshot({ path: join(SHOTS, "go-to-asset.png") });
    await page.keyboard.press("Enter");
    await page.locator(".tab.active", { hasText: "order_totals.ts" }).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(SHOTS, "go-to-asset-opened.png") });
  });
});
