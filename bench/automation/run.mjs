// Automation benchmark: one tick's evaluation (history view refresh + the pure decision) for
// 10,000 assets with 1,000,000 events of history, against the latest-state query alone, timed in
// the same run on the same store.
//
//   node bench/automation/run.mjs [--events N] [--assets N] [--all-due] [--profile FILE.cpuprofile]
//
// --profile writes a CPU profile of the steady ticks alone (not the history writing or cold ticks).
//
// Assets form 100 chains of 100; conditions cycle eager, on-freshness (max lag 60 min), a daily
// cron, eager + on-freshness, none; each asset has a blocking check. History: whole steps
// (STEP_STARTED, LOG, MATERIALIZATION, CHECK_EVALUATION, STEP_SUCCESS) round-robin, as the store
// benchmark writes them, then one failed step every 97 assets. Two figures per side:
// - cold: a fresh connection and view (what a newly started loop pays once);
// - steady: the tick after a run that rebuilt 10 assets (what every later tick pays).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundle, loadLine, median, msSince as ms, numericFlags } from "../support/setup.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const args = numericFlags(argv);
const profileAt = argv.indexOf("--profile");
const profileFile = profileAt >= 0 ? argv[profileAt + 1] : undefined;
const EVENTS = args.events ?? 1_000_000;
const ASSETS = args.assets ?? 10_000;
const CHAIN = 100;
const REPEATS = 15;

const { EventStore, StoreHistoryView, CronSchedules, TickMemo, decideTick } = await bundle(
  join(here, "engine.ts"),
  join(here, "generated", "engine.cjs"),
);

const key = (i) => `asset_${i}`;
const parent = (i) => (i % CHAIN === 0 ? undefined : i - 1);
const CONDITIONS = [
  [{ kind: "eager" }],
  [{ kind: "on-freshness" }],
  [{ kind: "cron", cron: "0 6 * * *", timezone: "UTC", force: false }],
  [{ kind: "on-freshness" }, { kind: "eager" }],
  [],
];

/**
 * The event id the next appended event gets: one writer, so ids are consecutive (run.mjs checks
 * every batch against what appendEvents returns).
 */
let nextId = 0;
/** Asset index → the event id of its latest materialization, which its downstream consumes. */
const materializationIds = new Map();
// With --all-due, consumed ids lag behind the upstream's (as the first version of this benchmark
// wrote them): every eager asset is due at every tick, 4,000 of them, the decision's worst case.
const allDue = argv.includes("--all-due");

function stepEvents(i, n, failed) {
  const asset = key(i);
  const p = parent(i);
  const start = { type: "STEP_STARTED", assetKey: asset };
  if (failed) return [start, { type: "STEP_FAILURE", assetKey: asset, message: "boom" }];
  const consumedId = allDue ? n : (materializationIds.get(p) ?? 0);
  materializationIds.set(i, nextId + 2);
  return [
    start,
    { type: "LOG", assetKey: asset, level: "info", message: `building ${asset} (${n})` },
    {
      type: "MATERIALIZATION",
      assetKey: asset,
      codeVersion: `cv${i}`,
      metadata: { rows: n },
      consumed: p === undefined ? {} : { [key(p)]: consumedId },
    },
    { type: "CHECK_EVALUATION", assetKey: asset, checkName: "not_empty", passed: n % 13 !== 0, blocking: true },
    { type: "STEP_SUCCESS", assetKey: asset, durationMs: 1000 + ((i * 7919 + n) % 60_000) },
  ];
}

/** Appends a batch of step events, checking that the ids stepEvents predicted are the ones given. */
function append(store, run, batch) {
  const ids = store.appendEvents(run, batch);
  if (ids[0] !== nextId - batch.length || ids[ids.length - 1] !== nextId - 1)
    throw new Error(
      `event ids ${ids[0]}..${ids.at(-1)} differ from the predicted ${nextId - batch.length}..${nextId - 1}`,
    );
  return ids.length;
}

/** Starts a run and sets the id its first appended event will get. */
function createRun(store, selection) {
  const run = store.createRun({ selection, launchedBy: "cli" }).id;
  nextId = store.lastEventId() + 1;
  return run;
}

/** The events of one step, with the ids they will get counted. */
function step(i, n, failed) {
  const events = stepEvents(i, n, failed);
  nextId += events.length;
  return events;
}

const fmt = (n) => n.toLocaleString("en-US");

const scratch = mkdtempSync(join(tmpdir(), "assetline-bench-automation-"));
const dbPath = join(scratch, "assetline.db");
try {
  console.log(loadLine());
  console.log(
    `automation benchmark: ${fmt(ASSETS)} assets, ${fmt(EVENTS)} events${allDue ? ", every eager asset due (--all-due)" : ""} (node ${process.version})`,
  );

  const writer = EventStore.open(dbPath);
  let written = 0;
  let steps = 0;
  const t0 = process.hrtime.bigint();
  while (written < EVENTS) {
    const run = createRun(writer, "*");
    for (let batch = []; written < EVENTS;) {
      const i = steps % ASSETS;
      batch.push(...step(i, steps, false));
      steps++;
      if (batch.length >= 1000 || i === ASSETS - 1) {
        written += append(writer, run, batch);
        batch = [];
        if (i === ASSETS - 1) break;
      }
    }
    writer.finishRun(run, "SUCCESS");
  }
  const failing = createRun(writer, "failures");
  for (let i = 0; i < ASSETS; i += 97) append(writer, failing, step(i, steps, true));
  writer.finishRun(failing, "FAILURE");
  console.log(`history written in ${(ms(t0) / 1000).toFixed(1)} s`);

  const assets = [];
  const checks = [];
  for (let i = 0; i < ASSETS; i++) {
    const p = parent(i);
    const automation = CONDITIONS[i % CONDITIONS.length];
    const freshness = automation.some((c) => c.kind === "on-freshness") ? { maxLagMinutes: 60 } : undefined;
    // One in 50 has changed code since its last build.
    const codeVersion = i % 50 === 0 ? `cv${i}-edited` : `cv${i}`;
    assets.push({
      key: key(i),
      kind: "asset",
      codeVersion,
      freshness,
      automation,
      deps: p === undefined ? [] : [{ key: key(p) }],
    });
    checks.push({ name: "not_empty", assetKey: key(i), blocking: true });
  }
  const settings = {
    maxConcurrent: 100,
    tickMs: 30_000,
    backoffInitialMs: 60_000,
    backoffMaxMs: 3_600_000,
    timeZone: "UTC",
  };
  const cron = new CronSchedules();
  // One memo per view, as a loop keeps one of each (server/src/automation/loop.ts).
  const memos = new WeakMap();
  const tick = (view) => {
    view.refresh();
    if (!memos.has(view)) memos.set(view, new TickMemo());
    return decideTick({ assets, checks, history: view, cron, now: Date.now(), settings, memo: memos.get(view) });
  };

  /** Rebuilds 10 assets (one in 1,000): the history a steady tick sees change. */
  let rebuilds = 0;
  const rebuildSome = () => {
    const run = createRun(writer, "some");
    const events = [];
    for (let j = 0; j < 10; j++) events.push(...step((rebuilds * 10 + j * 1_009) % ASSETS, steps++, false));
    rebuilds++;
    append(writer, run, events);
    writer.finishRun(run, "SUCCESS");
  };

  const coldQuery = [];
  const coldTick = [];
  let planned;
  for (let r = 0; r < 5; r++) {
    let store = EventStore.open(dbPath, { readonly: true });
    let t = process.hrtime.bigint();
    store.latestState();
    coldQuery.push(ms(t));
    store.close();
    store = EventStore.open(dbPath, { readonly: true });
    const view = new StoreHistoryView(store);
    t = process.hrtime.bigint();
    planned = tick(view);
    coldTick.push(ms(t));
    store.close();
  }

  const queryStore = EventStore.open(dbPath, { readonly: true });
  const tickStore = EventStore.open(dbPath, { readonly: true });
  const view = new StoreHistoryView(tickStore);
  queryStore.latestState();
  tick(view);
  const steadyQuery = [];
  const steadyTick = [];
  const profiler = profileFile === undefined ? undefined : new Session();
  if (profiler !== undefined) {
    profiler.connect();
    await profiler.post("Profiler.enable");
    await profiler.post("Profiler.start");
  }
  for (let r = 0; r < REPEATS; r++) {
    rebuildSome();
    let t = process.hrtime.bigint();
    queryStore.latestState();
    steadyQuery.push(ms(t));
    t = process.hrtime.bigint();
    planned = tick(view);
    steadyTick.push(ms(t));
  }
  const noChangeTick = [];
  for (let r = 0; r < REPEATS; r++) {
    const t = process.hrtime.bigint();
    tick(view);
    noChangeTick.push(ms(t));
  }
  if (profiler !== undefined) {
    const { profile } = await profiler.post("Profiler.stop");
    writeFileSync(profileFile, JSON.stringify(profile));
    profiler.disconnect();
    console.log(`steady ticks profiled to ${profileFile}`);
  }
  queryStore.close();
  tickStore.close();
  writer.close();

  const outcome = {};
  for (const d of planned.decisions) outcome[d.outcome] = (outcome[d.outcome] ?? 0) + 1;
  console.log(`last tick: ${fmt(planned.run.length)} to run, decisions ${JSON.stringify(outcome)}`);
  const row = (name, tickMs, queryMs) =>
    console.log(
      `${name.padEnd(34)} tick ${tickMs.toFixed(1).padStart(7)} ms   latest state alone ${queryMs.toFixed(1).padStart(7)} ms   ratio ${(tickMs / queryMs).toFixed(2)}`,
    );
  row("cold (fresh connection and view)", median(coldTick), median(coldQuery));
  row("steady (after 10 assets rebuilt)", median(steadyTick), median(steadyQuery));
  console.log(`steady, nothing changed since the last tick: tick ${median(noChangeTick).toFixed(1)} ms`);
  console.log("target: a tick under 50 ms, within 2× the latest-state query");
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
