import assert from "node:assert/strict";
import type { Browser, Locator } from "playwright-core";
import type { AssetDetails } from "../../protocol/assetDetails";
import type { LineageGraph, LineageNode } from "../../protocol/lineage";
import { bigGraph, jaffle } from "./graphs";
import { type PanelHost, graphMessage, launchBrowser, lineageGraph, lineageNode, openPanel } from "./support";

const HOSTILE = "<img src=x onerror=alert(1)>";

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

describe("lineage panel as a working tool (built webview in headless Chromium)", function () {
  this.timeout(90_000);
  let browser: Browser;
  let panel: PanelHost;

  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    assert.deepEqual(panel?.errors() ?? [], [], "uncaught errors in the panel");
    await panel?.close();
  });

  const exactly = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);
  const node = (key: string): Locator =>
    panel.page.locator("g.node").filter({ has: panel.page.locator("text.key", { hasText: exactly(key) }) });
  const box = async (key: string): Promise<Box> => (await node(key).boundingBox())!;
  const canvas = async (): Promise<Box> => (await panel.page.locator("#graph").boundingBox())!;
  const drawn = () => panel.page.locator("#graph").getAttribute("data-drawn");

  async function open(
    graph: LineageGraph,
    view: Parameters<typeof graphMessage>[1] = {},
    options?: Parameters<typeof openPanel>[1],
  ): Promise<void> {
    panel = await openPanel(browser, options);
    await panel.waitForPosted(1);
    await panel.send(graphMessage(graph, view));
    // Settled: a first picture drawn at once is replaced by its refined layout a moment later.
    await panel.page.locator("#graph[data-drawn]:not([data-refining])").waitFor({ state: "attached" });
    await node(graph.nodes[graph.nodes.length - 1]!.key).waitFor();
  }

  /** Waits until the panel has posted a message that satisfies `test`, and returns the first such. */
  async function postedMatching(test: (message: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    for (;;) {
      const posted = (await panel.posted()) as Record<string, unknown>[];
      const found = posted.find(test);
      if (found) return found;
      await panel.waitForPosted(posted.length + 1);
    }
  }

  it("zooms with the wheel around the pointer, with pinch, keyboard and buttons", async () => {
    await open(jaffle);
    const before = await box("orders");
    const centre = { x: before.x + before.width / 2, y: before.y + before.height / 2 };
    await panel.page.mouse.move(centre.x, centre.y);
    await panel.page.mouse.wheel(0, -300);
    await panel.page.waitForFunction(
      (width) => document.querySelector("g.node")!.getBoundingClientRect().width !== width,
      null,
    );
    const zoomed = await box("orders");
    assert.ok(zoomed.width > before.width * 1.2, `wheel up zooms in: ${before.width} → ${zoomed.width}`);
    // The point under the pointer stays under it.
    assert.ok(
      Math.abs(zoomed.x + zoomed.width / 2 - centre.x) < 2 && Math.abs(zoomed.y + zoomed.height / 2 - centre.y) < 2,
    );
    // Pinch: the browser reports ctrl+wheel.
    await panel.page.keyboard.down("Control");
    await panel.page.mouse.wheel(0, 40);
    await panel.page.keyboard.up("Control");
    const pinched = await box("orders");
    assert.ok(pinched.width < zoomed.width, "pinch out zooms out");
    await panel.page.locator("#graph").focus();
    await panel.page.keyboard.press("-");
    const keyed = await box("orders");
    assert.ok(keyed.width < pinched.width, "− zooms out");
    await panel.page.keyboard.press("+");
    assert.ok(Math.abs((await box("orders")).width - pinched.width) < 0.5, "+ zooms back in");
    await panel.page.locator("#zoom-in").click();
    assert.ok((await box("orders")).width > pinched.width, "the toolbar's + zooms in");
  });

  it("pans by dragging the background and with the arrow keys; a drag is not a click on a node", async () => {
    await open(jaffle);
    const area = await canvas();
    const before = await box("orders");
    await panel.page.mouse.move(area.x + 10, area.y + area.height - 10);
    await panel.page.mouse.down();
    await panel.page.mouse.move(area.x + 110, area.y + area.height - 50, { steps: 5 });
    await panel.page.mouse.up();
    const after = await box("orders");
    assert.ok(
      Math.abs(after.x - before.x - 100) < 1 && Math.abs(after.y - before.y + 40) < 1,
      `moved by the drag: ${JSON.stringify([before, after])}`,
    );
    await panel.page.locator("#graph").focus();
    await panel.page.keyboard.press("ArrowRight");
    assert.ok((await box("orders")).x < after.x, "ArrowRight shows what is to the right");
    // Dragging starting on a node pans too, and selects nothing.
    const start = await box("customers");
    await panel.page.mouse.move(start.x + 5, start.y + 5);
    await panel.page.mouse.down();
    await panel.page.mouse.move(start.x + 80, start.y + 5, { steps: 5 });
    await panel.page.mouse.up();
    assert.equal(await panel.page.locator("g.node.selected").count(), 0);
    assert.equal(await panel.page.locator("#details").isHidden(), true);
  });

  it("fits the whole graph in a narrow split, without cropping, and again on Fit or 0", async () => {
    await open(jaffle, {}, { viewport: { width: 420, height: 700 } });
    const area = await canvas();
    const inside = async () => {
      for (const { key } of jaffle.nodes) {
        const b = await box(key);
        assert.ok(
          b.x >= area.x &&
            b.y >= area.y &&
            b.x + b.width <= area.x + area.width + 0.5 &&
            b.y + b.height <= area.y + area.height + 0.5,
          `${key} is cropped`,
        );
      }
    };
    await inside();
    assert.equal(
      await panel.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
      true,
      "no horizontal scrolling",
    );
    await panel.page.locator("#zoom-in").click();
    await panel.page.locator("#zoom-in").click();
    await panel.page.locator("#fit").click();
    await inside();
    await panel.page.locator("#zoom-in").click();
    await panel.page.locator("#graph").focus();
    await panel.page.keyboard.press("0");
    await inside();
  });

  it("shows an overview of a large graph; clicking it moves the view there", async () => {
    await open(bigGraph(120), { focus: "asset_0000" });
    const minimap = panel.page.locator("#minimap");
    await minimap.waitFor({ state: "visible" });
    const frame = panel.page.locator("#minimap .minimap-frame");
    const before = await frame.boundingBox();
    const map = (await minimap.boundingBox())!;
    await panel.page.mouse.click(map.x + map.width - 4, map.y + map.height - 4);
    const after = await frame.boundingBox();
    assert.ok(after && before && (after.x > before.x || after.y > before.y), "the frame moved toward the click");
    // The last node (bottom right of the drawing) is now on screen.
    const area = await canvas();
    const last = await box("asset_0119");
    assert.ok(
      last.x < area.x + area.width && last.y < area.y + area.height && last.x + last.width > area.x,
      "the bottom-right corner is in view",
    );
    // A small graph needs no overview.
    await panel.send(graphMessage(jaffle));
    await panel.page.waitForFunction(() => document.getElementById("minimap")!.classList.contains("hidden"));
  });

  it("sends the selection box's text for the server to evaluate, and shows what it evaluated", async () => {
    await open(jaffle, { scope: { kind: "focus", key: "orders", upstream: 2, downstream: 2 }, focus: "orders" });
    const selection = panel.page.locator("#selection");
    assert.equal(await selection.inputValue(), "2+orders+2", "the focus is shown in the selection syntax");
    await selection.fill("+orders group:marts owner:team:x");
    await selection.press("Enter");
    assert.deepEqual(await postedMatching((m) => m.type === "setScope"), {
      type: "setScope",
      scope: { kind: "selection", text: "+orders group:marts owner:team:x" },
    });
    // A term that matches nothing makes the selection an error (the one resolver's rule): the server
    // sends its message and no nodes, and the panel says it.
    await panel.send(
      graphMessage(
        { ...jaffle, nodes: [], edges: [], unmatched: ["owner:team:x"], error: 'nothing matches "owner:team:x"' },
        { scope: { kind: "selection", text: "+orders group:marts owner:team:x" } },
      ),
    );
    await panel.page.locator("#notice", { hasText: 'nothing matches "owner:team:x"' }).waitFor();
    await panel.page.locator("#show-all").click();
    await postedMatching((m) => m.type === "setScope" && (m.scope as { kind: string }).kind === "all");
    await selection.fill("");
    await selection.press("Enter");
    assert.equal((await panel.posted()).filter((m) => (m as { type: string }).type === "setScope").length, 3);
  });

  it("changes the depth around the focused asset (2 by default), and toggles following the editor", async () => {
    await open(jaffle, { scope: { kind: "focus", key: "orders", upstream: 2, downstream: 2 }, focus: "orders" });
    assert.equal(await panel.page.locator("#upstream").inputValue(), "2");
    assert.equal(await panel.page.locator("#downstream").inputValue(), "2");
    await panel.page.locator("#upstream").fill("1");
    await panel.page.locator("#upstream").press("Enter");
    assert.deepEqual(await postedMatching((m) => m.type === "setScope"), {
      type: "setScope",
      scope: { kind: "focus", key: "orders", upstream: 1, downstream: 2 },
    });
    await panel.page.locator("#downstream").fill("500");
    await panel.page.locator("#downstream").press("Enter");
    await postedMatching((m) => m.type === "setScope" && (m.scope as { downstream: number }).downstream === 99);
    assert.equal(await panel.page.locator("#follow").isChecked(), true);
    await panel.page.locator("#follow").click();
    assert.deepEqual(await postedMatching((m) => m.type === "setFollow"), { type: "setFollow", follow: false });
  });

  it("opens a context menu on a node with the actions, by mouse and keyboard", async () => {
    await open(jaffle, { focus: "orders" });
    await node("stg_orders").click({ button: "right" });
    const menu = panel.page.locator("#menu");
    await menu.waitFor({ state: "visible" });
    assert.deepEqual(await menu.locator("button").allTextContents(), [
      "Open Definition",
      "Materialize",
      "Materialize with Upstream",
      "Run Checks",
      "Focus Here",
      "Show Upstream Only",
      "Show Downstream Only",
      "Copy Key",
    ]);
    // No check targets stg_orders here.
    assert.equal(await menu.locator("button", { hasText: "Run Checks" }).isDisabled(), true);
    await menu.locator("button", { hasText: /^Materialize$/ }).click();
    assert.deepEqual(await postedMatching((m) => m.type === "nodeAction"), {
      type: "nodeAction",
      action: "materialize",
      key: "stg_orders",
    });
    assert.equal(await menu.isHidden(), true);
    // Keyboard: the context-menu key on the focused node, arrows, Enter.
    await node("orders").focus();
    await panel.page.keyboard.press("Shift+F10");
    await menu.waitFor({ state: "visible" });
    // Run Checks is disabled (no check targets orders), so the arrows skip it.
    for (let i = 0; i < 4; i++) await panel.page.keyboard.press("ArrowDown");
    assert.equal(await panel.page.evaluate(() => document.activeElement?.textContent), "Show Upstream Only");
    await panel.page.keyboard.press("Enter");
    assert.deepEqual((await postedMatching((m) => m.type === "setScope")).scope, {
      kind: "focus",
      key: "orders",
      upstream: 2,
      downstream: 0,
    });
    // A source cannot be built; Escape closes the menu.
    await node("raw_orders").click({ button: "right" });
    assert.equal(await menu.locator("button", { hasText: /^Materialize$/ }).isDisabled(), true);
    await panel.page.keyboard.press("Escape");
    assert.equal(await menu.isHidden(), true);
    // Escape again closes the details, which narrowed the canvas.
    await panel.page.keyboard.press("Escape");
    await panel.page.locator("#details").waitFor({ state: "hidden" });
    await node("customers").click({ button: "right" });
    await menu.locator("button", { hasText: "Copy Key" }).click();
    await postedMatching((m) => m.type === "nodeAction" && m.action === "copyKey" && m.key === "customers");
  });

  it("offers no action that runs code in Restricted Mode, saying why", async () => {
    await open(jaffle, { focus: "orders", canRunCode: false });
    await node("orders").click({ button: "right" });
    const menu = panel.page.locator("#menu");
    await menu.waitFor({ state: "visible" });
    for (const label of [/^Materialize$/, /^Materialize with Upstream$/, /^Run Checks$/]) {
      assert.equal(await menu.locator("button", { hasText: label }).isDisabled(), true, String(label));
    }
    assert.equal(await menu.locator("button", { hasText: "Open Definition" }).isDisabled(), false);
    assert.match(
      (await menu.locator("button", { hasText: /^Materialize$/ }).getAttribute("title")) ?? "",
      /Trust this workspace/,
    );
  });

  it("shows the selected node's details as text, hostile key, description and owners included", async () => {
    const hostileNode: LineageNode = {
      ...lineageNode(HOSTILE, "failed"),
      description: "<b onmouseover=alert(1)>bold</b> & <script>window.__pwned=1</script>",
      owners: ["<svg/onload=alert(2)>"],
      group: "<i>marts</i>",
      kinds: ["sqlite", "<u>x</u>"],
      checks: [{ name: "<img src=y onerror=alert(3)>", blocking: true, location: lineageNode("x", "fresh").location! }],
      status: {
        key: HOSTILE,
        state: "failed",
        reason: "<a href=javascript:alert(4)>why</a>",
        lastMaterializedAt: Date.now() - 3 * 3_600_000,
        lastFailedAt: Date.now() - 60_000 * 5,
        checks: [{ name: "<img src=y onerror=alert(3)>", passed: false, evaluatedAt: Date.now() - 60_000 * 5 }],
      },
    };
    const graph = lineageGraph([lineageNode("stg_orders", "fresh"), hostileNode], [["stg_orders", HOSTILE]]);
    await open(graph);
    await node(HOSTILE).click();
    const details = panel.page.locator("#details");
    await details.waitFor({ state: "visible" });
    assert.equal(await details.locator("h2").textContent(), HOSTILE);
    const text = (await details.textContent()) ?? "";
    for (const expected of [
      hostileNode.description!,
      "<svg/onload=alert(2)>",
      "<i>marts</i>",
      "sqlite, <u>x</u>",
      "<a href=javascript:alert(4)>why</a>",
      "<img src=y onerror=alert(3)> (blocking): failed",
    ]) {
      assert.ok(text.includes(expected), `details lack ${expected}: ${text}`);
    }
    assert.match(text, /last materialized\d{4}-\d\d-\d\d \d\d:\d\d \(3 h ago\)/);
    assert.match(text, /last failed.*\(5 min ago\)/);
    assert.equal(
      await panel.page.locator("img, svg svg, b, i, u, a, body script:not([src])").count(),
      0,
      "no markup was created",
    );
    assert.equal(await panel.page.evaluate(() => "__pwned" in window), false);
    // Single click selects (no openDefinition) and asks the host for the columns and runs.
    await postedMatching((m) => m.type === "requestDetails" && m.key === HOSTILE);
    assert.equal((await panel.posted()).filter((m) => (m as { type: string }).type === "openDefinition").length, 0);
    assert.match((await details.textContent()) ?? "", /Reading columns and recent runs/);
    const now = Date.now();
    const answer: AssetDetails = {
      key: HOSTILE,
      columns: { known: true, names: ["order_id", "<img src=c onerror=alert(5)>"] },
      runs: [
        {
          runId: "<script>run</script>",
          outcome: "failed",
          startedAt: now - 2 * 3_600_000,
          durationMs: 1500,
          message: "<iframe src=javascript:alert(6)>",
          checks: [{ name: "<b>check</b>", passed: false, blocking: true }],
        },
        {
          runId: "01J1",
          outcome: "succeeded",
          startedAt: now - 26 * 3_600_000,
          durationMs: 420,
          message: undefined,
          checks: [],
        },
      ],
      olderRunsNotSearched: true,
      next: {
        expectedAt: now + 8 * 3_600_000 + 120_000,
        durationP50Ms: 240_000,
        durationP90Ms: 366_000,
        willBeOverdue: true,
        basis: "<b>cron</b> 0 6 * * * at 06:00, takes about 4 min",
      },
    };
    // An answer for another key (a stale one) is ignored.
    await panel.send({
      type: "details",
      details: { ...answer, key: "stg_orders", columns: { known: false, why: "stale" } },
    });
    await panel.send({ type: "details", details: answer });
    await details.locator("ul.runs li").nth(1).waitFor();
    const withHistory = (await details.textContent()) ?? "";
    for (const expected of [
      "Next materialization",
      "(in 8 h)",
      "<b>cron</b> 0 6 * * * at 06:00, takes about 4 min",
      "Expected duration: 4 min 0 s (p50), 6 min 6 s (p90)",
      "Will be overdue: yes, its freshness deadline passes before then",
      "Columns (2)",
      "<img src=c onerror=alert(5)>",
      "Recent runs",
      "failed · ",
      "(2 h ago) · 1.5 s",
      "<iframe src=javascript:alert(6)>",
      "checks: <b>check</b> (blocking) failed",
      "succeeded · ",
      "(26 h ago) · 420 ms",
      "Older runs were not searched",
    ]) {
      assert.ok(withHistory.includes(expected), `details lack ${expected}: ${withHistory}`);
    }
    assert.ok(!withHistory.includes("stale"), withHistory);
    assert.equal(await details.locator("ul.runs li").first().getAttribute("title"), "run <script>run</script>");
    assert.equal(
      await panel.page.locator("img, iframe, svg svg, b, i, u, a, body script:not([src])").count(),
      0,
      "no markup was created",
    );
    // A status update redraws the node: the runs stay on screen while they are asked for again.
    const asked = (await panel.posted()).length;
    await panel.send(graphMessage(graph));
    await panel.waitForPosted(asked + 1);
    assert.ok(((await details.textContent()) ?? "").includes("Columns (2)"));
    await panel.send({
      type: "detailsUnavailable",
      key: HOSTILE,
      message: "The history could not be read: <u>locked</u>",
    });
    await details.getByText("The history could not be read: <u>locked</u>").waitFor();
    // Escape closes the details.
    await panel.page.keyboard.press("Escape");
    await details.waitFor({ state: "hidden" });
  });

  it("keeps the viewport across a status update, recolouring in place without a layout", async () => {
    await open(jaffle, { scope: { kind: "all" } });
    await panel.page.locator("#zoom-in").click();
    const area = await canvas();
    await panel.page.mouse.move(area.x + 5, area.y + 5);
    await panel.page.mouse.down();
    await panel.page.mouse.move(area.x + 65, area.y + 35, { steps: 3 });
    await panel.page.mouse.up();
    const transform = await panel.page.locator("#layer").getAttribute("transform");
    const before = await box("orders");
    await panel.page.evaluate(
      () => ((document.querySelector("g.node") as unknown as { __marker: number }).__marker = 1),
    );
    const fixed = {
      ...jaffle,
      nodes: jaffle.nodes.map((n) => (n.key === "orders" ? lineageNode("orders", "fresh") : n)),
    };
    await panel.send(graphMessage(fixed, { scope: { kind: "all" } }));
    await panel.page.waitForFunction(
      () => document.querySelector("#graph")!.getAttribute("data-drawn") === "recoloured",
    );
    await node("orders").locator("text.status", { hasText: "fresh" }).waitFor();
    assert.match((await node("orders").getAttribute("class")) ?? "", /\bstate-fresh\b/);
    assert.equal(await panel.page.locator("#layer").getAttribute("transform"), transform);
    assert.deepEqual(await box("orders"), before);
    assert.equal(
      await panel.page.evaluate(() => (document.querySelector("g.node") as unknown as { __marker?: number }).__marker),
      1,
      "the same elements, recoloured",
    );
  });

  it("keeps unchanged nodes where they were on screen when an edit adds one node", async () => {
    await open(jaffle, { scope: { kind: "all" } });
    await panel.page.locator("#zoom-out").click();
    const before = new Map<string, Box>();
    for (const { key } of jaffle.nodes) before.set(key, await box(key));
    const edited = lineageGraph(
      [...jaffle.nodes, lineageNode("orders_summary", "never-materialized")],
      [...jaffle.edges.map((edge): [string, string] => [edge.from, edge.to]), ["orders", "orders_summary"]],
    );
    await panel.send(graphMessage(edited, { scope: { kind: "all" } }));
    await node("orders_summary").waitFor();
    for (const { key } of jaffle.nodes) {
      const now = await box(key);
      const was = before.get(key)!;
      assert.ok(
        Math.abs(now.x - was.x) < 1 && Math.abs(now.y - was.y) < 1,
        `${key} moved: ${JSON.stringify([was, now])}`,
      );
    }
    assert.ok((await box("orders_summary")).x > before.get("orders")!.x, "the new node is downstream of orders");
  });

  it("re-frames for a new scope, centred on the focused asset", async () => {
    await open(jaffle, { scope: { kind: "all" } });
    for (let i = 0; i < 4; i++) await panel.page.locator("#zoom-in").click();
    const focusScope = { kind: "focus" as const, key: "customers", upstream: 1, downstream: 0 };
    const part = lineageGraph(
      [lineageNode("orders", "failed"), lineageNode("customers", "fresh")],
      [["orders", "customers"]],
    );
    await panel.send(graphMessage(part, { scope: focusScope, focus: "customers" }));
    await panel.page.waitForFunction(() => document.querySelectorAll("g.node").length === 2);
    const area = await canvas();
    for (const key of ["orders", "customers"]) {
      const b = await box(key);
      assert.ok(b.x >= area.x && b.x + b.width <= area.x + area.width, `${key} is in view`);
    }
    assert.match((await node("customers").getAttribute("class")) ?? "", /\bfocus\b/);
  });

  it("lays out in the worker from the panel's own files, under the CSP, with no violation", async () => {
    await open(bigGraph(60));
    assert.equal(await drawn(), "worker");
    assert.deepEqual(await panel.violations(), []);
    // The same graph again (another scope, then back) comes from the cache: no layout at all.
    await panel.send(graphMessage(jaffle));
    await panel.page.waitForFunction(() => document.querySelectorAll("g.node").length === 7);
    await panel.send(graphMessage(bigGraph(60)));
    await panel.page.waitForFunction(() => document.querySelectorAll("g.node").length === 60);
    assert.equal(await drawn(), "cache");
    // A reload (VS Code hides and shows the panel) reopens the saved layout and viewport.
    await panel.page.locator("#zoom-in").click();
    const transform = await panel.page.locator("#layer").getAttribute("transform");
    await panel.page.waitForFunction(
      () =>
        sessionStorage.getItem("__state") !== null && JSON.parse(sessionStorage.getItem("__state")!).transform.k > 0,
    );
    await panel.page.waitForTimeout(300); // the state is written 250 ms after the last viewport change
    await panel.page.reload();
    await panel.waitForPosted(1);
    await panel.send(graphMessage(bigGraph(60)));
    await panel.page.locator("#graph[data-drawn]").waitFor();
    assert.equal(await drawn(), "cache");
    assert.equal(await panel.page.locator("#layer").getAttribute("transform"), transform);
  });

  it("falls back to the UI thread when the host refuses a cross-origin worker, and says so", async () => {
    await open(jaffle, {}, { crossOriginWorker: true });
    assert.equal(await drawn(), "main-thread");
    const posted = await postedMatching((m) => m.type === "renderError");
    assert.match(String(posted.message), /layout worker .*UI thread/);
  });

  it("warns above 1,000 nodes and offers grouping by group, whose nodes open the group's selection", async () => {
    panel = await openPanel(browser);
    await panel.waitForPosted(1);
    await panel.send(graphMessage(bigGraph(1200, 4)));
    const warning = panel.page.locator("#large");
    await warning.waitFor({ state: "visible" });
    assert.match((await warning.textContent()) ?? "", /1200 assets/);
    assert.equal(await panel.page.locator("g.node").count(), 0, "nothing laid out before the user chooses");
    await panel.page.locator("#large-group").click();
    await panel.page.waitForFunction(() => document.querySelectorAll("g.node.group").length === 4);
    assert.match((await node("group:g0").locator("text.status").textContent()) ?? "", /^300 assets$/);
    await node("group:g1").dblclick();
    assert.deepEqual((await postedMatching((m) => m.type === "setScope")).scope, {
      kind: "selection",
      text: "group:g1",
    });
  });
});
