import { strict as assert } from "node:assert";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  DiagnosticSeverity,
  FileChangeType,
  HoverRequest,
  LSPErrorCodes,
  ResponseError,
} from "vscode-languageserver-protocol";
import { TestClient } from "./support/client";

/** Writes `count` small asset files, so the first analysis takes long enough to race with. */
function generateAssets(root: string, count: number): void {
  mkdirSync(join(root, "src/generated"), { recursive: true });
  for (let i = 0; i < count; i++) {
    const deps = i === 0 ? "" : `"gen_${i - 1}"`;
    writeFileSync(
      join(root, `src/generated/gen_${i}.ts`),
      `import { asset } from "assetline";\n\nexport const gen_${i} = asset({ deps: [${deps}], group: "generated" }, (ctx) => {\n` +
        `  ctx.db.exec(\`create table gen_${i} as select * from ${i === 0 ? "stg_orders" : `gen_${i - 1}`}\`);\n});\n`,
    );
  }
}

describe("language server: large and hostile workspaces", function () {
  this.timeout(120_000);
  let client: TestClient | undefined;

  afterEach(async function () {
    if (this.currentTest?.state === "failed") client?.kill();
    else await client?.stop();
    client = undefined;
  });

  it("answers during the first analysis, reports progress, and follows a file deleted while it is analysed", async () => {
    const started = await TestClient.start("lsp-workspace", { prepare: (root) => generateAssets(root, 1500) });
    client = started.client;
    const file = "src/marts/revenue.ts";
    const uri = await client.open(file);
    // Asked before the analysis is done, then the document changes: the answer would point at stale text.
    const position = client.at(file, "st|g_ordrs");
    const hover = client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
    const at = client.at(file, "|group");
    await client.edit(file, { range: { start: at, end: at }, text: " " });
    rmSync(join(client.root, "src/staging/stg_orders.ts"));
    await client.filesChanged({ uri: client.uri("src/staging/stg_orders.ts"), type: FileChangeType.Deleted });
    await assert.rejects(
      hover,
      (error: unknown) => error instanceof ResponseError && error.code === LSPErrorCodes.ContentModified,
    );

    const orders = await client.diagnosticsOf("src/marts/orders.ts", (d) =>
      d.some((diagnostic) => diagnostic.code === "AL002"),
    );
    assert.match(String(orders.find((d) => d.code === "AL002")!.message), /stg_orders/);
    const kinds = client.progress.map((value) => value.kind);
    assert.equal(kinds[0], "begin");
    assert.equal(kinds[kinds.length - 1], "end");
  });

  it("notes a 5 MB generated file (AL007) and stays responsive while it is open and edited", async () => {
    const huge = "src/generated/huge.ts";
    const line = 'export const value_%d = { id: %d, label: "generated row %d" };\n';
    let text = 'import { asset } from "assetline";\n';
    for (let i = 0; text.length < 5 * 1024 * 1024; i++) text += line.replace(/%d/g, String(i));
    const started = await TestClient.start("lsp-workspace", {
      prepare: (root) => {
        mkdirSync(join(root, "src/generated"), { recursive: true });
        writeFileSync(join(root, huge), text);
      },
    });
    client = started.client;
    const note = await client.diagnosticsOf(huge, (d) => d.length === 1);
    assert.equal(note[0]!.code, "AL007");
    assert.equal(note[0]!.severity, DiagnosticSeverity.Information);
    assert.match(String(note[0]!.message), /5\.0 MB, over the 2\.0 MB analysis limit/);

    await client.open(huge, text);
    for (let i = 0; i < 5; i++)
      await client.edit(huge, {
        range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } },
        text: "// edit\n",
      });
    const began = performance.now();
    const hover = await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: client.uri("src/marts/orders.ts") },
      position: client.at("src/marts/orders.ts", "deps: [s|tg_orders]"),
    });
    const elapsed = performance.now() - began;
    assert.ok(hover, "hover answered");
    assert.ok(elapsed < 2000, `hover took ${elapsed.toFixed(0)} ms with a 5 MB document open`);
    const still = await client.diagnosticsOf(huge, (d) => d.length === 1);
    assert.equal(still[0]!.code, "AL007");
  });
});
