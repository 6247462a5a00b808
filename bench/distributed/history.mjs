// History benchmark for team scale: the same HistoryStore calls on SQLite (the embedded file) and
// PostgreSQL (a private cluster started here), at 10,000 assets: history writes per second in the
// executor's pattern (one transaction per step) and in batches, and latest-state query times.
//
//   flock /tmp/assetline-heavy.lock node bench/distributed/history.mjs [--assets N] [--passes N]
//
// The store is bundled with esbuild (as it ships) into bench/distributed/generated/ (git-ignored).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundle, median, numericFlags } from "../support/setup.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const args = numericFlags();
const ASSETS = args.assets ?? 10_000;
const PASSES = args.passes ?? 2;
const REPEATS = 15;

const external = ["better-sqlite3", "pg"];
const { SqliteHistory, PostgresHistory } = await bundle(
  join(root, "server/src/store/index.ts"),
  join(here, "generated", "store.cjs"),
  external,
);
const { PostgresCluster } = await bundle(
  join(root, "test/support/postgresCluster.ts"),
  join(here, "generated", "cluster.cjs"),
  external,
);

/** The events of one step of asset `i`: what a real materialization with one check writes. */
function stepEvents(i, pass) {
  const key = `asset_${i}`;
  return [
    { type: "STEP_STARTED", assetKey: key },
    { type: "LOG", assetKey: key, level: "info", message: `building ${key}` },
    {
      type: "MATERIALIZATION",
      assetKey: key,
      codeVersion: `cv${i}_${pass}`,
      metadata: { rows: i * 3 + pass },
      consumed: i > 0 ? { [`asset_${i - 1}`]: i } : {},
    },
    { type: "CHECK_EVALUATION", assetKey: key, checkName: "not_empty", passed: true, blocking: false },
    { type: "STEP_SUCCESS", assetKey: key, durationMs: 3 },
  ];
}

async function time(fn) {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

async function measure(name, open) {
  const store = await open();
  const run = await store.createRun({ selection: "*", launchedBy: "cli" });
  // Executor pattern: one transaction per step (5 events), one pass over every asset.
  const perStep = await time(async () => {
    for (let i = 0; i < ASSETS; i += 1) await store.appendEvents(run.id, stepEvents(i, 0));
  });
  // Batches of 1,000 events (a CLI import, or many steps' logs at once).
  let batched = 0;
  for (let pass = 1; pass < PASSES; pass += 1) {
    batched += await time(async () => {
      for (let i = 0; i < ASSETS; i += 200) {
        const events = [];
        for (let j = i; j < Math.min(ASSETS, i + 200); j += 1) events.push(...stepEvents(j, pass));
        await store.appendEvents(run.id, events);
      }
    });
  }
  await store.finishRun(run.id, "SUCCESS");
  const cold = [];
  for (let r = 0; r < 5; r += 1) {
    const reader = await open({ readonly: true });
    cold.push(await time(() => reader.latestState()));
    await reader.close();
  }
  const reader = await open({ readonly: true });
  await reader.latestState();
  const warm = [];
  for (let r = 0; r < REPEATS; r += 1) warm.push(await time(() => reader.latestState()));
  const changed = [];
  for (let r = 0; r < REPEATS; r += 1) {
    const again = await store.createRun({ selection: "100", launchedBy: "cli" });
    const events = [];
    for (let i = r * 100; i < r * 100 + 100; i += 1) events.push(...stepEvents(i % ASSETS, 100 + r));
    await store.appendEvents(again.id, events);
    await store.finishRun(again.id, "SUCCESS");
    changed.push(await time(() => reader.latestState()));
  }
  const size = (await reader.latestState()).size;
  if (size !== ASSETS) throw new Error(`${name}: ${size} assets in the latest state, expected ${ASSETS}`);
  await reader.close();
  await store.close();
  return {
    name,
    perStepEventsPerSecond: Math.round((ASSETS * 5) / (perStep / 1000)),
    stepsPerSecond: Math.round(ASSETS / (perStep / 1000)),
    batchedEventsPerSecond: PASSES > 1 ? Math.round(((PASSES - 1) * ASSETS * 5) / (batched / 1000)) : undefined,
    coldMs: median(cold),
    warmMs: median(warm),
    changedMs: median(changed),
  };
}

const scratch = mkdtempSync(join(tmpdir(), "assetline-bench-history-"));
const results = [];
try {
  results.push(await measure("SQLite", (options = {}) => SqliteHistory.open(join(scratch, "assetline.db"), options)));
  if (PostgresCluster.binDir() === undefined) {
    console.log(`PostgreSQL skipped: ${PostgresCluster.missingReason}`);
  } else {
    const cluster = await PostgresCluster.start();
    try {
      const url = cluster.createDatabase("bench");
      results.push(await measure("PostgreSQL", (options = {}) => PostgresHistory.open(url, options)));
    } finally {
      await cluster.stop();
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const version = (() => {
  try {
    return execFileSync(join(PostgresCluster.binDir() ?? "", "postgres"), ["--version"], { encoding: "utf8" }).trim();
  } catch {
    return "PostgreSQL not installed";
  }
})();
console.log(
  `${cpus().length} cores, load ${loadavg()[0].toFixed(1)}, Node ${process.version}, ${version}; ${ASSETS} assets`,
);
console.log("| measure | " + results.map((r) => r.name).join(" | ") + " |");
console.log("|---|" + results.map(() => "---:").join("|") + "|");
const row = (label, pick, unit) =>
  console.log(`| ${label} | ${results.map((r) => `${pick(r)} ${unit}`).join(" | ")} |`);
row("writes, one transaction per step (5 events)", (r) => r.stepsPerSecond.toLocaleString("en"), "steps/s");
row("  the same in events", (r) => r.perStepEventsPerSecond.toLocaleString("en"), "events/s");
if (PASSES > 1)
  row("writes, batches of 1,000 events", (r) => r.batchedEventsPerSecond.toLocaleString("en"), "events/s");
row(
  `latestState() of ${ASSETS.toLocaleString("en")} assets, first call of a connection`,
  (r) => r.coldMs.toFixed(1),
  "ms",
);
row(`latestState() of ${ASSETS.toLocaleString("en")} assets, nothing changed`, (r) => r.warmMs.toFixed(2), "ms");
row(`latestState() of ${ASSETS.toLocaleString("en")} assets, after 100 changed`, (r) => r.changedMs.toFixed(1), "ms");
