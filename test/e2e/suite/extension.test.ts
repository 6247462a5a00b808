/**
 * The extension in a real VS Code (code-server), in a TRUSTED copy of examples/jaffle_shop
 * whose node_modules/assetline is the engine, as `npm install` would leave it.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import * as vscode from "vscode";
import type { AssetlineApi } from "../../../client/src/extension";
import { ClientCommands } from "../../../protocol/commands";
import type { RunFinishedParams } from "../../../protocol/runs";
import type { HostToWebviewMessage } from "../../../protocol/webview";
import { activatedApi, cliStatus, codeLensTitles, diagnosticsFor, until, workspaceRoot } from "./helpers";

const STG_ORDERS = join("src", "staging", "stg_orders.ts");

describe("Assetline in VS Code (trusted workspace)", () => {
  let api: AssetlineApi;

  before(async () => {
    api = await activatedApi();
  });

  it("runs the workspace's installed engine with the user's Node, outside the extension host", () => {
    const launch = api.launch();
    assert.ok(launch, "no launch recorded");
    assert.equal(launch.trusted, true);
    assert.equal(launch.engine.source, "workspace");
    assert.equal(launch.engine.serverScript, join(workspaceRoot(), "node_modules", "assetline", "dist", "server.js"));
    assert.ok(launch.nodePath.startsWith("/"), `node resolved to an absolute path, got ${launch.nodePath}`);
    assert.match(launch.nodeVersion, /^\d+\.\d+\.\d+$/);
  });

  it("shows AL002 for a missing upstream in the Problems panel", async () => {
    const text = `import { asset } from "assetline";\n\nexport const broken = asset({ deps: ["raw_orderz"] }, (ctx) => {\n  ctx.db.exec("select 1");\n});\n`;
    const diagnostic = await diagnosticsFor(join("src", "broken.ts"), text, "AL002");
    assert.equal(diagnostic.source, "assetline");
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.match(diagnostic.message, /raw_orderz/);
    assert.match(diagnostic.message, /raw_orders/, "suggests the closest key");
    // The dep string itself is underlined, not the whole call.
    assert.equal(diagnostic.range.start.line, 2);
  });

  it("puts status and actions in CodeLenses above an asset", async () => {
    await vscode.window.showTextDocument(vscode.Uri.file(join(workspaceRoot(), STG_ORDERS)));
    const titles = await until(
      [vscode.languages.onDidChangeDiagnostics, api.onDidChangeStatus],
      async () => {
        const current = await codeLensTitles(STG_ORDERS);
        return current.includes("▶ Materialize") ? current : undefined;
      },
      "CodeLenses on stg_orders.ts",
    );
    assert.ok(
      titles.some((title) => title.startsWith("○ never materialized")),
      titles.join(" | "),
    );
    assert.ok(titles.includes("Show lineage"), titles.join(" | "));
  });

  it("materializes an asset from its command: the run is recorded in the store and the CodeLens follows", async () => {
    const finished = await vscode.commands.executeCommand<RunFinishedParams | undefined>(ClientCommands.materialize, {
      key: "stg_orders",
    });
    assert.ok(finished, "the command did not run");
    assert.equal(finished.status, "SUCCESS", finished.message);
    // One build step, then the asset's checks (src/checks.ts targets stg_orders twice).
    assert.deepEqual(
      finished.steps.filter((step) => step.checkName === undefined).map((step) => [step.assetKey, step.status]),
      [["stg_orders", "succeeded"]],
    );
    assert.ok(
      finished.steps.some((step) => step.checkName !== undefined),
      "the asset's checks ran after it",
    );
    assert.ok(existsSync(join(workspaceRoot(), ".assetline", "assetline.db")), "no run history file");
    const status = (await cliStatus()).find((asset) => asset.key === "stg_orders");
    assert.ok(status?.lastMaterializedAt, "the CLI sees no materialization of stg_orders");
    const titles = await until(
      [api.onDidChangeStatus],
      async () => {
        const current = await codeLensTitles(STG_ORDERS);
        return current.some((title) => title.startsWith("✓ materialized")) ? current : undefined;
      },
      "the CodeLens to say stg_orders is materialized",
    );
    assert.ok(!titles.some((title) => title.startsWith("○ never materialized")), titles.join(" | "));
  });

  it("opens the lineage panel, which asks for the graph and gets it", async () => {
    let lastGraph: Extract<HostToWebviewMessage, { type: "graph" }> | undefined;
    // Subscribed before `until`, so the message is stored before the probe looks for it.
    const listener = api.onDidPostToLineage((message) => {
      if (message.type === "graph" && message.graph.nodes.some((node) => node.key === "stg_orders"))
        lastGraph = message;
    });
    const posted = until(
      [api.onDidPostToLineage as vscode.Event<unknown>],
      () => lastGraph,
      "the lineage graph to be posted after the webview's ready",
    );
    try {
      await vscode.commands.executeCommand(ClientCommands.showLineage, { focus: "stg_orders" });
      const message = await posted;
      assert.equal(message.focus, "stg_orders");
      const keys = message.graph.nodes.map((node) => node.key);
      for (const key of ["raw_orders", "stg_orders", "orders", "customers", "monthly_revenue"])
        assert.ok(keys.includes(key), `${key} missing from ${keys.join(", ")}`);
      assert.equal(message.graph.nodes.find((node) => node.key === "stg_orders")?.status?.state, "fresh");
    } finally {
      listener.dispose();
    }
    const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs);
    assert.ok(
      tabs.some(
        (tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith("assetline.lineage"),
      ),
      "no lineage tab",
    );
  });

  it("restarts the language server on request and comes back with the same engine", async () => {
    const states: string[] = [];
    const listener = api.onDidChangeState((state) => states.push(state.kind));
    try {
      await vscode.commands.executeCommand("assetline.restartServer");
      await until([api.onDidChangeState], () => api.state() === "running", "the server to run again");
    } finally {
      listener.dispose();
    }
    assert.deepEqual(states, ["stopped", "starting", "running"]);
    assert.equal(api.launch()?.engine.source, "workspace");
  });
});
