/**
 * Driving code-server's workbench from Playwright the way a person does: open the folder, wait
 * until Assetline's server really runs, Quick Open, the command palette. On a failure,
 * `keepEvidence` saves a screenshot and prints the notifications and the Assetline log, so a red
 * scenario says why rather than only which element never appeared.
 */
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, FrameLocator, Locator, Page } from "playwright-core";
import { launchBrowser } from "./chromium";
import { EXTENSION_LOG_LEVEL } from "./codeServer";

export const E2E_URL = process.env.ASSETLINE_E2E_URL ?? "";
export const E2E_WORKSPACE = process.env.ASSETLINE_E2E_WORKSPACE ?? "";
export const SHOTS = process.env.ASSETLINE_E2E_SHOTS ?? join(__dirname, "..", "..", "..", ".vscode-test", "e2e-shots");
const LOGS = process.env.ASSETLINE_E2E_LOGS ?? "";
export const CLI = join(__dirname, "..", "..", "..", "bin", "assetline.js");

/**
 * Registers a UI scenario's hooks: a page on the workbench with Assetline's server running
 * before its tests, evidence after a failed one. Returns the page's getter.
 */
export function useWorkbench(name: string): () => Page {
  let browser: Browser | undefined;
  let page: Page | undefined;
  before(async () => {
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    await openWorkbench(page);
    await waitForRunningServer(page);
  });
  after(async () => {
    await browser?.close();
  });
  afterEach(async function () {
    if (this.currentTest?.state === "failed") await keepEvidence(page, name);
  });
  return () => {
    if (!page) throw new Error("the workbench page is not open (its before hook failed)");
    return page;
  };
}

/** Opens the workspace folder and waits for the explorer to list it. */
export async function openWorkbench(page: Page): Promise<void> {
  if (!E2E_URL || !E2E_WORKSPACE)
    throw new Error("run through test/e2e/runOnCodeServer.ts, which starts code-server with the .vsix installed");
  mkdirSync(SHOTS, { recursive: true });
  const payload = encodeURIComponent(JSON.stringify([EXTENSION_LOG_LEVEL]));
  await page.goto(`${E2E_URL}/?folder=${encodeURIComponent(E2E_WORKSPACE)}&payload=${payload}`);
  await page.locator(".monaco-workbench").waitFor({ timeout: 90_000 });
  await page.locator(".explorer-folders-view .monaco-list-row").first().waitFor({ timeout: 90_000 });
}

/**
 * The Assetline status bar item once the server runs: while it starts the item shows a
 * spinning sync icon, and it says "Assetline" all the same.
 */
export async function waitForRunningServer(page: Page): Promise<void> {
  await page
    .locator(".statusbar-item", { hasText: "Assetline" })
    .filter({ hasNot: page.locator(".codicon-sync") })
    .first()
    .waitFor({ timeout: 90_000 });
}

/** A new page in `browser` on the workbench, its explorer drawn (for scenarios that manage their own hooks). */
export async function openWorkbenchPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  await openWorkbench(page);
  return page;
}

export function quickInput(page: Page) {
  return page.locator(".quick-input-widget input");
}

/** A row of the open quick input (Quick Open, the palette, an extension's pick). */
export function quickRow(page: Page, text: string | RegExp) {
  return page.locator(".quick-input-widget .quick-input-list .monaco-list-row", { hasText: text }).first();
}

/** Quick Open (Ctrl+P) with `text` typed: `file.ts` opens a file, `:12:5` moves the cursor there. */
export async function quickOpen(page: Page, text: string): Promise<void> {
  // A webview (the lineage panel) with the focus keeps Ctrl+P in its frame: the workbench gets it first.
  if ((await page.evaluate("document.activeElement?.tagName")) === "IFRAME") {
    await page.locator(".part.sidebar .composite.title").first().click();
  }
  await page.keyboard.press("Control+P");
  await quickInput(page).waitFor({ timeout: 30_000 });
  await quickInput(page).fill(text);
}

/** Runs a command from the palette by its title ("Assetline: Go to Asset…"), as a person picks it. */
export async function runFromPalette(page: Page, title: string): Promise<void> {
  await quickOpen(page, `>${title}`);
  const row = quickRow(page, title);
  await row.waitFor({ timeout: 30_000 });
  // The row clicked: Enter takes whichever row has the focus while the palette is still filtering.
  await row.click();
}

/** Opens `file` with Quick Open (Ctrl+P) and waits for its tab. */
export async function openFile(page: Page, file: string): Promise<void> {
  await quickOpen(page, file);
  await quickRow(page, file).waitFor({ timeout: 30_000 });
  await page.keyboard.press("Enter");
  await page.locator(".tab.active", { hasText: file }).waitFor({ timeout: 30_000 });
}

/** A CodeLens in the editor group showing `file`: other visible editors have the same lenses. */
export function lensIn(page: Page, file: string, title: string): Locator {
  const group = page.locator(".editor-group-container").filter({ has: page.locator(".tab.active", { hasText: file }) });
  return group.locator(".codelens-decoration a", { hasText: title }).first();
}

export interface LineagePanelView {
  readonly frame: FrameLocator;
  /** The drawn node whose key is exactly `key`. */
  node(key: string): Locator;
  /** Every key drawn, sorted. */
  drawnKeys(): Promise<string[]>;
}

/** The lineage panel's page, inside VS Code's two webview frames. */
export function lineagePanel(page: Page): LineagePanelView {
  const frame = page.frameLocator("iframe.webview.ready").frameLocator("#active-frame");
  const exactly = (key: string) => new RegExp(`^${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);
  return {
    frame,
    node: (key) => frame.locator("g.node").filter({ has: frame.locator("text.key", { hasText: exactly(key) }) }),
    drawnKeys: async () => (await frame.locator("g.node text.key").allTextContents()).sort(),
  };
}

/** Screenshot, the notifications shown, and the tail of every Assetline log, for a failed test. */
export async function keepEvidence(page: Page | undefined, name: string): Promise<void> {
  if (!page) return;
  await page.screenshot({ path: join(SHOTS, `${name}-failure.png`) }).catch(() => undefined);
  const notifications = await page
    .locator(".notification-toast, .notifications-center .notification-list-item")
    .allTextContents()
    .catch(() => []);
  const report = [
    `notifications: ${notifications.length === 0 ? "none" : notifications.join(" | ")}`,
    ...assetlineLogs().map(({ file, tail }) => `--- ${file}\n${tail}`),
  ].join("\n");
  writeFileSync(join(SHOTS, `${name}-failure.txt`), report);
  console.log(report);
}

function assetlineLogs(): { file: string; tail: string }[] {
  if (!LOGS) return [];
  const found: string[] = [];
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) visit(path);
      else if (/assetline|exthost\.log$/i.test(entry)) found.push(path);
    }
  };
  try {
    visit(LOGS);
  } catch {
    return [];
  }
  return found.map((file) => ({ file, tail: readFileSync(file, "utf8").split("\n").slice(-40).join("\n") }));
}
