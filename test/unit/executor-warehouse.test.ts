import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Client } from "pg";
import type { RunResult } from "../../server/src/executor";
import { firstUserFrame } from "../../server/src/model/stackFrames";
import type { StoredEvent } from "../../server/src/store";
import { describeWithPostgres } from "../support/postgresCluster";
import { openWorkspace, type Workspace } from "./support/executor-harness";

/*
 * ctx.warehouse runs the same asset code on the embedded SQLite warehouse and on PostgreSQL
 * (test/fixtures/exec-warehouse), chosen by ASSETLINE_WAREHOUSE_URL in the workers' environment.
 */

const PIPELINE = ["seed_orders", "revenue"];

function event<T extends StoredEvent["type"]>(
  ws: Workspace,
  result: RunResult,
  type: T,
  assetKey: string,
): Extract<StoredEvent, { type: T }> {
  const found = ws.store
    .runEvents(result.runId)
    .find((e) => e.type === type && "assetKey" in e && e.assetKey === assetKey);
  assert.ok(found, `no ${type} for ${assetKey} in ${result.message}`);
  return found as Extract<StoredEvent, { type: T }>;
}

/** The line (0-based) of `text` in the fixture's pipeline.ts. */
function lineOf(ws: Workspace, text: string): number {
  const source = readFileSync(join(ws.root, "src", "pipeline.ts"), "utf8");
  return source.slice(0, source.indexOf(text)).split("\n").length - 1;
}

/** What both backends must agree on: the same code gives the same metadata. */
function assertSameResults(ws: Workspace, result: RunResult, dialect: string): void {
  assert.equal(result.status, "SUCCESS", result.message);
  assert.deepEqual(event(ws, result, "MATERIALIZATION", "seed_orders").metadata, { dialect, rows: 5 });
  assert.deepEqual(event(ws, result, "MATERIALIZATION", "revenue").metadata, {
    top: "ana",
    top_revenue: 25.5,
    last_order: "2024-02-01",
    over_10: 2,
  });
  const check = event(ws, result, "CHECK_EVALUATION", "revenue");
  assert.deepEqual([check.checkName, check.passed, check.metadata], ["revenue_positive", true, { non_positive: 0 }]);
}

describe("executor: ctx.warehouse on the embedded SQLite warehouse", function () {
  this.timeout(60_000);
  let ws: Workspace;
  before(async () => {
    ws = await openWorkspace("exec-warehouse", { env: { ...process.env, ASSETLINE_WAREHOUSE_URL: "" } });
  });
  after(() => ws.dispose());

  it("materializes the pipeline into .assetline/warehouse.db, the file ctx.db opens", async () => {
    const result = await ws.run(PIPELINE).done;
    assertSameResults(ws, result, "sqlite");
    const warehouse = new Database(join(ws.root, ".assetline", "warehouse.db"), { readonly: true });
    try {
      assert.deepEqual(warehouse.prepare("select customer, revenue from revenue order by customer").all(), [
        { customer: "ana", revenue: 25.5 },
        { customer: "bo", revenue: 2.5 },
        { customer: "cy", revenue: 20 },
      ]);
    } finally {
      warehouse.close();
    }
  });

  it("fails a step on bad SQL with the driver's message, at the line that ran it", async () => {
    const result = await ws.run(["misspelt"]).done;
    assert.equal(result.status, "FAILURE");
    const failure = event(ws, result, "STEP_FAILURE", "misspelt");
    assert.match(failure.message, /no such column: total_revenue/);
    const frame = firstUserFrame(failure.error?.stack, ws.root);
    assert.deepEqual(
      [frame?.file, frame?.line],
      ["src/pipeline.ts", lineOf(ws, "await ctx.warehouse.query(`select customer,")],
    );
  });

  it("binds sql`...` values given to ctx.db instead of pasting them into the SQL", async () => {
    const result = await ws.run(["db_tagged"]).done;
    assert.equal(result.status, "SUCCESS", result.message);
    assert.deepEqual(event(ws, result, "MATERIALIZATION", "db_tagged").metadata, { n: 1 });
  });
});

describeWithPostgres("executor: ctx.warehouse on PostgreSQL", function (postgres) {
  this.timeout(120_000);
  let url: string;
  let ws: Workspace;
  let pg: Client;
  before(async function () {
    url = postgres.cluster.createDatabase("warehouse");
    pg = new Client({ connectionString: url });
    // The restart test drops this connection too; it opens a new one.
    pg.on("error", () => undefined);
    await pg.connect();
    ws = await openWorkspace("exec-warehouse", { env: { ...process.env, ASSETLINE_WAREHOUSE_URL: url } });
  });
  after(async () => {
    await ws?.dispose();
    await pg?.end();
  });

  it("materializes the same pipeline into PostgreSQL, with the same results, leaving SQLite alone", async () => {
    const result = await ws.run(PIPELINE).done;
    assertSameResults(ws, result, "postgresql");
    const { rows } = await pg.query("select customer, revenue::text from revenue order by customer");
    assert.deepEqual(rows, [
      { customer: "ana", revenue: "25.50" },
      { customer: "bo", revenue: "2.50" },
      { customer: "cy", revenue: "20.00" },
    ]);
    assert.equal(existsSync(join(ws.root, ".assetline", "warehouse.db")), false, "nothing used the SQLite warehouse");
  });

  it("fails a step on bad SQL with PostgreSQL's message and position, at the line that ran it", async () => {
    const result = await ws.run(["misspelt"]).done;
    assert.equal(result.status, "FAILURE");
    const failure = event(ws, result, "STEP_FAILURE", "misspelt");
    assert.match(
      failure.message,
      /column "total_revenue" does not exist; at line 2, column 7 of the SQL: total_revenue; SQLSTATE 42703/,
    );
    assert.match(failure.error?.stack ?? "", /^WarehouseError: column "total_revenue"/);
    const frame = firstUserFrame(failure.error?.stack, ws.root);
    assert.deepEqual(
      [frame?.file, frame?.line],
      ["src/pipeline.ts", lineOf(ws, "await ctx.warehouse.query(`select customer,")],
    );
  });

  it("keeps one connection per worker process and closes it with the worker", async () => {
    const connections = async () =>
      Number(
        (
          await pg.query<{ n: string }>(
            "select count(*) as n from pg_stat_activity where application_name = 'assetline worker'",
          )
        ).rows[0]!.n,
      );
    assert.ok((await connections()) <= ws.executor.concurrency, "at most one connection per worker");
    await ws.executor.close();
    const deadline = Date.now() + 10_000;
    let open = await connections();
    while (open > 0 && Date.now() < deadline) open = await connections();
    assert.equal(open, 0, "the server still has a worker's connection after the executor closed");
  });

  it("rolls back a transaction a failed step left open before the worker's next step", async () => {
    const single = await openWorkspace("exec-warehouse", {
      concurrency: 1,
      env: { ...process.env, ASSETLINE_WAREHOUSE_URL: url },
    });
    try {
      const failed = await single.run(["leaves_transaction_open"]).done;
      assert.match(event(single, failed, "STEP_FAILURE", "leaves_transaction_open").message, /failed halfway/);
      // Same worker, same connection: still inside that transaction, it would count the row.
      const next = await single.run(["counts_half_done"]).done;
      assert.equal(next.status, "SUCCESS", next.message);
      assert.deepEqual(event(single, next, "MATERIALIZATION", "counts_half_done").metadata, { n: 0 });
    } finally {
      await single.dispose();
    }
  });

  it("stops the statement of a step killed at its timeout, on the server too", async () => {
    const timed = await openWorkspace("exec-warehouse", {
      timeoutMs: 1000,
      env: { ...process.env, ASSETLINE_WAREHOUSE_URL: url },
    });
    try {
      const result = await timed.run(["sleeps"]).done;
      assert.match(event(timed, result, "STEP_FAILURE", "sleeps").message, /timed out after 1 s/);
      const sleeping = async () =>
        (await pg.query("select pid from pg_stat_activity where query = 'select pg_sleep(60)' and state = 'active'"))
          .rowCount;
      const deadline = Date.now() + 5_000;
      let left = await sleeping();
      while (left !== 0 && Date.now() < deadline) left = await sleeping();
      assert.equal(left, 0, "pg_sleep(60) still runs on the server after its worker was killed");
    } finally {
      await timed.dispose();
    }
  });

  it("reconnects after PostgreSQL restarts between steps", async () => {
    const single = await openWorkspace("exec-warehouse", {
      concurrency: 1,
      env: { ...process.env, ASSETLINE_WAREHOUSE_URL: url },
    });
    try {
      assert.equal((await single.run(["seed_orders"]).done).status, "SUCCESS");
      postgres.cluster.stopServer();
      postgres.cluster.startServer();
      const again = await single.run(PIPELINE).done;
      assert.equal(again.status, "SUCCESS", again.message);
    } finally {
      await single.dispose();
      pg = new Client({ connectionString: url });
      await pg.connect();
    }
  });

  it("fails a step with one line naming the warehouse when PostgreSQL cannot be reached", async () => {
    const unreachable = url.replace(/:(\d+)\//, ":1/");
    const other = await openWorkspace("exec-warehouse", {
      env: { ...process.env, ASSETLINE_WAREHOUSE_URL: unreachable },
    });
    try {
      const result = await other.run(["seed_orders"]).done;
      const failure = event(other, result, "STEP_FAILURE", "seed_orders");
      assert.match(
        failure.message,
        /^cannot connect to the warehouse postgres:\/\/assetline@127\.0\.0\.1:1\/warehouse \(ASSETLINE_WAREHOUSE_URL\): connect ECONNREFUSED/,
      );
    } finally {
      await other.dispose();
    }
  });
});
