import { strict as assert } from "node:assert";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  type CodeAction,
  CodeActionRequest,
  CancellationTokenSource,
  DefinitionRequest,
  FileChangeType,
  type FileEvent,
  HoverRequest,
  LSPErrorCodes,
  type LocationLink,
  ResponseError,
} from "vscode-languageserver-protocol";
import { GraphChangedNotification } from "../../protocol";
import { startAnalyzed, type TestClient } from "./support/client";

describe("language server: live edits", function () {
  this.timeout(60_000);
  let client: TestClient;

  beforeEach(async () => {
    client = await startAnalyzed("lsp-workspace");
  });
  afterEach(async function () {
    if (this.currentTest?.state === "failed") client.kill();
    else await client.stop();
  });

  it("re-analyses unsaved text from incremental edits and publishes for that version", async () => {
    const file = "src/marts/revenue.ts";
    await client.open(file);
    const at = client.at(file, "stg_ord|rs");
    // Type the missing "e": "stg_ordrs" → "stg_orders".
    const version = await client.edit(file, { range: { start: at, end: at }, text: "e" });
    const diagnostics = await client.diagnosticsOf(file, (d) => d.length === 0);
    assert.deepEqual(diagnostics, []);
    assert.equal(client.diagnostics.get(client.uri(file))!.version, version);
    // Closing without saving goes back to the disk's text, and its problem.
    await client.close(file);
    const reverted = await client.diagnosticsOf(file, (d) => d.length === 1);
    assert.equal(reverted[0]!.code, "AL002");
  });

  it("answers every request during 50 rapid edits with cancellations, and ends with the right diagnostics", async () => {
    const file = "src/marts/revenue.ts";
    const uri = await client.open(file);
    const start = client.at(file, "|stg_ordrs");
    let current = "stg_ordrs";
    const outcomes: Array<Promise<string>> = [];
    for (let i = 0; i < 50; i++) {
      // Retype the key one way or another; the last edit leaves a valid key.
      const next = i === 49 ? "stg_orders" : i % 2 === 0 ? `stg_o${"x".repeat(i % 5)}` : "stg_ordrs";
      await client.edit(file, {
        range: { start, end: { line: start.line, character: start.character + current.length } },
        text: next,
      });
      current = next;
      const source = new CancellationTokenSource();
      const request = client.connection.sendRequest(
        HoverRequest.type,
        { textDocument: { uri }, position: start },
        source.token,
      );
      outcomes.push(
        request.then(
          () => "answered",
          (error: unknown) => (error instanceof ResponseError ? `error ${error.code}` : `failed ${String(error)}`),
        ),
      );
      if (i % 2 === 0) source.cancel();
    }
    const results = await Promise.all(outcomes);
    const allowed = new Set([
      "answered",
      `error ${LSPErrorCodes.RequestCancelled}`,
      `error ${LSPErrorCodes.ContentModified}`,
    ]);
    assert.equal(results.length, 50);
    assert.deepEqual(
      results.filter((result) => !allowed.has(result)),
      [],
    );
    assert.ok(
      results.some((result) => result !== "answered"),
      `some requests should be cancelled or superseded: ${results.join(", ")}`,
    );
    const final = await client.diagnosticsOf(file, (d) => d.length === 0);
    assert.deepEqual(final, []);
    assert.equal(client.diagnostics.get(uri)!.version, 51);
  });

  it("keeps the last good graph while a file does not parse", async () => {
    const file = "src/staging/stg_orders.ts";
    await client.open(file);
    // Mid-edit: "const" half deleted. Parsed as is, stg_orders would vanish from the graph.
    const version = await client.edit(file, { range: client.span(file, "export cons|t| stg_orders"), text: "" });
    assert.equal(version, 2);
    await client.diagnosticsOf(file);
    // Still defined: orders.ts's dep on stg_orders resolves, and nothing reports it missing.
    const result = (await client.connection.sendRequest(DefinitionRequest.type, {
      textDocument: { uri: client.uri("src/marts/orders.ts") },
      position: client.at("src/marts/orders.ts", "deps: [s|tg_orders]"),
    })) as LocationLink[];
    assert.equal(result.length, 1);
    assert.ok(result[0]!.targetUri.endsWith("src/staging/stg_orders.ts"));
    const ordersDiagnostics = await client.diagnosticsOf("src/marts/orders.ts");
    assert.deepEqual(
      ordersDiagnostics.map((d) => d.code),
      ["AL003"],
    );
  });

  it("follows files deleted, created and folders removed on disk", async () => {
    rmSync(join(client.root, "src/staging/stg_orders.ts"));
    await client.filesChanged({ uri: client.uri("src/staging/stg_orders.ts"), type: FileChangeType.Deleted });
    const orders = await client.diagnosticsOf("src/marts/orders.ts", (d) =>
      d.some((diagnostic) => diagnostic.code === "AL002"),
    );
    assert.match(String(orders.find((d) => d.code === "AL002")!.message), /stg_orders/);

    writeFileSync(
      join(client.root, "src/staging/stg_ordrs.ts"),
      'import { asset } from "assetline";\nexport const stg_ordrs = asset({}, () => {});\n',
    );
    await client.filesChanged({ uri: client.uri("src/staging/stg_ordrs.ts"), type: FileChangeType.Created });
    await client.diagnosticsOf("src/marts/revenue.ts", (d) => d.length === 0);

    rmSync(join(client.root, "src/staging"), { recursive: true });
    await client.filesChanged({ uri: client.uri("src/staging"), type: FileChangeType.Deleted });
    const revenue = await client.diagnosticsOf("src/marts/revenue.ts", (d) => d.length === 1);
    assert.equal(revenue[0]!.code, "AL002");
    // The deleted files' own diagnostics are cleared, not left behind.
    assert.ok(!client.diagnostics.get(client.uri("src/staging/stg_ordrs.ts"))?.diagnostics.length);
  });

  it("tells the lineage panel when the graph changed", async () => {
    const seen = () => client.notifications.filter((n) => n.method === GraphChangedNotification.method).length;
    await client.waitFor("the first graph", () => seen() === 1);
    const file = "src/staging/stg_customers.ts";
    await client.open(file);
    await client.edit(file, { range: client.span(file, '"|raw_customers|"'), text: "raw_orders" });
    await client.waitFor("a graph change", () => seen() === 2);
  });

  it("AL003: falls back to the string key when the producer's name is taken in the file", async () => {
    const file = "src/marts/orders.ts";
    await client.open(file);
    const afterImports = client.at(file, 'from "../staging/stg_orders";\n|');
    const taken = "const stg_customers = 1;\n";
    const version = await client.edit(file, { range: { start: afterImports, end: afterImports }, text: taken });
    const diagnostic = (
      await client.diagnosticsOf(file, (d) => d.some((candidate) => candidate.code === "AL003"))
    ).find((d) => d.code === "AL003")!;
    assert.equal(version, 2);
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: client.uri(file) },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    })) as CodeAction[];
    assert.deepEqual(
      actions.map((action) => action.title),
      ["Add stg_customers to the deps of marts/orders (by key)"],
    );
    const edits = actions[0]!.edit!.changes![client.uri(file)]!;
    assert.deepEqual(
      edits.map((edit) => edit.newText),
      [', "stg_customers"'],
    );
  });

  it("re-analyses many files at once (a branch switch) in slices, with progress", async () => {
    mkdirSync(join(client.root, "src/branch"));
    const events: FileEvent[] = [];
    for (let i = 0; i < 80; i++) {
      const key = i === 0 ? "stg_ordrs" : `branch_${i}`;
      writeFileSync(
        join(client.root, `src/branch/${key}.ts`),
        `import { asset } from "assetline";\nexport const ${key} = asset({ deps: ["missing_${i}"] }, () => {});\n`,
      );
      events.push({ uri: client.uri(`src/branch/${key}.ts`), type: FileChangeType.Created });
    }
    await client.filesChanged(...events);
    await client.diagnosticsOf("src/marts/revenue.ts", (d) => d.length === 0);
    const last = await client.diagnosticsOf("src/branch/branch_79.ts", (d) => d.length === 1);
    assert.equal(last[0]!.code, "AL002");
    const begins = client.progress.filter((value) => value.kind === "begin") as Array<{ title?: string }>;
    assert.deepEqual(
      begins.map((value) => value.title),
      ["Assetline: analysing assets", "Assetline: re-analysing 80 files"],
    );
  });
});
