import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { assetline, type CliResult, exampleCopy } from "./support";

interface StatusJson {
  assets: Array<{
    key: string;
    state: string;
    reason: string;
    lastMaterializedAt: string | null;
    codeVersion: string;
    link: string;
    checks: Array<{ name: string; passed: boolean; evaluatedAt: string }>;
  }>;
}

function status(dir: string): Map<string, StatusJson["assets"][number]> {
  const result = assetline(["status", "--dir", dir, "--format", "json"]);
  assert.equal(result.status, 0, result.stderr);
  return new Map((JSON.parse(result.stdout) as StatusJson).assets.map((asset) => [asset.key, asset]));
}

describe("cli: materialize, status, runs, logs on the example", function () {
  let dir: string;
  before(() => {
    dir = exampleCopy();
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it("reports every asset never-materialized before any run, without creating a history file", () => {
    const states = status(dir);
    assert.equal(states.get("orders")!.state, "never-materialized");
    assert.equal(states.get("orders")!.lastMaterializedAt, null);
    const runs = assetline(["runs", "--dir", dir]);
    assert.equal(runs.status, 2);
    assert.match(runs.stderr, /no run history .* run `assetline materialize` first/);
  });

  it("materializes everything, prints the run id, and builds the warehouse tables", () => {
    const result = assetline(["materialize", "*", "--dir", dir]);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^Run \S+: 12 step\(s\)/m);
    assert.match(result.stdout, /success in [\d.]+ s: 12 succeeded, 0 failed, 0 skipped/);
    const warehouse = new Database(join(dir, ".assetline", "warehouse.db"), { readonly: true });
    try {
      const count = (table: string) =>
        (warehouse.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
      assert.equal(count("stg_orders"), count("raw_orders"));
      assert.equal(count("customers"), count("raw_customers"));
      assert.equal(count("orders"), count("raw_orders"));
      assert.equal(count("monthly_revenue"), 12);
    } finally {
      warehouse.close();
    }
  });

  it("shows fresh assets with their check results in the documented JSON shape", () => {
    const states = status(dir);
    const stgOrders = states.get("stg_orders")!;
    assert.equal(stgOrders.state, "fresh");
    assert.ok(!Number.isNaN(Date.parse(stgOrders.lastMaterializedAt!)));
    assert.match(stgOrders.codeVersion, /^[0-9a-f]{16}$/);
    assert.deepEqual(
      stgOrders.checks.map((check) => [check.name, check.passed]),
      [
        ["customer_id_not_null", true],
        ["order_id_unique", true],
      ],
    );
    assert.ok(!Number.isNaN(Date.parse(stgOrders.checks[0]!.evaluatedAt)));
  });

  it("marks an edited asset code-changed and its whole downstream upstream-changed after a rebuild", () => {
    const file = join(dir, "src", "staging", "stg_orders.ts");
    const original = readFileSync(file, "utf8");
    writeFileSync(file, original.replace("drop table if exists stg_orders", "drop table if exists stg_orders  "));
    const edited = status(dir);
    assert.equal(edited.get("stg_orders")!.state, "code-changed");
    assert.deepEqual(
      [edited.get("orders")!.state, edited.get("orders")!.reason],
      ["upstream-changed", "upstream stg_orders has code changes not materialized yet"],
    );
    const rebuilt = assetline(["materialize", "stg_orders", "--dir", dir]);
    assert.equal(rebuilt.status, 0, rebuilt.stdout);
    const states = status(dir);
    assert.equal(states.get("stg_orders")!.state, "fresh");
    assert.match(states.get("orders")!.reason, /^upstream stg_orders materialized .* after this one$/);
    // Transitive, as in Dagster: everything below stg_orders will change once orders is rebuilt.
    for (const key of ["customers", "monthly_revenue"]) {
      assert.deepEqual(
        [states.get(key)!.state, states.get(key)!.reason],
        ["upstream-changed", "upstream stg_orders changed and orders has not been rebuilt since"],
        key,
      );
    }
    assert.deepEqual(
      [states.get("customer_segments")!.state, states.get("customer_segments")!.reason],
      ["upstream-changed", "upstream stg_orders changed and customers has not been rebuilt since"],
    );
    assert.equal(states.get("stg_customers")!.state, "fresh");
    assert.equal(states.get("stg_payments")!.state, "fresh");
    const downstream = assetline(["materialize", "stg_orders+", "--dir", dir]);
    assert.equal(downstream.status, 0, downstream.stdout);
    assert.equal(status(dir).get("customer_segments")!.state, "fresh");
  });

  it("refuses to run definitions with errors", () => {
    const broken = join(dir, "src", "broken.ts");
    writeFileSync(
      broken,
      'import { asset } from "assetline";\nexport const broken = asset({ deps: ["nope_missing"] }, async () => {});\n',
    );
    try {
      const refused = assetline(["materialize", "*", "--dir", dir]);
      assert.equal(refused.status, 1);
      assert.match(refused.stderr, /AL002[\s\S]*fix them before materializing/);
    } finally {
      rmSync(broken);
    }
  });

  it("rejects a selection that matches nothing, with exit 2", () => {
    const unknown = assetline(["materialize", "no_such_asset", "--dir", dir]);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /nothing matches "no_such_asset"/);
  });

  it("asks for the selection when there is none, with exit 2", () => {
    const missing = assetline(["materialize", "--dir", dir]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /missing SELECTION/);
  });

  // Runs after the tests above (mocha runs a suite's own tests before its nested suites).
  describe("a run whose asset throws", () => {
    let file: string;
    let original: string;
    let materialize: CliResult;
    let runId: string;
    let failedState: string;
    let logs: CliResult;
    let runs: CliResult;
    before(() => {
      file = join(dir, "src", "staging", "stg_payments.ts");
      original = readFileSync(file, "utf8");
      writeFileSync(
        file,
        original.replace("(ctx) => {", '(ctx) => {\n    throw new Error("payments export is corrupt");'),
      );
      materialize = assetline(["materialize", "stg_payments+", "--dir", dir]);
      runId = /^Run (\S+) failure/m.exec(materialize.stdout)?.[1] ?? "(no run id in the output)";
      failedState = status(dir).get("stg_payments")!.state;
      logs = assetline(["logs", runId, "--dir", dir]);
      runs = assetline(["runs", "--dir", dir, "--limit", "1"]);
    });
    after(() => original !== undefined && writeFileSync(file, original));

    it("exits 1 and reports the failure, the skipped downstream and the outcome", () => {
      assert.equal(materialize.status, 1, materialize.stdout);
      assert.match(materialize.stdout, /✗ stg_payments failed: .*payments export is corrupt/);
      assert.match(materialize.stdout, /- orders skipped/);
      assert.match(materialize.stdout, /failure in [\d.]+ s/);
    });

    it("shows the asset failed in status", () => {
      assert.equal(failedState, "failed");
    });

    it("logs the step's failure with a stack naming the user's TypeScript file", () => {
      assert.equal(logs.status, 0, logs.stderr);
      assert.match(logs.stdout, /STEP_FAILURE stg_payments: .*payments export is corrupt/);
      assert.match(logs.stdout, /src\/staging\/stg_payments\.ts:\d+/, "the stack names the user's TypeScript file");
    });

    it("logs the throwing line as the original TypeScript numbers it (mapped through the bundle)", () => {
      const throwLine = original.split("\n").findIndex((line) => line.includes("(ctx) => {")) + 2;
      assert.match(
        logs.stdout,
        new RegExp(`STEP_FAILURE stg_payments: .*\\n    at src/staging/stg_payments\\.ts:${throwLine}:\\d+\\n`),
      );
    });

    it("links the failure into the editor from logs and status, in text and JSON", () => {
      const link = `vscode://assetline.assetline/asset?key=stg_payments&run=${runId}`;
      assert.ok(logs.stdout.includes(`Open in VS Code: ${link}`), logs.stdout);
      const logsJson = JSON.parse(assetline(["logs", runId, "--dir", dir, "--format", "json"]).stdout) as {
        link: string;
      };
      assert.equal(logsJson.link, link);
      const states = status(dir);
      assert.equal(states.get("stg_payments")!.link, link);
      assert.equal(states.get("stg_orders")!.link, "vscode://assetline.assetline/asset?key=stg_orders");
      assert.ok(assetline(["status", "--dir", dir]).stdout.includes(`Open in VS Code:\n  stg_payments: ${link}`));
    });

    it("lists the run first in the run history, as FAILURE", () => {
      assert.match(runs.stdout, new RegExp(`^${runId}\\s+FAILURE`));
    });
  });
});
