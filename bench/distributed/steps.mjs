// Distributed steps benchmark: N trivial independent assets materialized by `assetline worker`
// processes (1, 2 and 4 workers, one step at a time each) through pg-boss on a private PostgreSQL
// cluster, against the local executor in the same run (one worker process, on the default SQLite
// history and on the same PostgreSQL history). Time per run is read from the history itself
// (RUN_STARTED to the run's end), so analysis and planning are not counted.
//
//   flock /tmp/assetline-heavy.lock node bench/distributed/steps.mjs [--steps 10000] [--workers 1,2,4]
//
// Needs `npm run build` (it runs the built CLI, as users do).
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundle } from "../support/setup.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const cli = join(root, "bin", "assetline.js");
const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const STEPS = Number(option("steps", "10000"));
const WORKERS = option("workers", "1,2,4").split(",").map(Number);
const PER_FILE = 100;

const { PostgresCluster } = await bundle(
  join(root, "test/support/postgresCluster.ts"),
  join(here, "generated", "cluster.cjs"),
  [],
);

/** A workspace of STEPS trivial assets, PER_FILE per file. */
function workspace() {
  const dir = mkdtempSync(join(tmpdir(), "assetline-bench-steps-"));
  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "bench", dependencies: { assetline: "*" } }));
  for (let file = 0; file * PER_FILE < STEPS; file++) {
    const lines = ['import { asset } from "assetline";'];
    for (let i = file * PER_FILE; i < Math.min(STEPS, (file + 1) * PER_FILE); i++)
      lines.push(`export const step_${i} = asset({}, async () => ({ metadata: { i: ${i} } }));`);
    writeFileSync(join(dir, "src", `steps_${file}.ts`), `${lines.join("\n")}\n`);
  }
  return dir;
}

function assetline(args, dir, env) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd: dir,
    env: { ...process.env, ...env },
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`assetline ${args.join(" ")}: exit ${result.status}\n${result.stderr}`);
  return result.stdout;
}

/** The newest run's duration in ms, from the history. */
function lastRunMs(dir, env) {
  const [run] = JSON.parse(assetline(["runs", "--limit", "1", "--format", "json", "--dir", dir], dir, env)).runs;
  if (run.status !== "SUCCESS") throw new Error(`run ${run.id} ended ${run.status}: ${run.message}`);
  return run.finishedAt - run.startedAt;
}

async function waitForWorkers(dir, env, count) {
  for (;;) {
    const { workers } = JSON.parse(assetline(["workers", "--format", "json", "--dir", dir], dir, env));
    if (workers.length === count) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const cluster = await PostgresCluster.start();
const dirs = [];
const figures = [];
try {
  const base = workspace();
  dirs.push(base);
  const sqliteEnv = { ASSETLINE_HISTORY_URL: "", ASSETLINE_WAREHOUSE_URL: "" };
  console.log(`${STEPS} trivial steps; ${cpus().length} cores, load ${loadavg()[0].toFixed(1)} at start`);

  assetline(["materialize", "*", "--concurrency", "1", "--dir", base], base, sqliteEnv);
  figures.push(["local executor, SQLite history, 1 worker process", lastRunMs(base, sqliteEnv), 1]);
  console.log(figures.at(-1));

  const pgEnv = { ASSETLINE_HISTORY_URL: cluster.createDatabase("history"), ASSETLINE_WAREHOUSE_URL: "" };
  assetline(["materialize", "*", "--concurrency", "1", "--dir", base], base, pgEnv);
  figures.push(["local executor, PostgreSQL history, 1 worker process", lastRunMs(base, pgEnv), 1]);
  console.log(figures.at(-1));

  for (const count of WORKERS) {
    const workers = [];
    for (let i = 0; i < count; i++) {
      const dir = mkdtempSync(join(tmpdir(), "assetline-bench-worker-"));
      cpSync(join(base, "src"), join(dir, "src"), { recursive: true });
      cpSync(join(base, "package.json"), join(dir, "package.json"));
      dirs.push(dir);
      workers.push(
        spawn(process.execPath, [cli, "worker", "--dir", dir, "--concurrency", "1"], {
          cwd: dir,
          env: { ...process.env, ...pgEnv },
          stdio: "ignore",
        }),
      );
    }
    try {
      await waitForWorkers(base, pgEnv, count);
      assetline(["materialize", "*", "--distributed", "--dir", base], base, pgEnv);
      figures.push([`distributed, ${count} worker(s) × 1 step`, lastRunMs(base, pgEnv), count]);
      console.log(figures.at(-1));
    } finally {
      for (const worker of workers) worker.kill("SIGTERM");
      await Promise.all(workers.map((worker) => new Promise((resolve) => worker.once("exit", resolve))));
    }
  }
} finally {
  await cluster.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}

const local = figures[0][1];
console.log(`\n| configuration | run time | steps/s | ms/step | overhead vs local SQLite ms/step |`);
console.log(`|---|---:|---:|---:|---:|`);
for (const [name, ms] of figures) {
  const perStep = ms / STEPS;
  console.log(
    `| ${name} | ${(ms / 1000).toFixed(1)} s | ${((STEPS * 1000) / ms).toFixed(0)} | ${perStep.toFixed(2)} | ${(perStep - local / STEPS).toFixed(2)} |`,
  );
}
console.log(`\n${cpus().length} cores; load ${loadavg()[0].toFixed(1)} at the end`);
