import { strict as assert } from "node:assert";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "./support/client";
import { type RawMessage, RawServer } from "./support/rawServer";

const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;
const INVALID_PARAMS = -32602;

describe("language server: JSON-RPC conformance over stdio", function () {
  this.timeout(60_000);
  let root: string;
  let server: RawServer;

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), "assetline-jsonrpc-"));
    cpSync(join(REPO_ROOT, "test", "fixtures", "lsp-runs"), root, { recursive: true });
    server = RawServer.start(root);
    const initialized = await server.initialize(root);
    assert.ok(initialized.result, JSON.stringify(initialized));
  });
  afterEach(() => {
    server.kill();
    rmSync(root, { recursive: true, force: true });
  });

  function errorOf(response: RawMessage): { code: number; message: string } {
    assert.ok(response.error, `an error response, got ${JSON.stringify(response)}`);
    return response.error;
  }

  /** The server still answers: a plain request after the bad input gets its result. */
  async function stillAnswers(): Promise<void> {
    const id = server.request("workspace/symbol", { query: "numbers" });
    const response = await server.response(id);
    assert.ok(Array.isArray(response.result), JSON.stringify(response));
  }

  it("answers wrong params with InvalidParams naming the field, for every kind of request", async () => {
    const uri = `file://${root}/src/numbers.ts`;
    const cases: Array<[string, unknown, RegExp]> = [
      ["assetline/materialize", { selection: 42 }, /params\.selection must be a string, got number 42/],
      ["workspace/symbol", { query: null }, /params\.query must be a string, got null/],
      [
        "textDocument/hover",
        { textDocument: { uri }, position: { line: -1, character: 0 } },
        /params\.position\.line must be a non-negative integer/,
      ],
      [
        "textDocument/definition",
        { textDocument: {}, position: { line: 0, character: 0 } },
        /params\.textDocument\.uri must be a string/,
      ],
      [
        "textDocument/references",
        { textDocument: { uri }, position: { line: 0, character: 0 } },
        /params\.context must be an object/,
      ],
      [
        "textDocument/codeAction",
        { textDocument: { uri }, range: "all", context: {} },
        /params\.range must be an object/,
      ],
      ["textDocument/completion", "x", /params must be an object, got a string/],
      ["textDocument/codeLens", {}, /params\.textDocument must be an object/],
      ["assetline/status", { keys: "orders" }, /params\.keys must be an array/],
      ["assetline/lineage", { selection: ["+a"] }, /params\.selection must be a string, got an array/],
      ["assetline/runChecks", { key: 1 }, /params\.key must be a string/],
      ["assetline/cancelRun", {}, /params\.runId must be a string/],
      ["assetline/locateAsset", null, /params must be an object, got null/],
    ];
    for (const [method, params, message] of cases) {
      const error = errorOf(await server.response(server.request(method, params)));
      assert.equal(error.code, INVALID_PARAMS, `${method}: ${JSON.stringify(error)}`);
      assert.match(error.message, message, method);
      assert.doesNotMatch(error.message, /is not a function|Cannot read properties/, method);
    }
    await stillAnswers();
  });

  it("answers a body that is not JSON with ParseError, and one that is not a message with InvalidRequest", async () => {
    server.sendBody('{"jsonrpc": "2.0", "id": 99, "method": "workspace/symbol", "params": {');
    const parse = errorOf(
      await server.waitFor("a parse error", () =>
        server.received.find((m) => m.id === null && m.error?.code === PARSE_ERROR),
      ),
    );
    assert.match(parse.message, /not JSON/);
    server.sendBody('{"jsonrpc": "2.0", "id": 7}');
    assert.equal(errorOf(await server.response(7)).code, INVALID_REQUEST);
    server.sendBody("[1, 2]");
    await server.waitFor("an invalid request for a batch", () =>
      server.received.find((m) => m.id === null && m.error?.code === INVALID_REQUEST),
    );
    await stillAnswers();
  });

  it("a header without Content-Length costs that message only: the next one is answered, and exit exits", async () => {
    server.sendRaw(
      `X-Whatever: 1\r\n\r\n${JSON.stringify({ jsonrpc: "2.0", id: 50, method: "workspace/symbol", params: { query: "" } })}`,
    );
    server.sendRaw(`Content-Length: abc\r\n\r\n{}`);
    const framing = await server.waitFor("a framing error", () =>
      server.received.find((m) => m.id === null && m.error?.code === PARSE_ERROR),
    );
    assert.match(framing.error!.message, /without a valid Content-Length/);
    await stillAnswers();
    assert.equal(
      server.received.find((m) => m.id === 50),
      undefined,
      "the unframed request is not guessed at",
    );
    const shutdown = server.request("shutdown");
    await server.response(shutdown);
    server.notify("exit");
    assert.equal(await server.exited(), 0);
  });

  it("answers initialize with InvalidParams when its capabilities are not an object", async () => {
    const error = errorOf(
      await server.response(server.request("initialize", { processId: null, rootUri: null, capabilities: null })),
    );
    assert.equal(error.code, INVALID_PARAMS);
    assert.match(error.message, /params\.capabilities must be an object, got null/);
    await stillAnswers();
  });
});
