/**
 * The extension in a workspace the user has NOT trusted (restricted mode): the workspace's
 * installed engine is code from the workspace, so the bundled one runs; analysis still works;
 * materializing is refused before anything executes.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import * as vscode from "vscode";
import type { AssetlineApi } from "../../../client/src/extension";
import { ClientCommands } from "../../../protocol/commands";
import { MaterializeRequest } from "../../../protocol/methods";
import type { MaterializeParams } from "../../../protocol/runs";
import type { HostToWebviewMessage } from "../../../protocol/webview";
import { activatedApi, codeLensTitles, diagnosticsFor, until, workspaceRoot } from "./helpers";

describe("Assetline in VS Code (untrusted workspace)", () => {
  let api: AssetlineApi;

  before(async () => {
    assert.equal(vscode.workspace.isTrusted, false, "the harness should have opened the workspace in restricted mode");
    api = await activatedApi();
  });

  it("runs the bundled engine, not the workspace's, and tells the server it is untrusted", () => {
    assert.ok(
      existsSync(join(workspaceRoot(), "node_modules", "assetline", "dist", "server.js")),
      "the workspace has an engine installed",
    );
    const launch = api.launch();
    assert.ok(launch);
    assert.equal(launch.trusted, false);
    assert.equal(launch.engine.source, "bundled");
    assert.match(launch.engine.reason, /not trusted/);
    const extension = vscode.extensions.getExtension("assetline.assetline")!;
    assert.equal(launch.engine.serverScript, join(extension.extensionPath, "dist", "server.js"));
  });

  it("still analyses: AL002 appears in the Problems panel", async () => {
    const text = `import { asset } from "assetline";\n\nexport const broken = asset({ deps: ["stg_orderz"] }, (ctx) => {\n  ctx.db.exec("select 1");\n});\n`;
    const diagnostic = await diagnosticsFor(join("src", "broken.ts"), text, "AL002");
    assert.match(diagnostic.message, /stg_orderz/);
  });

  it("shows status lenses but offers no run action", async () => {
    const file = join("src", "staging", "stg_orders.ts");
    await vscode.window.showTextDocument(vscode.Uri.file(join(workspaceRoot(), file)));
    const titles = await until(
      [vscode.languages.onDidChangeDiagnostics, api.onDidChangeStatus],
      async () => {
        const current = await codeLensTitles(file);
        return current.includes("Show lineage") ? current : undefined;
      },
      "CodeLenses on stg_orders.ts",
    );
    assert.ok(
      titles.some((title) => title.startsWith("○ never materialized")),
      titles.join(" | "),
    );
    assert.deepEqual(
      titles.filter((title) => /Materialize|with upstream|Run check/.test(title)),
      [],
    );
  });

  it("lists the checks in the Testing view with no way to run them", async () => {
    await until(
      [api.views.onDidChange, api.onDidChangeStatus],
      () => api.views.checks().includes("check:stg_orders:order_id_unique"),
      "the Testing view to list the checks",
    );
    // Granting trust adds the profiles: test/e2e/ui/untrusted/grant-trust.test.ts.
    assert.deepEqual(api.views.checkRunProfiles(), []);
  });

  it("refuses to materialize, and nothing runs", async () => {
    const result = await Promise.race([
      vscode.commands.executeCommand(ClientCommands.materialize, { key: "stg_orders" }),
      // The refusal is a message the user may leave open; the command must not wait on a run.
      new Promise((resolve) => setTimeout(() => resolve("still running"), 20_000)),
    ]);
    assert.notEqual(result, "still running");
    assert.equal(result, undefined);
    assert.equal(existsSync(join(workspaceRoot(), ".assetline", "assetline.db")), false, "a run history was created");
  });

  it("is refused by the server too, when asked directly", async () => {
    const client = api.client();
    assert.ok(client);
    // By method name: a RequestType object from this bundle is not the one the extension's
    // bundled client knows (each bundle has its own vscode-jsonrpc).
    const params: MaterializeParams = { selection: "stg_orders" };
    await assert.rejects(client.sendRequest(MaterializeRequest.method, params), /not trusted/);
    assert.equal(existsSync(join(workspaceRoot(), ".assetline", "assetline.db")), false, "a run history was created");
  });

  it("shows the lineage panel in restricted mode", async () => {
    let graph: Extract<HostToWebviewMessage, { type: "graph" }> | undefined;
    const listener = api.onDidPostToLineage((message) => {
      if (message.type === "graph" && message.graph.nodes.length > 0) graph = message;
    });
    try {
      const posted = until([api.onDidPostToLineage as vscode.Event<unknown>], () => graph, "the lineage graph");
      await vscode.commands.executeCommand(ClientCommands.showLineage, {});
      const message = await posted;
      assert.ok(message.graph.nodes.some((node) => node.key === "orders"));
    } finally {
      listener.dispose();
    }
  });
});
