import { strict as assert } from "node:assert";
import { existsSync } from "node:fs";
import { hostname, userInfo } from "node:os";
import {
  CodeLensRequest,
  CodeLensRefreshRequest,
  HoverRequest,
  type MarkupContent,
} from "vscode-languageserver-protocol";
import { analyzeDirectory } from "../../server/src/analysis";
import { EventStore, storePath } from "../../server/src/store";
import { LineageRequest, LocateAssetRequest, StatusChangedNotification, StatusRequest } from "../../protocol";
import { startAnalyzed, type TestClient } from "./support/client";

describe("language server: status from the run history", function () {
  this.timeout(60_000);
  let client: TestClient;

  beforeEach(async () => {
    client = await startAnalyzed("lsp-workspace");
  });
  afterEach(async function () {
    if (this.currentTest?.state === "failed") client.kill();
    else await client.stop();
  });

  async function lensTitles(file: string): Promise<string[]> {
    const lenses = await client.connection.sendRequest(CodeLensRequest.type, {
      textDocument: { uri: client.uri(file) },
    });
    return lenses!.filter((lens) => lens.command!.command === "").map((lens) => lens.command!.title);
  }

  /** Waits until the server has told the client about history newer than `eventId`. */
  async function statusAfter(eventId: number): Promise<void> {
    await client.waitFor(`a status change past event ${eventId}`, () =>
      client.notifications.some(
        (n) =>
          n.method === StatusChangedNotification.method && (n.params as { lastEventId: number }).lastEventId >= eventId,
      ),
    );
    await client.waitFor("a CodeLens refresh", () =>
      client.serverRequests.some((r) => r.method === CodeLensRefreshRequest.method),
    );
  }

  it("shows what another process writes: materializations, checks, code changes and failures", async () => {
    // The SQL cache may appear in .assetline/cache; the run history must not.
    assert.ok(!existsSync(storePath(client.root)), "reading status never creates the store");
    assert.deepEqual(await lensTitles("src/marts/orders.ts"), ["○ never materialized · 1 check, not run", "○ not run"]);

    // The CLI, in another process as far as the server knows, materializes stg_orders and marts/orders.
    const versions = new Map(analyzeDirectory(client.root).assets.map((asset) => [asset.key, asset.codeVersion]));
    const store = EventStore.open(storePath(client.root));
    try {
      const fiveMinutesAgo = Date.now() - 5 * 60_000;
      const run = store.createRun({ selection: "+marts/orders", launchedBy: "cli" });
      const [upstream] = store.appendEvents(run.id, [
        {
          type: "MATERIALIZATION",
          assetKey: "stg_orders",
          codeVersion: versions.get("stg_orders")!,
          ts: fiveMinutesAgo,
        },
      ]);
      const last = store.appendEvents(run.id, [
        {
          type: "MATERIALIZATION",
          assetKey: "marts/orders",
          codeVersion: versions.get("marts/orders")!,
          consumed: { stg_orders: upstream! },
          ts: fiveMinutesAgo,
        },
        {
          type: "CHECK_EVALUATION",
          assetKey: "marts/orders",
          checkName: "not_empty",
          passed: true,
          blocking: true,
          ts: fiveMinutesAgo,
        },
      ]);
      store.finishRun(run.id, "SUCCESS");
      await statusAfter(last[1]!);
      assert.deepEqual(await lensTitles("src/marts/orders.ts"), [
        "✓ materialized 5 min ago · checks 1/1 · fresh",
        "✓ passed 5 min ago",
      ]);

      const hover = await client.connection.sendRequest(HoverRequest.type, {
        textDocument: { uri: client.uri("src/marts/orders.ts") },
        position: client.at("src/marts/orders.ts", "deps: [s|tg_orders]"),
      });
      // Who made it, and where: this process's user and host, as the store recorded them.
      assert.match(
        (hover!.contents as MarkupContent).value,
        new RegExp(`✓ materialized 5 min ago by ${userInfo().username} on ${hostname()} · fresh`),
      );

      // The user edits the asset's body: its code no longer matches what was materialized.
      const file = "src/marts/orders.ts";
      await client.open(file);
      const at = client.at(file, "select o.order_id|");
      await client.edit(file, { range: { start: at, end: at }, text: ", o.status" });
      await client.diagnosticsOf(file);
      const [changed] = await lensTitles(file);
      assert.match(changed!, /^⚠ code changed · materialized 5 min ago · checks 1\/1$/);

      // A later run fails to build stg_orders.
      const failing = store.createRun({ selection: "stg_orders", launchedBy: "cli" });
      const [, failure] = store.appendEvents(failing.id, [
        { type: "STEP_STARTED", assetKey: "stg_orders" },
        { type: "STEP_FAILURE", assetKey: "stg_orders", message: "no such table: raw_orders" },
      ]);
      store.finishRun(failing.id, "FAILURE", "1 failed (stg_orders)");
      await statusAfter(failure!);
      assert.match(
        (await lensTitles("src/staging/stg_orders.ts"))[0]!,
        /^✗ failed (less than a second|\d+ s) ago: no such table: raw_orders$/,
      );
      const [status] = await client.connection.sendRequest(StatusRequest.type, { keys: ["stg_orders"] });
      assert.equal(status!.state, "failed");
      assert.match(status!.reason, /no such table: raw_orders/);
    } finally {
      store.close();
    }
  });

  it("shows the whole downstream upstream-changed once an upstream is rebuilt, naming it", async () => {
    const versions = new Map(analyzeDirectory(client.root).assets.map((asset) => [asset.key, asset.codeVersion]));
    const store = EventStore.open(storePath(client.root));
    try {
      const run = store.createRun({ selection: "+revenue", launchedBy: "cli" });
      const built = (assetKey: string, consumed: Record<string, number> = {}) =>
        store.appendEvents(run.id, [
          { type: "MATERIALIZATION", assetKey, codeVersion: versions.get(assetKey)!, consumed },
        ])[0]!;
      const stg = built("stg_orders");
      const orders = built("marts/orders", { stg_orders: stg });
      built("revenue", { "marts/orders": orders });
      const rebuilt = built("stg_orders");
      store.finishRun(run.id, "SUCCESS");
      await statusAfter(rebuilt);
      const statuses = await client.connection.sendRequest(StatusRequest.type, { keys: ["marts/orders", "revenue"] });
      assert.deepEqual(
        statuses.map((status) => status.state),
        ["upstream-changed", "upstream-changed"],
      );
      assert.equal(statuses[1]!.reason, "upstream stg_orders changed and marts/orders has not been rebuilt since");
    } finally {
      store.close();
    }
  });

  it("asks for every lens again when an edit (or its undo) changes an asset's code", async () => {
    const refreshes = () =>
      client.serverRequests.filter((request) => request.method === CodeLensRefreshRequest.method).length;
    const file = "src/staging/stg_orders.ts";
    await client.open(file);
    const at = client.at(file, "|select");
    let before = refreshes();
    await client.edit(file, { range: { start: at, end: at }, text: "/* v2 */ " });
    // Downstream lenses in other files ("upstream changed") depend on this edit.
    await client.waitFor("a CodeLens refresh after the edit", () => refreshes() > before);
    before = refreshes();
    await client.edit(file, {
      range: { start: at, end: { line: at.line, character: at.character + "/* v2 */ ".length } },
      text: "",
    });
    await client.waitFor("a CodeLens refresh after the undo", () => refreshes() > before);
    // An edit that changes no code version (a comment outside any definition) asks for nothing.
    before = refreshes();
    await client.edit(file, {
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      text: "// note\n",
    });
    await client.diagnosticsOf(file, () => true);
    await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: client.uri(file) } });
    assert.equal(refreshes(), before);
  });

  it("follows another process's commits within 300 ms, with no help from the poll", async () => {
    await client.stop();
    // A poll of a minute: only the watch on the store's folder can explain a quick answer.
    client = await startAnalyzed("lsp-workspace", { settings: { assetline: { status: { pollIntervalMs: 60_000 } } } });
    const versions = new Map(analyzeDirectory(client.root).assets.map((asset) => [asset.key, asset.codeVersion]));
    const store = EventStore.open(storePath(client.root));
    try {
      // The store appears: the first poll after start-up sees it (the watch starts then).
      const first = store.createRun({ selection: "stg_orders", launchedBy: "cli" });
      store.finishRun(first.id, "SUCCESS");
      await client.waitFor(
        "the first poll to see the store",
        () => client.notifications.some((n) => n.method === StatusChangedNotification.method),
        70_000,
      );
      const latencies: number[] = [];
      for (let round = 0; round < 3; round++) {
        const run = store.createRun({ selection: "stg_orders", launchedBy: "cli" });
        const committed = Date.now();
        const [id] = store.appendEvents(run.id, [
          { type: "MATERIALIZATION", assetKey: "stg_orders", codeVersion: versions.get("stg_orders")! },
        ]);
        await client.waitFor(`status past event ${id}`, () =>
          client.notifications.some(
            (n) =>
              n.method === StatusChangedNotification.method && (n.params as { lastEventId: number }).lastEventId >= id!,
          ),
        );
        latencies.push(Date.now() - committed);
        store.finishRun(run.id, "SUCCESS");
      }
      assert.ok(Math.max(...latencies) < 300, `status followed commits after ${latencies.join(", ")} ms`);
    } finally {
      store.close();
    }
  });

  it("serves the lineage graph, a neighbourhood by selection, and asset locations", async () => {
    const whole = await client.connection.sendRequest(LineageRequest.type, {});
    assert.ok(whole.nodes.length >= 10);
    assert.deepEqual(whole.cycles, [["loop_a", "loop_b", "loop_a"]]);
    const around = await client.connection.sendRequest(LineageRequest.type, { selection: "+revenue" });
    assert.deepEqual(
      around.nodes.map((node) => `${node.key}:${node.kind}`),
      ["raw_orders:source", "stg_orders:asset", "marts/orders:asset", "stg_ordrs:placeholder", "revenue:asset"],
    );
    assert.deepEqual(around.edges, [
      { from: "raw_orders", to: "stg_orders" },
      { from: "stg_orders", to: "marts/orders" },
      { from: "marts/orders", to: "revenue" },
      { from: "stg_ordrs", to: "revenue" },
    ]);
    assert.equal(around.nodes[2]!.status!.state, "never-materialized");
    assert.deepEqual(
      around.nodes[2]!.checks.map((check) => check.name),
      ["not_empty"],
    );
    const bad = await client.connection.sendRequest(LineageRequest.type, { selection: "colour:red" });
    assert.match(bad.error!, /colour/);
    // A term that matches nothing is an error here too, as in the CLI and for runs: no half picture.
    const partly = await client.connection.sendRequest(LineageRequest.type, { selection: "revenue nope" });
    assert.deepEqual(
      { error: partly.error, unmatched: partly.unmatched, nodes: partly.nodes.length },
      { error: 'nothing matches "nope"', unmatched: ["nope"], nodes: 0 },
    );

    const located = await client.connection.sendRequest(LocateAssetRequest.type, { key: "marts__orders" });
    assert.equal(located!.uri, client.uri("src/marts/orders.ts"));
    assert.equal(await client.connection.sendRequest(LocateAssetRequest.type, { key: "nope" }), null);
  });
});
