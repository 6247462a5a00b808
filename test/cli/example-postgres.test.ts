import assert from "node:assert/strict";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Client } from "pg";
import { describeWithPostgres } from "../support/postgresCluster";
import { assetline, exampleCopy } from "./support";

/*
 * The example is one code base for two warehouses: ASSETLINE_WAREHOUSE_URL switches it from the
 * embedded SQLite warehouse to PostgreSQL. Both runs must build the same marts.
 */

/** Every mart, as rows sorted the same way, with numbers rounded the way the SQL rounds them. */
const MART_QUERIES: Record<string, string> = {
  monthly_revenue:
    "select month, order_count, customer_count, revenue, revenue_to_date from monthly_revenue order by month",
  segments: "select segment, count(*) as n from customer_segments group by segment order by segment",
  customers:
    "select customer_id, number_of_orders, customer_lifetime_value, first_order, most_recent_order from customers order by customer_id",
  orders: "select order_id, customer_id, order_date, status, amount from orders order by order_id",
};

/** Rows as numbers and text: pg gives numeric and bigint as text; a float sum may differ in its last digit. */
function normalise(rows: ReadonlyArray<Record<string, unknown>>): unknown[] {
  const number = (value: unknown) =>
    typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([key, value]) => {
        const plain = number(value);
        return [key, typeof plain === "number" ? Number(plain.toFixed(2)) : plain];
      }),
    ),
  );
}

describeWithPostgres("cli: the example on a PostgreSQL warehouse", function (postgres) {
  this.timeout(240_000);
  let url: string;
  let pg: Client;
  const dirs: string[] = [];
  before(async function () {
    url = postgres.cluster.createDatabase("jaffle");
    pg = new Client({ connectionString: url });
    await pg.connect();
  });
  after(async () => {
    await pg?.end();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("generates, materializes and checks everything in PostgreSQL, and builds the marts SQLite builds", async () => {
    const env = { ASSETLINE_WAREHOUSE_URL: url };
    const dir = exampleCopy(env);
    dirs.push(dir);
    const result = assetline(["materialize", "*", "--dir", dir], dir, env);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /success in [\d.]+ s: 12 succeeded, 0 failed, 0 skipped/);
    assert.equal(existsSync(join(dir, ".assetline", "warehouse.db")), false, "the SQLite warehouse was not used");

    const count = async (table: string) =>
      (await pg.query<{ n: number }>(`select count(*)::integer as n from ${table}`)).rows[0]!.n;
    assert.equal(await count("stg_orders"), await count("raw_orders"));
    assert.equal(await count("customers"), await count("raw_customers"));
    assert.equal(await count("monthly_revenue"), 12);

    const status = assetline(["status", "--dir", dir, "--format", "json"], dir, env);
    const assets = (
      JSON.parse(status.stdout) as { assets: Array<{ key: string; state: string; checks: Array<{ passed: boolean }> }> }
    ).assets;
    for (const asset of assets.filter((a) => !a.key.startsWith("raw_"))) {
      assert.equal(asset.state, "fresh", asset.key);
      assert.ok(
        asset.checks.every((check) => check.passed),
        `${asset.key}'s checks pass`,
      );
    }

    const local = exampleCopy({ ASSETLINE_WAREHOUSE_URL: "" });
    dirs.push(local);
    const localRun = assetline(["materialize", "*", "--dir", local], local, { ASSETLINE_WAREHOUSE_URL: "" });
    assert.equal(localRun.status, 0, localRun.stdout + localRun.stderr);
    const sqlite = new Database(join(local, ".assetline", "warehouse.db"), { readonly: true });
    try {
      for (const [name, query] of Object.entries(MART_QUERIES)) {
        const fromPostgres = await pg.query(query);
        assert.deepEqual(
          normalise(fromPostgres.rows),
          normalise(sqlite.prepare(query).all() as Array<Record<string, unknown>>),
          `${name} differs between PostgreSQL and SQLite`,
        );
      }
    } finally {
      sqlite.close();
    }
  });
});

describe("cli: the warehouse configuration", () => {
  it("says in one line which setting is wrong when the configured URL is not one, before recording a run", () => {
    const dir = exampleCopy({ ASSETLINE_WAREHOUSE_URL: "" });
    try {
      writeFileSync(join(dir, "assetline.config.json"), JSON.stringify({ warehouse: "mysql://db/jaffle" }));
      const result = assetline(["materialize", "*", "--dir", dir], dir, { ASSETLINE_WAREHOUSE_URL: "" });
      assert.equal(result.status, 2);
      assert.equal(
        result.stderr,
        'assetline: assetline.config.json "warehouse": unsupported scheme "mysql:"; use "sqlite" or a postgres:// URL\n',
      );
      assert.equal(existsSync(join(dir, ".assetline", "assetline.db")), false, "no run was recorded");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
