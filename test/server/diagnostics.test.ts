import { strict as assert } from "node:assert";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  CodeLensRefreshRequest,
  CodeLensRequest,
  DiagnosticSeverity,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  RegistrationRequest,
  type RegistrationParams,
  TextDocumentSyncKind,
} from "vscode-languageserver-protocol";
import { startAnalyzed, TestClient } from "./support/client";
import { lineColSpan } from "./support/edits";

describe("language server: diagnostics of the files on disk", function () {
  this.timeout(60_000);
  let client: TestClient;

  before(async () => {
    client = await startAnalyzed("lsp-workspace");
  });
  after(async () => {
    await client.stop();
  });

  it("AL001: an error on each asset of a cycle, with source, related information and the cycle as fix data", async () => {
    const cycle = await client.diagnosticsOf("src/cycle.ts", (d) => d.length === 2);
    assert.deepEqual(
      cycle.map((d) => d.code),
      ["AL001", "AL001"],
    );
    assert.equal(cycle[0]!.source, "assetline");
    assert.equal(cycle[0]!.severity, DiagnosticSeverity.Error);
    assert.deepEqual(cycle[0]!.data, { kind: "cycle", path: ["loop_a", "loop_b", "loop_a"] });
    assert.ok(cycle[0]!.relatedInformation!.length >= 2);
  });

  it("AL002: the mistyped key inside its quotes, with the closest key as fix data", async () => {
    const revenue = await client.diagnosticsOf("src/marts/revenue.ts", (d) => d.length === 1);
    assert.equal(revenue[0]!.code, "AL002");
    assert.deepEqual(revenue[0]!.data, { kind: "missingUpstream", missing: "stg_ordrs", suggestion: "stg_orders" });
    assert.equal(lineColSpan(revenue[0]!.range), "5:29-5:38");
  });

  it("AL003: a warning on the table read without a declared dep", async () => {
    const orders = await client.diagnosticsOf("src/marts/orders.ts", (d) => d.length === 1);
    assert.equal(orders[0]!.code, "AL003");
    assert.equal(orders[0]!.severity, DiagnosticSeverity.Warning);
    assert.equal(lineColSpan(orders[0]!.range), "17:12-17:25", 'the table name in "join stg_customers c"');
  });
});

describe("language server: diagnostics", function () {
  this.timeout(60_000);
  let client: TestClient;

  beforeEach(async () => {
    ({ client } = await TestClient.start("lsp-workspace"));
  });
  afterEach(async function () {
    if (this.currentTest?.state === "failed") client.kill();
    else await client.stop();
  });

  it("announces its features, asks to watch files, reports progress, and exits cleanly", async () => {
    await client.stop();
    const started = await TestClient.start("lsp-workspace");
    client = started.client;
    const capabilities = started.initialize.capabilities;
    // The version comes from package.json at build time, never a copy that drifts.
    assert.deepEqual(started.initialize.serverInfo, {
      name: "assetline",
      version: (JSON.parse(readFileSync(join(__dirname, "../../package.json"), "utf8")) as { version: string }).version,
    });
    assert.deepEqual(capabilities.textDocumentSync, { openClose: true, change: TextDocumentSyncKind.Incremental });
    for (const provider of [
      "definitionProvider",
      "referencesProvider",
      "hoverProvider",
      "workspaceSymbolProvider",
      "documentSymbolProvider",
      "codeLensProvider",
      "codeActionProvider",
      "completionProvider",
    ] as const) {
      assert.ok(capabilities[provider], provider);
    }
    const registered = () =>
      client.serverRequests
        .filter((request) => request.method === RegistrationRequest.method)
        .flatMap((request) =>
          (request.params as RegistrationParams).registrations.map((registration) => registration.method),
        )
        .sort();
    await client.waitFor("the registrations", () => registered().length === 2);
    assert.deepEqual(
      registered(),
      [DidChangeConfigurationNotification.method, DidChangeWatchedFilesNotification.method].sort(),
    );
    await client.waitFor("the end of the first analysis", () => client.progress.some((value) => value.kind === "end"));
    assert.equal(client.progress[0]!.kind, "begin");
    assert.equal(await client.stop(), 0);
  });

  it("follows settings changes: CodeLenses off, and a smaller file size limit", async () => {
    const lenses = () =>
      client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: client.uri("src/marts/orders.ts") } });
    await client.initialAnalysis();
    assert.ok((await lenses())!.length > 0);
    const refreshes = () =>
      client.serverRequests.filter((request) => request.method === CodeLensRefreshRequest.method).length;
    const before = refreshes();
    // 20 KB of generated code: analysed under the default limit, skipped (AL007) under 16 KB.
    writeFileSync(
      join(client.root, "src/generated.ts"),
      `export const rows = [\n${'  { id: 1, label: "row" },\n'.repeat(800)}];\n`,
    );
    await client.filesChanged({ uri: client.uri("src/generated.ts"), type: FileChangeType.Created });
    await client.configure({ codeLens: { enabled: false }, analysis: { maxFileKilobytes: 16 } });
    await client.waitFor("a CodeLens refresh", () => refreshes() > before);
    assert.deepEqual(await lenses(), []);
    // Re-analysed from scratch with the new limit.
    const skipped = await client.diagnosticsOf("src/generated.ts", (d) => d.length === 1);
    assert.equal(skipped[0]!.code, "AL007");
    assert.deepEqual(
      (await client.diagnosticsOf("src/cycle.ts", (d) => d.length === 2)).map((d) => d.code),
      ["AL001", "AL001"],
    );
  });
});
