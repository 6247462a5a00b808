import assert from "node:assert/strict";
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { describeWithPostgres } from "../support/postgresCluster";
import { assetline, REPO } from "./support";

function fixtureCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "assetline-team-"));
  cpSync(join(REPO, "test", "fixtures", "exec-chain"), dir, { recursive: true });
  return dir;
}

describe("cli: the workspace configuration names the run history", function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => (dir = fixtureCopy()));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("exits 2 (bad usage) with one line naming the file for a configuration it cannot use", () => {
    writeFileSync(join(dir, "assetline.config.json"), JSON.stringify({ history: "mysql://db/history" }));
    for (const args of [["status"], ["runs"], ["materialize", "*"]]) {
      const result = assetline([...args, "--dir", dir]);
      assert.equal(result.status, 2, `${args[0]}: ${result.stderr}`);
      assert.equal(
        result.stderr,
        'assetline: assetline.config.json "history": unsupported scheme "mysql:"; use "sqlite" or a postgres:// URL\n',
      );
    }
  });

  it("exits 3 with one line, password hidden, when the environment names a server that does not answer", () => {
    const env = { ASSETLINE_HISTORY_URL: "postgres://ana:s3cret@127.0.0.1:9/history" };
    const result = assetline(["materialize", "*", "--dir", dir], REPO, env);
    assert.equal(result.status, 3, result.stderr);
    assert.equal(
      result.stderr,
      "assetline: cannot reach the run history at postgres://ana:***@127.0.0.1:9/history (ASSETLINE_HISTORY_URL): connection refused (is PostgreSQL running there?)\n",
    );
    assert.ok(!existsSync(join(dir, ".assetline", "assetline.db")), "no SQLite history instead");
  });

  describeWithPostgres("on PostgreSQL", function (postgres) {
    it("records a run there, and status, runs and logs read it back, saying who ran it where", () => {
      const url = postgres.cluster.createDatabase("cli_history");
      writeFileSync(join(dir, "assetline.config.json"), JSON.stringify({ history: url }));
      const before = assetline(["runs", "--dir", dir]);
      assert.equal(before.status, 2);
      assert.match(before.stderr, /no run history .* run `assetline materialize` first/);

      const run = assetline(["materialize", "*", "--dir", dir]);
      assert.equal(run.status, 0, run.stderr + run.stdout);
      const runId = /Run (\S+) success/.exec(run.stdout)?.[1];
      assert.ok(runId, run.stdout);
      assert.ok(!existsSync(join(dir, ".assetline", "assetline.db")), "the history is on PostgreSQL, not in the file");

      const status = JSON.parse(assetline(["status", "--dir", dir, "--format", "json"]).stdout) as {
        assets: Array<{ key: string; state: string }>;
      };
      assert.ok(status.assets.length > 0);
      assert.ok(
        status.assets.every((asset) => asset.state === "fresh"),
        JSON.stringify(status.assets),
      );
      const runs = assetline(["runs", "--dir", dir]);
      assert.equal(runs.status, 0, runs.stderr);
      assert.match(
        runs.stdout,
        new RegExp(`^${runId}\\s+SUCCESS .* cli by ${userInfo().username} on ${hostname()}  \\*`),
      );
      const logs = assetline(["logs", runId, "--dir", dir]);
      assert.equal(logs.status, 0, logs.stderr);
      assert.match(logs.stdout, /MATERIALIZATION/);
    });
  });
});
