#!/usr/bin/env node
// Executor benchmark: per-asset overhead of running 500 trivial assets, as a chain and as a
// wide graph (one root, 499 children), measured in one run against two references:
//
//   floor    the same functions (the same esbuild bundles) called in one process, in order
//   ours     Executor with a warm worker pool: each asset still runs in a worker process,
//            every event durably written to the SQLite event log (WAL, immediate transactions)
//   fresh    one new `node` process per asset, loading the bundle and calling the function
//
// and, to show where ours goes, its two parts measured alone on the chain:
//
//   events   the executor's store writes for 500 assets without running anything: per asset
//            STEP_STARTED, the parent's latest materialization read, MATERIALIZATION+STEP_SUCCESS
//   pool     the worker pool alone: 500 tasks round-tripped through warm workers, no store
//
// The engine is bundled with esbuild as it ships, into bench/executor/generated/ (git-ignored).
//
//   node bench/executor/run.mjs [--assets 500] [--runs 5] [--fresh 40] [--concurrency N]
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism, cpus } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { median, numericFlags } from "../support/setup.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const generated = join(here, "generated");
const args = numericFlags();
const ASSETS = args.assets ?? 500;
const RUNS = args.runs ?? 5;
const FRESH = args.fresh ?? 40; // fresh processes are slow: time a sample, report per asset
const CONCURRENCY = args.concurrency ?? availableParallelism();
const FILES = 10; // assets spread over a few modules, as in a real workspace
const TARGET_MS = 1;

const nodeBundle = {
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  packages: "external",
  logLevel: "error",
};
mkdirSync(generated, { recursive: true });
await build({ ...nodeBundle, entryPoints: [join(here, "engine.ts")], outfile: join(generated, "engine.cjs") });
await build({
  ...nodeBundle,
  entryPoints: [join(root, "server/src/executor/worker/main.ts")],
  outfile: join(generated, "worker.js"),
});
const require = createRequire(join(generated, "engine.cjs"));
const { Executor, planRun, AssetGraph, EventStore, SqliteHistory, storePath, WorkerPool } = require(
  join(generated, "engine.cjs"),
);

/** A workspace of ASSETS trivial assets; `shape` "chain" (a0→a1→…) or "wide" (a0→every other). */
function generateWorkspace(shape) {
  const dir = join(generated, `ws-${shape}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "src"), { recursive: true });
  const definitions = [];
  const sources = Array.from({ length: FILES }, () => ['import { asset } from "assetline";']);
  for (let i = 0; i < ASSETS; i++) {
    const file = i % FILES;
    const parent = i === 0 ? undefined : shape === "chain" ? i - 1 : 0;
    sources[file].push(
      `export const a${i} = asset({ deps: [${parent === undefined ? "" : `"a${parent}"`}] }, () => ({ metadata: { i: ${i} } }));`,
    );
    definitions.push(definition(`a${i}`, `src/m${file}.ts`, parent === undefined ? [] : [`a${parent}`]));
  }
  sources.forEach((lines, file) => writeFileSync(join(dir, "src", `m${file}.ts`), lines.join("\n") + "\n"));
  return { dir, graph: AssetGraph.fromDefinitions(definitions, []) };
}

function definition(key, file, deps) {
  const location = { file, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
  return {
    key,
    kind: "asset",
    location,
    keyLocation: location,
    exportName: key,
    exported: true,
    deps: deps.map((dep) => ({ key: dep, via: "string", text: dep, location })),
    group: undefined,
    owners: [],
    kinds: [],
    tags: {},
    description: undefined,
    freshness: undefined,
    codeVersion: `v-${key}`,
    reads: [],
    writes: [],
  };
}

/** ours: warm pool, bundles built, a fresh store per workspace; median wall time of RUNS runs. */
async function measureExecutor(workspace) {
  rmSync(join(workspace.dir, ".assetline"), { recursive: true, force: true });
  const store = EventStore.open(storePath(workspace.dir));
  const executor = new Executor({
    workspaceRoot: workspace.dir,
    store: new SqliteHistory(store),
    concurrency: CONCURRENCY,
    workerScript: join(generated, "worker.js"),
    sdkPath: join(root, "sdk/index.ts"),
  });
  const plan = planRun(workspace.graph, workspace.graph.keys());
  const coldStart = performance.now();
  const cold = await executor.start(plan).done; // also builds the bundles and starts the workers
  const coldMs = performance.now() - coldStart;
  if (cold.status !== "SUCCESS") throw new Error(`benchmark run failed: ${cold.message}`);
  await executor.warm();
  const times = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    const result = await executor.start(plan).done;
    times.push(performance.now() - started);
    if (result.status !== "SUCCESS") throw new Error(`benchmark run failed: ${result.message}`);
  }
  const events = store.runEvents(store.listRuns({ limit: 1 })[0].id).length;
  await executor.close();
  store.close();
  return { warmMs: median(times), coldMs, eventsPerRun: events };
}

/** floor: require the bundles the executor built and call each function in order, in this process. */
async function measureFloor(workspace) {
  const bundles = new Map();
  const manifest = require(join(workspace.dir, ".assetline", "build", "manifest.json"));
  for (const [file, entry] of Object.entries(manifest))
    bundles.set(file, require(join(workspace.dir, ".assetline", "build", entry.bundle)));
  const order = workspace.graph.toposort();
  const ctx = {
    log: { debug() {}, info() {}, warn() {}, error() {} },
    assetKey: "",
    runId: "floor",
    signal: new AbortController().signal,
  };
  const times = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    for (const key of order) {
      const definition = workspace.graph.definition(key);
      await bundles.get(definition.location.file)[key].fn({ ...ctx, assetKey: key });
    }
    times.push(performance.now() - started);
  }
  return median(times);
}

/** fresh: one `node` process per asset (a sample of FRESH assets), loading its bundle and calling it. */
function measureFresh(workspace) {
  const manifest = require(join(workspace.dir, ".assetline", "build", "manifest.json"));
  const script =
    'const [b, k] = process.argv.slice(1); Promise.resolve(require(b)[k].fn({ log: console, assetKey: k, runId: "fresh" })).then(() => process.exit(0));';
  const order = workspace.graph.toposort().slice(0, FRESH);
  const started = performance.now();
  for (const key of order) {
    const definition = workspace.graph.definition(key);
    const bundle = join(workspace.dir, ".assetline", "build", manifest[definition.location.file].bundle);
    const result = spawnSync(process.execPath, ["-e", script, bundle, key], { stdio: "ignore" });
    if (result.status !== 0) throw new Error(`fresh process for ${key} failed`);
  }
  return (performance.now() - started) / order.length;
}

/** events: the same durable writes and reads as the executor, in one process, nothing executed. */
function measureEvents(workspace) {
  const dir = join(generated, "events-only");
  rmSync(dir, { recursive: true, force: true });
  const store = EventStore.open(storePath(dir));
  const order = workspace.graph.toposort();
  const times = [];
  for (let run = 0; run < RUNS; run++) {
    const runId = store.createRun({ selection: "*", launchedBy: "cli" }).id;
    const started = performance.now();
    for (const key of order) {
      store.appendEvents(runId, [{ type: "STEP_STARTED", assetKey: key, attempt: 1, ts: Date.now() }]);
      const consumed = {};
      for (const parent of workspace.graph.parents(key)) {
        const latest = store.latestMaterialization(parent);
        if (latest) consumed[parent] = latest.eventId;
      }
      store.appendEvents(runId, [
        { type: "MATERIALIZATION", assetKey: key, codeVersion: "v", metadata: { i: 1 }, consumed, ts: Date.now() },
        { type: "STEP_SUCCESS", assetKey: key, durationMs: 0, ts: Date.now() },
      ]);
    }
    times.push(performance.now() - started);
    store.finishRun(runId, "SUCCESS");
  }
  store.close();
  return median(times) / order.length;
}

/** pool: the same tasks through warm workers, one after the other, without the store or the scheduler. */
async function measurePool(workspace) {
  const manifest = require(join(workspace.dir, ".assetline", "build", "manifest.json"));
  const pool = new WorkerPool({
    workerScript: join(generated, "worker.js"),
    execPath: process.execPath,
    size: 1,
    cwd: workspace.dir,
  });
  await pool.warm();
  const order = workspace.graph.toposort();
  const listener = { onLog() {}, onDropped() {} };
  const times = [];
  for (let run = 0; run < RUNS + 1; run++) {
    const started = performance.now();
    for (const key of order) {
      const file = workspace.graph.definition(key).location.file;
      const outcome = await pool.run(
        {
          runId: "pool",
          kind: "asset",
          bundlePath: join(workspace.dir, ".assetline", "build", manifest[file].bundle),
          sourceFile: join(workspace.dir, file),
          exportName: key,
          assetKey: key,
          checkName: undefined,
          warehousePath: join(workspace.dir, ".assetline", "warehouse.db"),
          logCapBytes: 1 << 20,
        },
        listener,
      ).done;
      if (outcome.status !== "ok") throw new Error(outcome.error.message);
    }
    if (run > 0) times.push(performance.now() - started); // the first pass loads the bundles
  }
  await pool.close();
  return median(times) / order.length;
}

const rows = [];
for (const shape of ["chain", "wide"]) {
  const workspace = generateWorkspace(shape);
  const ours = await measureExecutor(workspace);
  const floorMs = await measureFloor(workspace);
  const freshPerAsset = measureFresh(workspace);
  rows.push({
    shape,
    ours,
    floorPerAsset: floorMs / ASSETS,
    oursPerAsset: ours.warmMs / ASSETS,
    freshPerAsset,
    workspace,
  });
}
const eventsPerAsset = measureEvents(rows[0].workspace);
const poolPerAsset = await measurePool(rows[0].workspace);

const f = (ms) => (ms < 0.1 ? ms.toFixed(4) : ms < 10 ? ms.toFixed(3) : ms.toFixed(1));
console.log(
  `executor benchmark: ${ASSETS} trivial assets in ${FILES} modules, concurrency ${CONCURRENCY}, median of ${RUNS} warm runs`,
);
console.log(`machine: ${cpus()[0]?.model ?? "?"} × ${availableParallelism()}, node ${process.version}\n`);
console.log(
  "shape   floor ms/asset   ours ms/asset   ours−floor   fresh ms/asset   fresh/ours   cold run ms   events/run",
);
for (const row of rows) {
  console.log(
    [
      row.shape.padEnd(6),
      f(row.floorPerAsset).padStart(14),
      f(row.oursPerAsset).padStart(15),
      f(row.oursPerAsset - row.floorPerAsset).padStart(12),
      f(row.freshPerAsset).padStart(16),
      `${(row.freshPerAsset / row.oursPerAsset).toFixed(0)}×`.padStart(12),
      f(row.ours.coldMs).padStart(13),
      String(row.ours.eventsPerRun).padStart(12),
    ].join(" "),
  );
}
console.log(
  `\nparts, on the chain: durable event writes ${f(eventsPerAsset)} ms/asset, worker-pool round trip ${f(poolPerAsset)} ms/task,`,
);
console.log(`scheduling and bookkeeping ≈ ${f(rows[0].oursPerAsset - eventsPerAsset - poolPerAsset)} ms/asset`);
const worst = Math.max(...rows.map((row) => row.oursPerAsset));
console.log(
  `\ntarget: < ${TARGET_MS} ms per asset warm — ${worst < TARGET_MS ? "met" : "MISSED"} (worst ${f(worst)} ms)`,
);
