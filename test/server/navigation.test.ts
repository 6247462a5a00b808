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
import { startAnalyzed, type TestClient } from "./support/client";
import { lineCol, lineColSpan } from "./support/edits";

describe("language server: navigation, hover and symbols", function () {
  this.timeout(60_000);
  let client: TestClient;

  before(async () => {
    client = await startAnalyzed("lsp-workspace");
  });
  after(async () => {
    await client.stop();
  });

  async function definitionLinks(file: string, marked: string): Promise<LocationLink[]> {
    const params = { textDocument: { uri: client.uri(file) }, position: client.at(file, marked) };
    return ((await client.connection.sendRequest(DefinitionRequest.type, params)) ?? []) as LocationLink[];
  }

  /** Go to definition at the `|` of `marked` in `file`: the `file:line:col` of each target key. */
  async function definition(file: string, marked: string): Promise<string[]> {
    const links = await definitionLinks(file, marked);
    return links.map((link) => client.place(link.targetUri, link.targetSelectionRange.start));
  }

  /** Finds references at the `|` of `marked` in `file`: the `file:line:col` of each. */
  async function references(file: string, marked: string, includeDeclaration: boolean): Promise<string[]> {
    const locations = (await client.connection.sendRequest(ReferencesRequest.type, {
      textDocument: { uri: client.uri(file) },
      position: client.at(file, marked),
      context: { includeDeclaration },
    })) as Location[];
    return locations.map((location) => client.place(location.uri, location.range.start));
  }

  /** The hover's markdown at the `|` of `marked` in `file`. */
  async function hover(file: string, marked: string): Promise<string> {
    const params = { textDocument: { uri: client.uri(file) }, position: client.at(file, marked) };
    return ((await client.connection.sendRequest(HoverRequest.type, params))!.contents as MarkupContent).value;
  }

  it("goes from a dep identifier, a string dep, a check target, a SQL table and an fs path to the producing asset", async () => {
    const dep = await definition("src/marts/orders.ts", "deps: [s|tg_orders]");
    assert.deepEqual(dep, ["src/staging/stg_orders.ts:4:14"]);
    const stringDep = await definition("src/staging/stg_customers.ts", '"ra|w_customers"');
    assert.deepEqual(stringDep, ["src/sources.ts:5:14"]);
    assert.deepEqual(await definition("src/marts/orders.ts", "check(o|rders"), ["src/marts/orders.ts:6:11"]);
    const table = await definition("src/marts/orders.ts", "join stg|_customers");
    assert.deepEqual(table, ["src/staging/stg_customers.ts:3:14"]);
    assert.deepEqual(await definition("src/marts/revenue.ts", "from ma|rts__orders"), ["src/marts/orders.ts:6:11"]);
    assert.deepEqual(await definition("src/files.ts", 'readFileSync("da|ta/export.csv"'), ["src/files.ts:4:14"]);
  });

  it("links the whole mention and nothing outside mentions", async () => {
    const [link] = await definitionLinks("src/marts/orders.ts", "join stg_c|ustomers");
    assert.equal(lineColSpan(link!.originSelectionRange!), "17:12-17:25");
    assert.deepEqual(await definition("src/marts/orders.ts", "|group:"), []);
  });

  it("finds every reference of an asset: deps, check targets and SQL reading its table", async () => {
    const found = await references("src/staging/stg_orders.ts", "const st|g_orders", false);
    assert.deepEqual(found.sort(), ["src/marts/orders.ts:16:12", "src/marts/orders.ts:7:12"]);
    // The key, the check target, the string dep in revenue.ts and revenue's SQL reading marts__orders.
    assert.deepEqual(await references("src/marts/orders.ts", "check(o|rders", true), [
      "src/marts/orders.ts:6:11",
      "src/marts/orders.ts:22:39",
      "src/marts/revenue.ts:5:13",
      "src/marts/revenue.ts:9:65",
    ]);
  });

  it("hovers with key, description, group, owners, graph counts and status", async () => {
    const text = await hover("src/marts/orders.ts", "deps: [s|tg_orders]");
    assert.match(text, /\*\*stg_orders\*\* · asset · group `staging`/);
    assert.match(text, /Orders, typed and de-duplicated/);
    assert.match(text, /Owners: team:analytics/);
    assert.match(text, /Kinds: sqlite/);
    assert.match(text, /Upstream: 1 · Downstream: 1/);
    assert.match(text, /○ never materialized/);

    assert.match(
      await hover("src/marts/orders.ts", "join stg|_customers"),
      /^Reads table `stg_customers`[\s\S]*\*\*stg_customers\*\* · asset/,
    );
    assert.match(
      await hover("src/marts/revenue.ts", "st|g_ordrs"),
      /no asset or source in this workspace has this key/,
    );
  });

  it("finds assets by key, group and owner in workspace symbols", async () => {
    const search = async (query: string) =>
      ((await client.connection.sendRequest(WorkspaceSymbolRequest.type, { query })) as SymbolInformation[]).map(
        (symbol) => symbol.name,
      );
    assert.deepEqual(await search("stg_"), ["stg_customers", "stg_orders"]);
    assert.deepEqual(await search("staging"), ["stg_customers · group:staging", "stg_orders · group:staging"]);
    assert.deepEqual(await search("ana@"), ["stg_customers · owner:ana@example.com"]);
    assert.deepEqual(await search("group:marts"), ["marts/orders · group:marts", "revenue · group:marts"]);
    assert.deepEqual(await search("orders team"), [
      "marts/orders · owner:team:analytics",
      "stg_orders · owner:team:analytics",
    ]);
  });

  it("outlines a file: assets with their checks nested", async () => {
    const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, {
      textDocument: { uri: client.uri("src/marts/orders.ts") },
    })) as DocumentSymbol[];
    assert.deepEqual(
      symbols.map((symbol) => [symbol.name, symbol.children?.map((child) => child.name)]),
      [["marts/orders", ["not_empty"]]],
    );
    assert.equal(lineCol(symbols[0]!.range.start), "4:23");
    assert.equal(lineCol(symbols[0]!.selectionRange.start), "6:11");
  });
});
