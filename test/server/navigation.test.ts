import { strict as assert } from "node:assert";
import {
  DefinitionRequest,
  DocumentSymbolRequest,
  type DocumentSymbol,
  HoverRequest,
  type Location,
  type LocationLink,
  type MarkupContent,
  ReferencesRequest,
  type SymbolInformation,
  WorkspaceSymbolRequest,
} from "vscode-languageserver-protocol";
import { TestClient } from "./support/client";
import { positionOf } from "./support/edits";

describe("language server: navigation, hover and symbols", function () {
  this.timeout(60_000);
  let client: TestClient;

  before(async () => {
    ({ client } = await TestClient.start("lsp-workspace"));
    await client.diagnosticsOf("src/cycle.ts", (d) => d.length === 2);
  });
  after(async () => {
    await client.stop();
  });

  /** Go to definition at the given needle in `file`; returns "file:line:character" of each target key. */
  async function definition(file: string, needle: string, offset = 1, occurrence = 1): Promise<string[]> {
    const position = positionOf(client.read(file), needle, offset, occurrence);
    const result = await client.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri: client.uri(file) }, position });
    return ((result ?? []) as LocationLink[]).map((link) => {
      const target = link.targetUri.slice(client.uri("").length + 1);
      return `${target}:${link.targetSelectionRange.start.line}:${link.targetSelectionRange.start.character}`;
    });
  }

  it("goes from a dep identifier, a string dep, a check target, a SQL table and an fs path to the producing asset", async () => {
    assert.deepEqual(await definition("src/marts/orders.ts", "deps: [stg_orders]", 8), ["src/staging/stg_orders.ts:3:13"]);
    assert.deepEqual(await definition("src/staging/stg_customers.ts", '"raw_customers"', 3), ["src/sources.ts:4:13"]);
    assert.deepEqual(await definition("src/marts/orders.ts", "check(orders", 7), ["src/marts/orders.ts:5:10"]);
    assert.deepEqual(await definition("src/marts/orders.ts", "join stg_customers", 8), ["src/staging/stg_customers.ts:2:13"]);
    assert.deepEqual(await definition("src/marts/revenue.ts", "from marts__orders", 7), ["src/marts/orders.ts:5:10"]);
    assert.deepEqual(await definition("src/files.ts", 'readFileSync("data/export.csv"', 16), ["src/files.ts:3:13"]);
  });

  it("links the whole mention and nothing outside mentions", async () => {
    const position = positionOf(client.read("src/marts/orders.ts"), "join stg_customers", 10);
    const [link] = (await client.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri: client.uri("src/marts/orders.ts") }, position })) as LocationLink[];
    assert.deepEqual(link!.originSelectionRange, { start: { line: 16, character: 11 }, end: { line: 16, character: 24 } });
    assert.deepEqual(await definition("src/marts/orders.ts", "group:", 0), []);
  });

  it("finds every reference of an asset: deps, check targets and SQL reading its table", async () => {
    const text = client.read("src/staging/stg_orders.ts");
    const result = (await client.connection.sendRequest(ReferencesRequest.type, {
      textDocument: { uri: client.uri("src/staging/stg_orders.ts") },
      position: positionOf(text, "const stg_orders", 8),
      context: { includeDeclaration: false },
    })) as Location[];
    const found = result.map((location) => `${location.uri.slice(client.uri("").length + 1)}:${location.range.start.line}`).sort();
    assert.deepEqual(found, ["src/marts/orders.ts:15", "src/marts/orders.ts:6"]);

    const withDeclaration = (await client.connection.sendRequest(ReferencesRequest.type, {
      textDocument: { uri: client.uri("src/marts/orders.ts") },
      position: positionOf(client.read("src/marts/orders.ts"), "check(orders", 7),
      context: { includeDeclaration: true },
    })) as Location[];
    const places = withDeclaration.map((location) => `${location.uri.slice(client.uri("").length + 1)}:${location.range.start.line}`);
    // The key, the check target, the string dep in revenue.ts and revenue's SQL reading marts__orders.
    assert.deepEqual(places, ["src/marts/orders.ts:5", "src/marts/orders.ts:21", "src/marts/revenue.ts:4", "src/marts/revenue.ts:8"]);
  });

  it("hovers with key, description, group, owners, graph counts and status", async () => {
    const hover = await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: client.uri("src/marts/orders.ts") },
      position: positionOf(client.read("src/marts/orders.ts"), "deps: [stg_orders]", 8),
    });
    const text = (hover!.contents as MarkupContent).value;
    assert.match(text, /\*\*stg_orders\*\* · asset · group `staging`/);
    assert.match(text, /Orders, typed and de-duplicated/);
    assert.match(text, /Owners: team:analytics/);
    assert.match(text, /Kinds: sqlite/);
    assert.match(text, /Upstream: 1 · Downstream: 1/);
    assert.match(text, /○ never materialized/);

    const table = await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: client.uri("src/marts/orders.ts") },
      position: positionOf(client.read("src/marts/orders.ts"), "join stg_customers", 8),
    });
    assert.match((table!.contents as MarkupContent).value, /^Reads table `stg_customers`[\s\S]*\*\*stg_customers\*\* · asset/);

    const missing = await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: client.uri("src/marts/revenue.ts") },
      position: positionOf(client.read("src/marts/revenue.ts"), "stg_ordrs", 2),
    });
    assert.match((missing!.contents as MarkupContent).value, /no asset or source in this workspace has this key/);
  });

  it("finds assets by key, group and owner in workspace symbols", async () => {
    const search = async (query: string) =>
      ((await client.connection.sendRequest(WorkspaceSymbolRequest.type, { query })) as SymbolInformation[]).map((symbol) => symbol.name);
    assert.deepEqual(await search("stg_"), ["stg_customers", "stg_orders"]);
    assert.deepEqual(await search("staging"), ["stg_customers · group:staging", "stg_orders · group:staging"]);
    assert.deepEqual(await search("ana@"), ["stg_customers · owner:ana@example.com"]);
    assert.deepEqual(await search("group:marts"), ["marts/orders · group:marts", "revenue · group:marts"]);
    assert.deepEqual(await search("orders team"), ["marts/orders · owner:team:analytics", "stg_orders · owner:team:analytics"]);
  });

  it("outlines a file: assets with their checks nested", async () => {
    const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, {
      textDocument: { uri: client.uri("src/marts/orders.ts") },
    })) as DocumentSymbol[];
    assert.deepEqual(symbols.map((symbol) => [symbol.name, symbol.children?.map((child) => child.name)]), [["marts/orders", ["not_empty"]]]);
    assert.equal(symbols[0]!.range.start.line, 3);
    assert.deepEqual(symbols[0]!.selectionRange.start, { line: 5, character: 10 });
  });
});
