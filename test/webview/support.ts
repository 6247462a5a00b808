/**
 * A stand-in for VS Code's webview host: serves the BUILT panel (dist/webview) on 127.0.0.1
 * with the page the extension generates, CSP included, and gives the page an
 * `acquireVsCodeApi` that records what the panel posts. Headless Debian Chromium runs it.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { lineageHtml, makeNonce } from "../../client/src/lineage/html";
import { launchBrowser } from "../e2e/support/chromium";
import type { ImpactHighlight } from "../../protocol/impactHighlight";
import type { LineageGraph, LineageNode } from "../../protocol/lineage";
import type { AssetState } from "../../protocol/status";
import type { HostToWebviewMessage, LineageScope } from "../../protocol/webview";

const root = join(__dirname, "..", "..");
const dist = join(root, "dist", "webview");

export interface PanelHost {
  readonly page: Page;
  /** Everything the panel posted, in order. */
  posted(): Promise<unknown[]>;
  /** Waits until the panel has posted at least `count` messages. */
  waitForPosted(count: number): Promise<unknown[]>;
  send(message: HostToWebviewMessage | unknown): Promise<void>;
  /** Uncaught errors in the page. */
  errors(): string[];
  /** CSP violations the page reported. */
  violations(): Promise<string[]>;
  close(): Promise<void>;
}

export interface PanelOptions {
  /** The panel's size in px (default 1200 × 800); a narrow split is ~420 wide. */
  readonly viewport?: { readonly width: number; readonly height: number };
  /** Serve the worker script from another origin, as VS Code's resource origin is to its webviews. */
  readonly crossOriginWorker?: boolean;
}

export async function openPanel(browser: Browser, options: PanelOptions = {}): Promise<PanelHost> {
  if (!existsSync(join(dist, "lineage.js")))
    throw new Error("dist/webview/lineage.js is missing: run `npm run build` first");
  const server = await serve();
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const page = await browser.newPage({ viewport: options.viewport ?? { width: 1200, height: 800 } });
  // Like VS Code's own host script, this runs before the panel's script and outside its CSP.
  // A string, not a function: tsx would wrap named functions in helpers the page lacks.
  await page.addInitScript(`
    window.__posted = [];
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (event) => window.__violations.push(event.violatedDirective + " " + event.blockedURI));
    window.acquireVsCodeApi = () => ({
      postMessage: (message) => window.__posted.push(JSON.parse(JSON.stringify(message))),
      // Kept across reloads of the page, as VS Code keeps a hidden panel's state.
      getState: () => JSON.parse(sessionStorage.getItem("__state") ?? "null") ?? undefined,
      setState: (state) => sessionStorage.setItem("__state", JSON.stringify(state)),
    });
  `);
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`${origin}/panel.html`);
  return {
    page,
    posted: () => page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted.slice()),
    waitForPosted: async (count) => {
      await page.waitForFunction((n) => (window as unknown as { __posted: unknown[] }).__posted.length >= n, count, {
        timeout: 20_000,
      });
      return page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted.slice());
    },
    // Structured-cloned like VS Code's postMessage: a JSON round trip drops undefined fields.
    send: (message) => page.evaluate((data) => window.postMessage(JSON.parse(data), "*"), JSON.stringify(message)),
    errors: () => errors.slice(),
    violations: () => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations.slice()),
    close: async () => {
      await page.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };

  function serve(): Promise<Server> {
    const nonce = makeNonce((size) => randomBytes(size));
    const created = createServer((request, response) => {
      const port = (created.address() as AddressInfo).port;
      const base = `http://127.0.0.1:${port}`;
      const url = new URL(request.url ?? "/", base);
      if (url.pathname === "/panel.html") {
        // 127.0.0.1 and localhost are different origins: the worker then comes from elsewhere.
        const workerBase = options.crossOriginWorker ? `http://localhost:${port}` : base;
        const html = lineageHtml({
          cspSource: `${base} ${workerBase}`,
          nonce,
          scriptUri: `${base}/lineage.js`,
          styleUri: `${base}/lineage.css`,
          workerUri: `${workerBase}/layout-worker.js`,
        });
        response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html);
        return;
      }
      const file = {
        "/lineage.js": "lineage.js",
        "/lineage.css": "lineage.css",
        "/layout-worker.js": "layout-worker.js",
      }[url.pathname];
      if (!file) {
        response.writeHead(404).end();
        return;
      }
      const type = file.endsWith(".js") ? "text/javascript" : "text/css";
      response.writeHead(200, { "content-type": type }).end(readFileSync(join(dist, file)));
    });
    return new Promise((resolve) => created.listen(0, "127.0.0.1", () => resolve(created)));
  }
}

/** A lineage node as the server sends it, with a status. */
export function lineageNode(
  key: string,
  state: AssetState | undefined,
  kind: LineageNode["kind"] = "asset",
): LineageNode {
  const uri = `file:///workspace/src/${key.replace(/[^a-z_]/gi, "_")}.ts`;
  return {
    key,
    kind,
    group: "staging",
    owners: ["team:analytics"],
    kinds: ["sqlite"],
    description: undefined,
    location:
      kind === "placeholder"
        ? undefined
        : { uri, range: { start: { line: 2, character: 13 }, end: { line: 2, character: 23 } } },
    checks: [],
    status:
      state === undefined
        ? undefined
        : { key, state, reason: `it is ${state}`, lastMaterializedAt: undefined, lastFailedAt: undefined, checks: [] },
  };
}

export function lineageGraph(nodes: LineageNode[], edges: [string, string][], cycles: string[][] = []): LineageGraph {
  return {
    version: 1,
    nodes,
    edges: edges.map(([from, to]) => ({ from, to })),
    cycles,
    unmatched: [],
    error: undefined,
  };
}

export { launchBrowser };

/**
 * Registers a browser suite's hooks: one Chromium for the suite, and each test's panel closed
 * after it, failing the test if the page threw. `open` opens that test's panel.
 */
export function usePanels(): { open: (options?: PanelOptions) => Promise<PanelHost> } {
  let browser: Browser | undefined;
  let panel: PanelHost | undefined;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    const errors = panel?.errors() ?? [];
    await panel?.close();
    panel = undefined;
    if (errors.length > 0) throw new Error(`uncaught errors in the panel: ${errors.join("; ")}`);
  });
  return {
    open: async (options) => {
      if (!browser) throw new Error("the browser did not start (its before hook failed)");
      panel = await openPanel(browser, options);
      await panel.waitForPosted(1);
      return panel;
    },
  };
}

/** A `graph` message as the host posts it; the scope defaults to "show all". */
export function graphMessage(
  graph: LineageGraph,
  view: {
    focus?: string;
    highlight?: readonly string[];
    impact?: readonly ImpactHighlight[];
    scope?: LineageScope;
    follow?: boolean;
    canRunCode?: boolean;
  } = {},
): HostToWebviewMessage {
  return {
    type: "graph",
    graph,
    scope: view.scope ?? { kind: "all" },
    focus: view.focus,
    highlight: view.highlight ?? [],
    impact: view.impact ?? [],
    follow: view.follow ?? true,
    canRunCode: view.canRunCode ?? true,
  };
}
