import { strict as assert } from "node:assert";
import {
  type CodeAction,
  CodeActionRequest,
  CodeLensRequest,
  CompletionRequest,
  type CompletionList,
  type Diagnostic,
  type TextEdit,
} from "vscode-languageserver-protocol";
import { ClientCommands } from "../../protocol";
import { startAnalyzed, type TestClient } from "./support/client";
import { applyEdits, lineCol, lineColSpan } from "./support/edits";

describe("language server: CodeLens, quick fixes and completion", function () {
  this.timeout(60_000);
  let client: TestClient;

  before(async () => {
    client = await startAnalyzed("lsp-workspace");
  });
  after(async () => {
    await client.stop();
  });

  async function fixes(file: string, code: string): Promise<{ actions: CodeAction[]; diagnostic: Diagnostic }> {
    const diagnostic = (await client.diagnosticsOf(file)).find((candidate) => candidate.code === code)!;
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: client.uri(file) },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic], only: ["quickfix"] },
    })) as CodeAction[];
    return { actions, diagnostic };
  }

  function applied(file: string, action: CodeAction): string {
    const edits = action.edit!.changes![client.uri(file)] as TextEdit[];
    return applyEdits(client.read(file), edits);
  }

  it("puts a status line and the run actions above each asset and check", async () => {
    const lenses = await client.connection.sendRequest(CodeLensRequest.type, {
      textDocument: { uri: client.uri("src/marts/orders.ts") },
    });
    const shown = lenses!.map((lens) => [lineCol(lens.range.start), lens.command!.title, lens.command!.command]);
    assert.deepEqual(shown, [
      ["4:23", "○ never materialized · 1 check, not run", ""],
      ["4:23", "▶ Materialize", ClientCommands.materialize],
      ["4:23", "▶ with upstream", ClientCommands.materializeWithUpstream],
      ["4:23", "✓ Run checks", ClientCommands.runChecks],
      ["4:23", "Show lineage", ClientCommands.showLineage],
      ["22:33", "○ not run", ""],
      ["22:33", "✓ Run check", ClientCommands.runChecks],
    ]);
    assert.deepEqual(lenses![1]!.command!.arguments, [{ key: "marts/orders" }]);
    assert.deepEqual(lenses![6]!.command!.arguments, [{ key: "marts/orders", check: "not_empty" }]);
    const sources = await client.connection.sendRequest(CodeLensRequest.type, {
      textDocument: { uri: client.uri("src/sources.ts") },
    });
    assert.deepEqual(
      sources!.map((lens) => lens.command!.title),
      ["✓ source", "Show lineage", "✓ source", "Show lineage"],
    );
  });

  it("AL002: replaces a mistyped key with the closest one, or declares it as a source", async () => {
    const file = "src/marts/revenue.ts";
    const { actions } = await fixes(file, "AL002");
    assert.deepEqual(
      actions.map((action) => action.title),
      ['Replace with "stg_orders"', 'Declare "stg_ordrs" as a source'],
    );
    assert.equal(actions[0]!.isPreferred, true);
    assert.match(applied(file, actions[0]!), /deps: \["marts\/orders", "stg_orders"\]/);
    const declared = applied(file, actions[1]!);
    assert.match(declared, /^import \{ asset, source \} from "assetline";/);
    assert.match(
      declared,
      /export const stg_ordrs = source\(\{ name: "stg_ordrs" \}\);\n\nexport const revenue = asset\(/,
    );
  });

  it("AL003: adds the producer to deps, imported by reference", async () => {
    const file = "src/marts/orders.ts";
    const { actions } = await fixes(file, "AL003");
    assert.deepEqual(
      actions.map((action) => action.title),
      ["Add stg_customers to the deps of marts/orders (imported from ../staging/stg_customers)"],
    );
    const fixed = applied(file, actions[0]!);
    assert.match(
      fixed,
      /import \{ stg_orders \} from "..\/staging\/stg_orders";\nimport \{ stg_customers \} from "..\/staging\/stg_customers";\n/,
    );
    assert.match(fixed, /deps: \[stg_orders, stg_customers\],/);
  });

  it("AL001: opens the cycle in the lineage panel", async () => {
    const { actions } = await fixes("src/cycle.ts", "AL001");
    assert.equal(actions.length, 1);
    assert.equal(actions[0]!.command!.command, ClientCommands.showLineage);
    assert.deepEqual(actions[0]!.command!.arguments, [{ focus: "loop_a", highlight: ["loop_a", "loop_b", "loop_a"] }]);
  });

  it("completes keys inside string deps and table names after FROM in asset SQL", async () => {
    const file = "src/marts/revenue.ts";
    await client.open(file);
    const keys = (await client.connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri: client.uri(file) },
      position: client.at(file, "stg_|ordrs"),
      context: { triggerKind: 1 },
    })) as CompletionList;
    const labels = keys.items.map((item) => item.label);
    assert.ok(labels.includes("stg_orders") && labels.includes("raw_orders"));
    assert.ok(!labels.includes("marts/orders"), "keys already in the array are not offered again");
    const edit = keys.items.find((item) => item.label === "stg_orders")!.textEdit as TextEdit;
    assert.equal(lineColSpan(edit.range), "5:29-5:38");

    const tables = (await client.connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri: client.uri(file) },
      position: client.at(file, "from |marts__orders"),
      context: { triggerKind: 2, triggerCharacter: " " },
    })) as CompletionList;
    const table = tables.items.find((item) => item.label === "stg_customers")!;
    assert.equal(table.detail, "produced by stg_customers");
    // The whole word after FROM is replaced, not only what precedes the cursor.
    assert.equal(lineColSpan((table.textEdit as TextEdit).range), "9:65-9:78");
    const outside = await client.connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri: client.uri(file) },
      position: client.at(file, "|group"),
      context: { triggerKind: 1 },
    });
    assert.equal(outside, null);
  });
});
