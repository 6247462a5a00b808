import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describeWithPostgres } from "../support/postgresCluster";
import {
  checkoutCopy,
  CliProcess,
  Client,
  eventOfNewRun,
  newestRunEvents,
  TcpProxy,
  waitFor,
} from "./distributedSupport";
import { assetline, exampleCopy } from "./support";

/*
 * Distributed materialization over real worker processes, each with its own copy of the
 * workspace, a shared PostgreSQL history (the queue lives there too) and a PostgreSQL warehouse.
 * Heartbeats of half a second keep the suite fast: a dead worker is noticed within ~2.5 s.
 */

/** An asset that takes a while, so a worker can be killed in the middle of it. */
const SLOW_ASSET = `import { asset } from "assetline";

export const slow_report = asset({ group: "slow" }, async (ctx) => {
  await new Promise((resolve) => setTimeout(resolve, 3000));
  await ctx.warehouse.exec("create table if not exists slow_report (built_at text)");
  return { metadata: { slept: 3000 } };
});
`;

/** Fails its first attempt (leaving a mark in the shared warehouse), succeeds on the next. */
const FLAKY_ASSET = `import { asset } from "assetline";

export const flaky = asset({ group: "slow" }, async (ctx) => {
  const marks = await ctx.warehouse.query("select 1 from information_schema.tables where table_name = 'flaky_mark'");
  if (marks.length === 0) {
    await ctx.warehouse.exec("create table flaky_mark (n integer)");
    throw new Error("first attempt fails on purpose");
  }
  return { metadata: {} };
});
`;

describeWithPostgres(
  "cli: distributed materialization (assetline worker, materialize --distributed)",
  function (postgres) {
    this.timeout(240_000);
    let pg: Client;
    let env: NodeJS.ProcessEnv;
    let planner: string;
    const dirs: string[] = [];
    const workers: CliProcess[] = [];

    const startWorker = (dir: string, concurrency = 1): CliProcess => {
      const worker = new CliProcess(
        ["worker", "--dir", dir, "--concurrency", String(concurrency), "--heartbeat", "0.5"],
        dir,
        env,
      );
      workers.push(worker);
      return worker;
    };
    const copy = (slow = SLOW_ASSET): string => {
      const dir = checkoutCopy();
      writeFileSync(join(dir, "src", "slow.ts"), slow);
      dirs.push(dir);
      return dir;
    };
    /**
     * Waits until every worker this test started has joined the queue (registered, beating), as
     * each says once it has; a worker that exits instead fails the test at once, with its output.
     */
    const workersJoined = async (): Promise<void> => {
      await Promise.all(
        workers.map((worker) => worker.waitForOutput(/takes up to \d+ step\(s\) at once/, "it joined the queue")),
      );
    };

    before(async function () {
      const cluster = postgres.cluster;
      env = {
        ASSETLINE_HISTORY_URL: cluster.createDatabase("team"),
        ASSETLINE_WAREHOUSE_URL: cluster.createDatabase("warehouse"),
      };
      pg = new Client({ connectionString: env.ASSETLINE_HISTORY_URL });
      // The restart test drops this connection; it reconnects there.
      pg.on("error", () => undefined);
      await pg.connect();
      planner = exampleCopy(env);
      writeFileSync(join(planner, "src", "slow.ts"), SLOW_ASSET);
      dirs.push(planner);
    });
    afterEach(async () => {
      await Promise.all(workers.splice(0).map((worker) => worker.stop()));
    });
    after(async () => {
      await pg?.end();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    it("refuses --distributed and worker on a SQLite history with one line, exit 2", () => {
      const dir = copy();
      const sqliteEnv = { ASSETLINE_HISTORY_URL: "", ASSETLINE_WAREHOUSE_URL: "" };
      for (const args of [
        ["materialize", "*", "--distributed", "--dir", dir],
        ["worker", "--dir", dir],
        ["workers", "--dir", dir],
      ]) {
        const result = assetline(args, dir, sqliteEnv);
        assert.equal(result.status, 2, result.stderr);
        assert.match(result.stderr, /needs the run history on PostgreSQL/);
        assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
      }
      const local = assetline(["materialize", "*", "--distributed", "--concurrency", "4", "--dir", dir], dir, env);
      assert.equal(local.status, 2);
      assert.match(local.stderr, /--concurrency does not apply to --distributed runs: each worker has its own/);
    });

    it("runs the example on 3 workers: every step once, the run a success, the workers listed", async () => {
      for (let i = 0; i < 3; i++) startWorker(copy());
      await workersJoined();
      const result = assetline(["materialize", "* slow_report", "--distributed", "--dir", planner], planner, env);
      assert.equal(result.status, 0, result.stdout + result.stderr + workers.map((w) => w.output).join("\n"));
      assert.match(result.stdout, /Run \S+ success/);
      const { runId, events } = (await newestRunEvents(pg))!;
      const materialized = events.filter((e) => e.type === "MATERIALIZATION").map((e) => e.asset_key);
      assert.equal(new Set(materialized).size, materialized.length, "each asset materialized once");
      assert.ok(materialized.includes("customers") && materialized.includes("slow_report"), materialized.join(", "));
      const ran = await pg.query<{ n: number }>(
        "SELECT count(DISTINCT worker_id)::integer AS n FROM assetline.dist_attempts WHERE run_id = $1",
        [runId],
      );
      assert.ok(ran.rows[0]!.n >= 2, `steps spread over ${ran.rows[0]!.n} worker(s)`);
      const logs = assetline(["logs", runId, "--dir", planner], planner, env);
      assert.match(logs.stdout, /attempt 1 on worker pid \d+ on /);
      // Listed means a heartbeat within the expiry (2.5 s here): wait for all three rather than
      // fail on one whose beat a loaded machine delayed at the moment of asking.
      const idle = /^\S+ {2}pid \d+ {2}0\/1 busy {2}heartbeat \d+\.\d s ago {2}idle$/;
      let listed = "";
      await waitFor("the 3 workers listed, idle", async () => {
        listed = assetline(["workers", "--dir", planner], planner, env).stdout;
        const lines = listed.trim().split("\n");
        return lines.length === 3 && lines.every((line) => idle.test(line)) ? true : undefined;
      }).catch((error: Error) => {
        throw new Error(`${error.message}; the last listing:\n${listed}`);
      });
      const runs = assetline(["runs", "--dir", planner, "--limit", "1"], planner, env);
      assert.match(runs.stdout, /\n {4}ran on worker pid \d+ on \S+ \(\d+ attempts?\), worker pid \d+ on /);
    });

    it("--retries: a failed attempt goes back to the queue through pg-boss and the next one succeeds", async () => {
      // Only this test's checkouts have the flaky asset: `*` elsewhere must not include it.
      const dir = copy();
      writeFileSync(join(dir, "src", "flaky.ts"), FLAKY_ASSET);
      writeFileSync(join(planner, "src", "flaky.ts"), FLAKY_ASSET);
      startWorker(dir);
      await workersJoined();
      const args = ["materialize", "flaky", "--distributed", "--retries", "1", "--dir", planner];
      const result = assetline(args, planner, env);
      rmSync(join(planner, "src", "flaky.ts"));
      assert.equal(result.status, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /↻ flaky retrying \(attempt 2\): first attempt fails on purpose/);
      const { events } = (await newestRunEvents(pg))!;
      assert.deepEqual(
        events.filter((e) => e.type.startsWith("STEP_") || e.type === "MATERIALIZATION").map((e) => e.type),
        ["STEP_STARTED", "STEP_RETRY", "STEP_STARTED", "MATERIALIZATION", "STEP_SUCCESS"],
      );
    });

    it("a worker whose checkout has other code refuses the step, and the run says why", async () => {
      startWorker(copy(SLOW_ASSET.replace("3000));", "3000)); // edited\n  await Promise.resolve();")));
      await workersJoined();
      const result = assetline(["materialize", "slow_report", "--distributed", "--dir", planner], planner, env);
      assert.equal(result.status, 1, result.stdout + result.stderr);
      assert.match(
        result.stdout,
        /refused asset slow_report: its checkout computes code version \w+, but the run was planned with \w+/,
      );
      const { events } = (await newestRunEvents(pg))!;
      assert.equal(events.filter((e) => e.type === "MATERIALIZATION").length, 0, "nothing ran");
    });

    it("a worker killed with kill -9 mid-step: the step is retried on another worker, recorded once per attempt", async () => {
      const first = startWorker(copy());
      const second = startWorker(copy());
      await workersJoined();
      const previous = (await newestRunEvents(pg))?.runId;
      const run = new CliProcess(["materialize", "slow_report", "--distributed", "--dir", planner], planner, env);
      const { event: log } = await eventOfNewRun(
        pg,
        previous,
        "the first attempt to start",
        (e) => e.type === "LOG" && /^attempt 1 on worker pid \d+/.test(e.message ?? ""),
      );
      const started = Number(/pid (\d+)/.exec(log.message!)![1]);
      const victim = [first, second].find((worker) => worker.owns(started))!;
      const survivor = victim === first ? second : first;
      victim.killHard();
      assert.equal(await run.exited, 0, run.output + survivor.output);
      const { events } = (await newestRunEvents(pg))!;
      const of = (type: string) => events.filter((e) => e.type === type);
      assert.equal(of("STEP_STARTED").length, 2, "two attempts");
      assert.equal(of("STEP_RETRY").length, 1);
      assert.match(of("STEP_RETRY")[0]!.message!, new RegExp(`worker pid ${started} on \\S+ stopped answering`));
      assert.equal(of("MATERIALIZATION").length, 1, "materialized once");
      const retried = events.find((e) => e.type === "LOG" && /^attempt 2 on worker pid \d+/.test(e.message ?? ""));
      assert.ok(retried !== undefined, "the second attempt says where it ran");
      assert.ok(survivor.owns(Number(/pid (\d+)/.exec(retried.message!)![1])), retried.message!);
    });

    it("Ctrl-C of materialize --distributed cancels the run: the worker stops the running step", async () => {
      startWorker(copy());
      await workersJoined();
      const previous = (await newestRunEvents(pg))?.runId;
      const run = new CliProcess(["materialize", "slow_report", "--distributed", "--dir", planner], planner, env);
      await eventOfNewRun(
        pg,
        previous,
        "slow_report to start",
        (e) => e.type === "LOG" && /^attempt 1 on /.test(e.message ?? ""),
      );
      run.signal("SIGINT");
      assert.equal(await run.exited, 1, run.output);
      assert.match(run.output, /Run \S+ canceled/);
      const { events } = (await newestRunEvents(pg))!;
      const failure = events.find((e) => e.type === "STEP_FAILURE");
      assert.ok(failure !== undefined && /run cancelled/.test(failure.message ?? ""), JSON.stringify(events));
      assert.equal(events.filter((e) => e.type === "MATERIALIZATION").length, 0, "the step was stopped, not finished");
      assert.equal(events.at(-1)!.type, "RUN_CANCELED");
    });

    it("a worker cut off from PostgreSQL by a proxy loses its step to another; its late result is rejected", async () => {
      const proxy = await TcpProxy.start(postgres.cluster.port);
      try {
        const through = env.ASSETLINE_HISTORY_URL!.replace(`:${postgres.cluster.port}/`, `:${proxy.port}/`);
        const dir = copy();
        const cutOff = new CliProcess(["worker", "--dir", dir, "--concurrency", "1", "--heartbeat", "0.5"], dir, {
          ...env,
          ASSETLINE_HISTORY_URL: through,
        });
        workers.push(cutOff);
        await workersJoined();
        const previous = (await newestRunEvents(pg))?.runId;
        const run = new CliProcess(["materialize", "slow_report", "--distributed", "--dir", planner], planner, env);
        const { runId } = await eventOfNewRun(
          pg,
          previous,
          "the first attempt to start",
          (e) => e.type === "LOG" && /^attempt 1 on /.test(e.message ?? ""),
        );
        proxy.cut();
        const other = startWorker(copy());
        assert.equal(await run.exited, 0, run.output + other.output);
        proxy.restore();
        const rejected = await waitFor("the late result to be rejected", async () => {
          const found = await pg.query<{ message: string }>(
            "SELECT e.message FROM assetline.events e JOIN assetline.runs r ON r.seq = e.run_seq WHERE r.id = $1 AND e.type = 'LOG' AND e.message LIKE '%was rejected%'",
            [runId],
          );
          return found.rows[0]?.message;
        });
        assert.match(
          rejected,
          /the result of attempt 1 from worker pid \d+ on \S+ was rejected: its lease on the step had expired/,
        );
        const events = (
          await pg.query<{ type: string }>(
            "SELECT e.type FROM assetline.events e JOIN assetline.runs r ON r.seq = e.run_seq WHERE r.id = $1",
            [runId],
          )
        ).rows;
        assert.equal(events.filter((e) => e.type === "MATERIALIZATION").length, 1, "recorded once");
        assert.equal(events.filter((e) => e.type === "STEP_SUCCESS").length, 1);
        const attempts = await pg.query<{ attempt: number; outcome: string }>(
          "SELECT attempt, outcome FROM assetline.dist_attempts WHERE run_id = $1 ORDER BY attempt",
          [runId],
        );
        assert.deepEqual(attempts.rows, [
          { attempt: 1, outcome: "rejected" },
          { attempt: 2, outcome: "succeeded" },
        ]);
      } finally {
        await proxy.close();
      }
    });

    it("PostgreSQL restarted mid-run: the workers reconnect and the run ends cleanly, nothing recorded twice", async () => {
      startWorker(copy());
      startWorker(copy());
      await workersJoined();
      const previous = (await newestRunEvents(pg))?.runId;
      const run = new CliProcess(["materialize", "* slow_report", "--distributed", "--dir", planner], planner, env);
      const { runId } = await eventOfNewRun(
        pg,
        previous,
        "slow_report to start",
        (e) => e.type === "STEP_STARTED" && e.asset_key === "slow_report",
      );
      postgres.cluster.stopServer();
      postgres.cluster.startServer();
      await pg.end().catch(() => undefined);
      pg = new Client({ connectionString: env.ASSETLINE_HISTORY_URL });
      pg.on("error", () => undefined);
      await pg.connect();
      const code = await run.exited;
      assert.ok(code === 0 || code === 1, `exit ${code}: ${run.output}`);
      const status = await waitFor("a fresh connection", async () => {
        const fresh = new Client({ connectionString: env.ASSETLINE_HISTORY_URL });
        await fresh.connect();
        try {
          const found = await fresh.query<{ status: string }>("SELECT status FROM assetline.runs WHERE id = $1", [
            runId,
          ]);
          const materialized = await fresh.query<{ asset_key: string; n: number }>(
            "SELECT e.asset_key, count(*)::integer AS n FROM assetline.events e JOIN assetline.runs r ON r.seq = e.run_seq WHERE r.id = $1 AND e.type = 'MATERIALIZATION' GROUP BY 1",
            [runId],
          );
          for (const row of materialized.rows) assert.equal(row.n, 1, `${row.asset_key} materialized once`);
          return found.rows[0]!.status;
        } finally {
          await fresh.end();
        }
      });
      assert.equal(status, code === 0 ? "SUCCESS" : "FAILURE", run.output);
    });
  },
);
