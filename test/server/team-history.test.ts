import { strict as assert } from "node:assert";
import { writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import {
  CodeLensRequest,
  CodeLensRefreshRequest,
  HoverRequest,
  type MarkupContent,
} from "vscode-languageserver-protocol";
import { analyzeDirectory } from "../../server/src/analysis";
import { PostgresHistory } from "../../server/src/store";
import { MaterializeRequest, RecentRunsRequest, StatusChangedNotification } from "../../protocol";
import { describeWithPostgres } from "../support/postgresCluster";
import { startAnalyzed, type TestClient } from "./support/client";

describeWithPostgres("language server: a team's run history on PostgreSQL", function (postgres) {
  this.timeout(90_000);
  let client: TestClient | undefined;
  afterEach(async function () {
    if (this.currentTest?.state === "failed") client?.kill();
    else await client?.stop();
    client = undefined;
  });

  async function lensTitles(file: string): Promise<string[]> {
    const lenses = await client!.connection.sendRequest(CodeLensRequest.type, {
      textDocument: { uri: client!.uri(file) },
    });
    return lenses!.filter((lens) => lens.command!.command === "").map((lens) => lens.command!.title);
  }

  it("shows another engineer's run within a second or two (LISTEN), with who made it and where", async () => {
    const url = postgres.cluster.createDatabase("team");
    client = await startAnalyzed("lsp-workspace", {
      // A minute between polls: only the notification can bring the run in within two seconds.
      settings: { assetline: { status: { pollIntervalMs: 60_000 } } },
      prepare: (root) => writeFileSync(join(root, "assetline.config.json"), JSON.stringify({ history: url })),
    });
    assert.deepEqual(await lensTitles("src/marts/orders.ts"), ["○ never materialized · 1 check, not run", "○ not run"]);

    // Ana, on another machine as far as the server knows, materializes stg_orders and marts/orders.
    const versions = new Map(analyzeDirectory(client.root).assets.map((asset) => [asset.key, asset.codeVersion]));
    const ana = await PostgresHistory.open(url);
    try {
      const fiveMinutesAgo = Date.now() - 5 * 60_000;
      const run = await ana.createRun({ selection: "+marts/orders", launchedBy: "cli", user: "ana" });
      const [upstream] = await ana.appendEvents(run.id, [
        {
          type: "MATERIALIZATION",
          assetKey: "stg_orders",
          codeVersion: versions.get("stg_orders")!,
          ts: fiveMinutesAgo,
        },
      ]);
      const refreshesBefore = client.serverRequests.filter((r) => r.method === CodeLensRefreshRequest.method).length;
      const committed = Date.now();
      const [, last] = await ana.appendEvents(run.id, [
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
      await client.waitFor("the status change of ana's run", () =>
        client!.notifications.some(
          (n) =>
            n.method === StatusChangedNotification.method && (n.params as { lastEventId: number }).lastEventId >= last!,
        ),
      );
      const tookMs = Date.now() - committed;
      await client.waitFor(
        "a CodeLens refresh",
        () => client!.serverRequests.filter((r) => r.method === CodeLensRefreshRequest.method).length > refreshesBefore,
      );
      assert.ok(tookMs < 2000, `seen ${tookMs} ms after the commit`);
      assert.deepEqual(await lensTitles("src/marts/orders.ts"), [
        "✓ materialized 5 min ago · checks 1/1 · fresh",
        "✓ passed 5 min ago",
      ]);
      const hover = await client.connection.sendRequest(HoverRequest.type, {
        textDocument: { uri: client.uri("src/marts/orders.ts") },
        position: client.at("src/marts/orders.ts", "deps: [s|tg_orders]"),
      });
      assert.match(
        (hover!.contents as MarkupContent).value,
        new RegExp(`✓ materialized 5 min ago by ana on ${hostname()} · fresh`),
      );
      await ana.finishRun(run.id, "SUCCESS");
      const runs = await client.connection.sendRequest(RecentRunsRequest.type, { limit: 5 });
      assert.deepEqual(
        runs.map((r) => [r.runId, r.user, r.hostname, r.stepsDone]),
        [[run.id, "ana", hostname(), 0]],
      );
    } finally {
      await ana.close();
    }
  });

  it("says in one line why a configured history cannot be reached, and refuses runs with it", async () => {
    const url = `postgres://assetline:secret@127.0.0.1:${postgres.cluster.port + 1}/team`;
    client = await startAnalyzed("lsp-workspace", {
      prepare: (root) => writeFileSync(join(root, "assetline.config.json"), JSON.stringify({ history: url })),
    });
    await client.waitFor("status to give up on the history", () =>
      client!.notifications.some((n) => n.method === StatusChangedNotification.method),
    );
    const [lens] = await lensTitles("src/marts/orders.ts");
    assert.match(lens!, /unknown/);
    const hover = await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: client.uri("src/marts/orders.ts") },
      position: client.at("src/marts/orders.ts", "deps: [s|tg_orders]"),
    });
    const text = (hover!.contents as MarkupContent).value;
    // Markdown-escaped in the hover: the password shows as \*\*\*.
    assert.match(
      text,
      /cannot reach the run history at postgres:\/\/assetline:(\\\*){3}@127\.0\.0\.1:\d+\/team \(assetline\.config\.json "history"\): connection refused/,
    );
    assert.doesNotMatch(text, /secret/);
    await assert.rejects(
      client.connection.sendRequest(MaterializeRequest.type, { selection: "stg_orders" }),
      (error: Error) => {
        assert.match(error.message, /^cannot reach the run history at postgres:\/\/assetline:\*\*\*@/);
        return true;
      },
    );
  });
});
