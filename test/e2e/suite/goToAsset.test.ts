/**
 * Go to Asset… from where a table name is written, in the TRUSTED workspace: a SQL string in an
 * asset's body (the table its key names, and a table it only writes), a `.sql` file, and a name
 * selected in any editor. The quick pick itself is driven through the UI (test/e2e/ui).
 */
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as vscode from "vscode";
import type { AssetlineApi } from "../../../client/src/extension";
import { activatedApi, until, untilAnalysed, workspaceRoot } from "./helpers";

const GO_TO_ASSET = "assetline.goToAsset";
const LOOKUP = join("src", "e2e", "lookups.ts");
const LOOKUP_TEXT = [
  `import { asset } from "assetline";`,
  ``,
  `// Writes a second table besides its own: Go to Asset finds the writer by that table too.`,
  `export const payment_lookups = asset({ deps: ["stg_payments"], group: "e2e" }, (ctx) => {`,
  `  ctx.db.exec("drop table if exists payment_methods; create table payment_methods as select distinct payment_method from stg_payments");`,
  `});`,
  ``,
  `export const method_counts = asset({ deps: [payment_lookups], group: "e2e" }, (ctx) => {`,
  `  ctx.db.exec("create table if not exists method_counts as select count(*) as n from payment_methods");`,
  `});`,
  ``,
].join("\n");

/** Opens `file` with the cursor inside the first `needle` (after its `offset`-th character). */
async function placeCursor(file: string, needle: string, offset: number): Promise<void> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(join(workspaceRoot(), file)));
  const at = document.getText().indexOf(needle);
  assert.ok(at >= 0, `${needle} is in ${file}`);
  const position = document.positionAt(at + offset);
  await vscode.window.showTextDocument(document, { selection: new vscode.Range(position, position) });
}

/** Go to Asset… with the cursor there; resolves with the key it opened. */
async function goToAssetAt(file: string, needle: string, offset: number): Promise<string | undefined> {
  await placeCursor(file, needle, offset);
  return vscode.commands.executeCommand<string | undefined>(GO_TO_ASSET);
}

function activeFile(): string | undefined {
  const uri = vscode.window.activeTextEditor?.document.uri;
  return uri && vscode.workspace.asRelativePath(uri);
}

describe("Go to Asset… from a table name", () => {
  let api: AssetlineApi;

  before(async () => {
    api = await activatedApi();
    mkdirSync(join(workspaceRoot(), "src", "e2e"), { recursive: true });
    writeFileSync(join(workspaceRoot(), LOOKUP), LOOKUP_TEXT);
    writeFileSync(
      join(workspaceRoot(), "adhoc.sql"),
      "-- a query someone keeps beside the pipelines\nselect c.first_name, o.amount\nfrom main.stg_customers c join orders o using (customer_id);\n",
    );
    await untilAnalysed(api, "method_counts");
  });

  afterEach(async () => {
    await vscode.commands.executeCommand("workbench.action.closeAllEditors");
  });

  it("opens the asset a table inside a SQL string names, on its key", async () => {
    const opened = await goToAssetAt(join("src", "marts", "orders.ts"), "from stg_payments", "from ".length + 3);
    assert.equal(opened, "stg_payments");
    assert.equal(activeFile(), "src/staging/stg_payments.ts");
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.selection.start.line, 3, "on the line that names the asset");
    assert.equal(editor.document.getText(editor.selection), "stg_payments");
  });

  it("opens the asset that writes a table its key does not name", async () => {
    const opened = await goToAssetAt(LOOKUP, "from payment_methods", "from ".length + 3);
    assert.equal(opened, "payment_lookups");
    assert.equal(activeFile(), "src/e2e/lookups.ts");
    assert.equal(vscode.window.activeTextEditor!.selection.start.line, 3);
  });

  it("opens the asset named in a .sql file, schema-qualified or not", async () => {
    assert.equal(await goToAssetAt("adhoc.sql", "main.stg_customers", "main.".length + 3), "stg_customers");
    assert.equal(activeFile(), "src/staging/stg_customers.ts");
    assert.equal(await goToAssetAt("adhoc.sql", "orders o", 1), "orders");
    assert.equal(activeFile(), "src/marts/orders.ts");
  });

  it("opens the asset whose key is selected, in any editor", async () => {
    writeFileSync(join(workspaceRoot(), "notes.txt"), "overnight: stg_orders failed, orders is stale\n");
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(join(workspaceRoot(), "notes.txt")));
    const start = document.getText().indexOf("stg_orders");
    await vscode.window.showTextDocument(document, {
      selection: new vscode.Range(document.positionAt(start), document.positionAt(start + "stg_orders".length)),
    });
    assert.equal(await vscode.commands.executeCommand<string | undefined>(GO_TO_ASSET), "stg_orders");
    assert.equal(activeFile(), "src/staging/stg_orders.ts");
  });

  it("given while the server restarts, runs once the new one is up", async () => {
    await placeCursor(join("src", "marts", "orders.ts"), "from stg_payments", "from ".length + 3);
    const restarted = vscode.commands.executeCommand("assetline.restartServer");
    await until([api.onDidChangeState], () => api.state() !== "running", "the restart to stop the server");
    assert.equal(await vscode.commands.executeCommand<string | undefined>(GO_TO_ASSET), "stg_payments");
    assert.equal(api.state(), "running");
    await restarted;
  });
});
