import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { type PanelHost, graphMessage, launchBrowser, lineageGraph, lineageNode, openPanel } from "./support";

const HOSTILE = "<img src=x onerror=alert(1)>";

const jaffle = lineageGraph(
  [
    lineageNode("raw_orders", "fresh", "source"),
    lineageNode("raw_payments", "overdue", "source"),
    lineageNode("stg_orders", "upstream-changed"),
    lineageNode("stg_payments", "code-changed"),
    lineageNode("orders", "failed"),
    lineageNode("monthly_revenue", "never-materialized"),
    lineageNode("raw_refunds", undefined, "placeholder"),
  ],
  [
    ["raw_orders", "stg_orders"],
    ["raw_payments", "stg_payments"],
    ["stg_orders", "orders"],
    ["stg_payments", "orders"],
    ["raw_refunds", "orders"],
    ["orders", "monthly_revenue"],
  ],
);

describe("lineage panel (built webview in headless Chromium)", function () {
  this.timeout(60_000);
  let browser: Browser;
  let panel: PanelHost;

  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    panel = await openPanel(browser);
  });
  afterEach(async () => {
    assert.deepEqual(panel?.errors() ?? [], [], "uncaught errors in the panel");
    await panel?.close();
  });

  const exactly = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);
  const node = (key: string) =>
    panel.page.locator("g.node").filter({ has: panel.page.locator("text.key", { hasText: exactly(key) }) });

  it("says ready first, and draws nothing until the host sends a graph", async () => {
    const posted = await panel.waitForPosted(1);
    assert.deepEqual(posted, [{ type: "ready" }]);
    assert.equal(await panel.page.locator("g.node").count(), 0);
    assert.equal(await panel.page.locator("#summary").textContent(), "Loading the asset graph…");
  });

  it("draws every node, coloured by its state in the CLI's words", async () => {
    await panel.waitForPosted(1);
    await panel.send(graphMessage(jaffle, { focus: undefined, highlight: [] }));
    await panel.page
      .locator("g.node")
      .nth(jaffle.nodes.length - 1)
      .waitFor();
    assert.equal(await panel.page.locator("g.node").count(), jaffle.nodes.length);
    assert.equal(await panel.page.locator("path.edge").count(), jaffle.edges.length);
    const expected: Record<string, [string, string]> = {
      raw_orders: ["state-fresh", "source · fresh"],
      raw_payments: ["state-overdue", "source · overdue"],
      stg_orders: ["state-upstream-changed", "upstream-changed"],
      stg_payments: ["state-code-changed", "code-changed"],
      orders: ["state-failed", "failed"],
      monthly_revenue: ["state-never-materialized", "never-materialized"],
      raw_refunds: ["state-placeholder", "not defined"],
    };
    for (const [key, [className, word]] of Object.entries(expected)) {
      assert.match((await node(key).getAttribute("class")) ?? "", new RegExp(`\\b${className}\\b`), key);
      assert.equal(await node(key).locator("text.status").textContent(), word);
    }
    // The colour really differs per state (the theme variables' fallbacks apply outside VS Code).
    const stroke = (key: string) =>
      node(key)
        .locator("rect")
        .evaluate((rect) => getComputedStyle(rect).stroke);
    assert.notEqual(await stroke("orders"), await stroke("raw_orders"));
    // Upstream is drawn left of downstream.
    const x = async (key: string) => (await node(key).boundingBox())!.x;
    assert.ok((await x("raw_orders")) < (await x("stg_orders")) && (await x("stg_orders")) < (await x("orders")));
    assert.equal(await panel.page.locator("#summary").textContent(), "7 assets · 6 dependencies");
  });

  it("shows a key that looks like markup as text, and runs nothing from it", async () => {
    await panel.waitForPosted(1);
    const graph = lineageGraph(
      [lineageNode(HOSTILE, "fresh"), lineageNode("<script>window.__pwned=1</script>", "failed")],
      [[HOSTILE, "<script>window.__pwned=1</script>"]],
    );
    await panel.send(graphMessage(graph, { focus: HOSTILE }));
    await panel.page.locator("g.node").nth(1).waitFor();
    assert.equal(await panel.page.locator("text.key").first().textContent(), HOSTILE);
    assert.equal(await panel.page.locator("img").count(), 0);
    assert.equal(await panel.page.locator("body script").count(), 1, "only the panel's own script");
    assert.equal(await panel.page.evaluate(() => "__pwned" in window), false);
  });

  it("posts a typed openDefinition when a node is double-clicked or activated with Enter", async () => {
    await panel.waitForPosted(1);
    await panel.send(graphMessage(jaffle, { focus: "orders", highlight: [] }));
    // A pointer's selection also asks for the node's details once the double-click window has
    // passed, so under load those requests interleave: read only what opens code.
    const opened = async (count: number): Promise<unknown[]> => {
      await panel.page.waitForFunction(
        (n) =>
          (window as unknown as { __posted: { type?: string }[] }).__posted.filter(
            (message) => message.type === "openDefinition",
          ).length >= n,
        count,
        { timeout: 20_000 },
      );
      return (await panel.posted()).filter((message) => (message as { type?: string }).type === "openDefinition");
    };
    await node("stg_orders").dblclick();
    assert.deepEqual((await opened(1))[0], { type: "openDefinition", key: "stg_orders" });
    await node("orders").focus();
    await panel.page.keyboard.press("Enter");
    assert.deepEqual((await opened(2))[1], { type: "openDefinition", key: "orders" });
    // A placeholder has no definition to open.
    await node("raw_refunds").dblclick();
    // Its selection has settled once its details are shown (after the double-click window).
    await panel.page.locator("#details").getByText("raw_refunds").first().waitFor();
    assert.equal((await opened(2)).length, 2);
  });

  it("highlights a dependency cycle (AL001) and the path the host asks for", async () => {
    await panel.waitForPosted(1);
    const graph = lineageGraph(
      [lineageNode("a", "fresh"), lineageNode("b", "fresh"), lineageNode("c", "fresh"), lineageNode("d", "fresh")],
      [
        ["a", "b"],
        ["b", "c"],
        ["c", "a"],
        ["c", "d"],
      ],
      [["a", "b", "c", "a"]],
    );
    await panel.send(graphMessage(graph, { focus: "a", highlight: ["a", "b", "c", "a"] }));
    await panel.page.locator("g.node").nth(3).waitFor();
    assert.equal(await panel.page.locator("path.edge.cycle").count(), 3);
    assert.equal(await panel.page.locator("path.edge.highlight").count(), 3);
    assert.equal(await panel.page.locator("g.node.highlight").count(), 3);
    assert.match((await node("a").getAttribute("class")) ?? "", /\bfocus\b/);
    assert.match(
      (await panel.page.locator("#notice").textContent()) ?? "",
      /Dependency cycle \(AL001\): a → b → c → a/,
    );
  });

  it("draws the impact overlay: breaking in the error colour, data in the warning colour, the rest dimmed", async () => {
    await panel.waitForPosted(1);
    const impact = [
      { key: "stg_orders", tone: "breaking", changed: true },
      { key: "orders", tone: "breaking", changed: false },
      { key: "monthly_revenue", tone: "data", changed: false },
    ] as const;
    await panel.send(graphMessage(jaffle, { focus: "stg_orders", impact }));
    await panel.page.locator("g.node.impact-data").waitFor();
    const classes = async (key: string) => (await node(key).getAttribute("class")) ?? "";
    assert.match(await classes("stg_orders"), /\bimpact-breaking\b.*\bimpact-edited\b/);
    assert.match(await classes("orders"), /\bimpact-breaking\b/);
    assert.doesNotMatch(await classes("orders"), /\bimpact-edited\b/);
    assert.match(await classes("monthly_revenue"), /\bimpact-data\b/);
    for (const key of ["raw_orders", "raw_payments", "stg_payments", "raw_refunds"])
      assert.match(await classes(key), /\bimpact-dimmed\b/, key);
    const style = (key: string) =>
      node(key)
        .locator("rect")
        .evaluate((rect) => {
          const computed = getComputedStyle(rect);
          return { stroke: computed.stroke, opacity: getComputedStyle(rect.parentElement!).opacity };
        });
    // The theme variables' fallbacks: #f14c4c (error), #cca700 (warning).
    assert.equal((await style("orders")).stroke, "rgb(241, 76, 76)");
    assert.equal((await style("monthly_revenue")).stroke, "rgb(204, 167, 0)");
    assert.equal((await style("raw_orders")).opacity, "0.3");
    assert.equal((await style("orders")).opacity, "1");
    assert.equal(await panel.page.locator("path.edge.impact-breaking").count(), 1, "stg_orders → orders");
    assert.equal(await panel.page.locator("path.edge.impact-data").count(), 1, "orders → monthly_revenue");
    assert.equal(await panel.page.locator("path.edge.impact-dimmed").count(), jaffle.edges.length - 2);
    assert.equal(
      await panel.page.locator("#summary").textContent(),
      "7 assets · 6 dependencies · impact: 1 changed, 1 breaking, 1 to rebuild",
    );
    // The next report without impact (the change undone) takes the overlay off in place.
    await panel.send(graphMessage(jaffle, { focus: "stg_orders" }));
    await panel.page.locator("#summary", { hasText: exactly("7 assets · 6 dependencies") }).waitFor();
    assert.equal(await panel.page.locator(".impact-dimmed, .impact-breaking, .impact-data").count(), 0);
  });

  it("ignores malformed messages and keeps the last good graph", async () => {
    await panel.waitForPosted(1);
    await panel.send(graphMessage(jaffle, { focus: undefined, highlight: [] }));
    await panel.page
      .locator("g.node")
      .nth(jaffle.nodes.length - 1)
      .waitFor();
    for (const junk of [
      null,
      "graph",
      { type: "graph" },
      { type: "graph", graph: { ...jaffle, nodes: [{ key: 1 }] }, highlight: [] },
      { type: "eval", code: "1" },
    ]) {
      await panel.send(junk);
    }
    // A well-formed message after the junk proves the junk was handled (and dropped) first.
    await panel.send({ type: "unavailable", message: "Assetline's language server is not running." });
    await panel.page.locator("#notice", { hasText: "not running" }).waitFor();
    assert.equal(await panel.page.locator("g.node").count(), 0);
    assert.deepEqual(await panel.posted(), [{ type: "ready" }]);
  });

  it("has a CSP that blocks an injected inline script", async () => {
    await panel.waitForPosted(1);
    await panel.page.evaluate(() => {
      const script = document.createElement("script");
      script.textContent = "window.__injected = true";
      document.body.append(script);
    });
    await panel.page.waitForFunction(() => (window as unknown as { __violations: string[] }).__violations.length > 0);
    assert.equal(await panel.page.evaluate(() => "__injected" in window), false);
    assert.match((await panel.violations()).join("\n"), /script-src/);
    // ELK lays out without eval: drawing a graph reports no further violation.
    await panel.send(graphMessage(jaffle, { focus: undefined, highlight: [] }));
    await panel.page
      .locator("g.node")
      .nth(jaffle.nodes.length - 1)
      .waitFor();
    assert.equal((await panel.violations()).length, 1);
  });
});
