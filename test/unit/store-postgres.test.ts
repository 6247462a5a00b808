import assert from "node:assert/strict";
import pg from "pg";
import {
  HistoryUnreachableError,
  listenForCommits,
  NoHistoryError,
  PostgresHistory,
  SchemaTooNewError,
} from "../../server/src/store";
import { describeWithPostgres } from "../support/postgresCluster";
import { waitUntil } from "./support/store-temp";

describeWithPostgres("store on PostgreSQL: opening, schema and notifications", function (postgres) {
  this.timeout(60_000);

  it("names an unreachable server in one line, without the password, saying where the URL came from", async () => {
    const url = `postgres://ana:s3cret@127.0.0.1:${postgres.cluster.port + 1}/history`;
    await assert.rejects(PostgresHistory.open(url, { from: "ASSETLINE_HISTORY_URL" }), (error: Error) => {
      assert.ok(error instanceof HistoryUnreachableError);
      assert.equal(
        error.message,
        `cannot reach the run history at postgres://ana:***@127.0.0.1:${postgres.cluster.port + 1}/history (ASSETLINE_HISTORY_URL): connection refused (is PostgreSQL running there?)`,
      );
      return true;
    });
    await assert.rejects(
      PostgresHistory.open(postgres.cluster.url("no_such_db")),
      /database "no_such_db" does not exist; create it/,
    );
  });

  it("reads an empty database as no history yet, and a newer schema as a typed error", async () => {
    const url = postgres.cluster.createDatabase("schema_checks");
    await assert.rejects(PostgresHistory.open(url, { readonly: true }), NoHistoryError);
    await (await PostgresHistory.open(url)).close();
    const raw = new pg.Client({ connectionString: url });
    await raw.connect();
    await raw.query("UPDATE assetline.schema_version SET version = 99");
    await raw.end();
    await assert.rejects(PostgresHistory.open(url), SchemaTooNewError);
    await assert.rejects(PostgresHistory.open(url, { readonly: true }), /newer Assetline \(schema 99/);
  });

  it("notifies a listener of another connection's commits, and again after the server restarts", async () => {
    const url = postgres.cluster.createDatabase("notify_checks");
    const writer = await PostgresHistory.open(url);
    const reader = await PostgresHistory.open(url, { readonly: true });
    let heard = 0;
    const stop = (await listenForCommits(
      { kind: "postgres", url, from: "test" },
      () => (heard += 1),
      () => undefined,
    ))!;
    try {
      const run = await writer.createRun({ selection: "a", launchedBy: "cli" });
      await waitUntil(async () => heard >= 1, "the first notification");
      postgres.cluster.stopServer();
      postgres.cluster.startServer();
      const before = heard;
      // The listener reconnects by itself and says so (commits made meanwhile went unheard).
      await waitUntil(async () => heard > before, "a notification after reconnecting");
      const after = heard;
      await writer.appendEvents(run.id, [{ type: "STEP_STARTED", assetKey: "a" }]);
      await waitUntil(async () => heard > after, "a notification of a commit after the restart");
      assert.equal((await reader.latestState()).get("a")?.lastAttempt?.runId, run.id);
    } finally {
      await stop();
      await writer.close();
      await reader.close();
    }
  });
});
