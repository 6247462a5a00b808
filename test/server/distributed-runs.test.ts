import { strict as assert } from "node:assert";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "pg";
import { CodeLensRequest } from "vscode-languageserver-protocol";
import {
  type AssetCommandArgs,
  ClientCommands,
  MaterializeRequest,
  type RunEventParams,
  RunEventNotification,
  RunChecksRequest,
} from "../../protocol";
import { CliProcess, waitFor } from "../cli/distributedSupport";
import { describeWithPostgres } from "../support/postgresCluster";
import { startAnalyzed, type TestClient } from "./support/client";

describeWithPostgres(
  `language server: editor runs on assetline workers ("materialize": "distributed")`,
  function (postgres) {
    this.timeout(120_000);
    let client: TestClient | undefined;
    let worker: CliProcess | undefined;
    afterEach(async function () {
      await worker?.stop();
      worker = undefined;
      if (this.currentTest?.state === "failed") client?.kill();
      else await client?.stop();
      client = undefined;
    });

    it("sends a CodeLens materialization to the queue, where a worker process runs it, and follows the run", async () => {
      const url = postgres.cluster.createDatabase("team");
      client = await startAnalyzed("lsp-runs", {
        prepare: (root) =>
          writeFileSync(
            join(root, "assetline.config.json"),
            JSON.stringify({ history: url, materialize: "distributed" }),
          ),
      });
      const pg = new Client({ connectionString: url });
      await pg.connect();
      try {
        // The worker shares the checkout here (same code version); the CLI suite covers separate copies.
        worker = new CliProcess(
          ["worker", "--dir", client.root, "--concurrency", "1", "--heartbeat", "0.5"],
          client.root,
          {
            ASSETLINE_HISTORY_URL: "",
          },
        );
        const live = worker;
        // Before the worker's first start the table does not exist yet: the probe fails and is retried.
        await waitFor("the worker to join the queue", async () => {
          const found = await pg.query("SELECT 1 FROM workers WHERE stopped_at IS NULL");
          return found.rows.length > 0 ? true : undefined;
        }).catch((error: Error) => {
          throw new Error(`${error.message}; the worker said:\n${live.output}`);
        });

        const lenses = await client.connection.sendRequest(CodeLensRequest.type, {
          textDocument: { uri: client.uri("src/numbers.ts") },
        });
        const lens = lenses!.find((l) => l.command?.command === ClientCommands.materializeWithUpstream);
        assert.ok(lens, JSON.stringify(lenses));
        // What the extension's command does with the lens's arguments.
        const [args] = lens.command!.arguments as [AssetCommandArgs];
        const started = await client.connection.sendRequest(MaterializeRequest.type, {
          selection: args.key,
          withUpstream: true,
        });
        assert.equal(started.steps, 3);

        const result = await client.runFinished(started.runId);
        assert.equal(result.status, "SUCCESS", JSON.stringify(result));
        assert.deepEqual(
          result.steps.map((step) => `${step.assetKey}${step.checkName ? `:${step.checkName}` : ""} ${step.status}`),
          ["numbers succeeded", "doubled succeeded", "doubled:positive succeeded"],
        );
        // Every attempt was the worker's, and the run view heard which worker ran each step.
        const attempts = await pg.query<{ pid: number; outcome: string; launched_by: string }>(
          `SELECT w.pid, a.outcome, r.launched_by FROM dist_attempts a JOIN workers w ON w.id = a.worker_id
         JOIN runs r ON r.id = a.run_id WHERE a.run_id = $1`,
          [started.runId],
        );
        assert.equal(attempts.rows.length, 3);
        for (const row of attempts.rows) {
          assert.ok(live.owns(row.pid), `attempt by pid ${row.pid}, not the worker ${live.pid}`);
          assert.equal(row.outcome, "succeeded");
          assert.equal(row.launched_by, "editor");
        }
        const events = client.notifications
          .filter(
            (n) => n.method === RunEventNotification.method && (n.params as RunEventParams).runId === started.runId,
          )
          .map((n) => n.params as RunEventParams);
        const onWorker = events.filter(
          (event) => event.type === "LOG" && /^attempt 1 on worker pid \d+ on /.test(event.message ?? ""),
        );
        assert.equal(onWorker.length, 3, JSON.stringify(events));
        assert.equal(events[events.length - 1]!.type, "RUN_SUCCESS");

        // ✓ Run checks goes to the worker as well.
        const checks = await client.connection.sendRequest(RunChecksRequest.type, { key: "doubled" });
        const checked = await client.runFinished(checks.runId);
        assert.deepEqual(
          [checked.status, ...checked.steps.map((step) => `${step.checkName} ${step.status}`)],
          ["SUCCESS", "positive succeeded"],
        );
        const checkAttempts = await pg.query("SELECT 1 FROM dist_attempts WHERE run_id = $1", [checks.runId]);
        assert.equal(checkAttempts.rows.length, 1);
      } finally {
        await pg.end();
      }
    });

    it('refuses "materialize": "distributed" with a SQLite history in one line naming the file', async () => {
      client = await startAnalyzed("lsp-runs", {
        prepare: (root) =>
          writeFileSync(join(root, "assetline.config.json"), JSON.stringify({ materialize: "distributed" })),
      });
      await assert.rejects(
        client.connection.sendRequest(MaterializeRequest.type, { selection: "numbers" }),
        (error: Error) => {
          assert.match(
            error.message,
            /assetline\.config\.json: "materialize": "distributed" needs the run history on PostgreSQL/,
          );
          assert.ok(!error.message.includes("\n"), error.message);
          return true;
        },
      );
    });
  },
);
