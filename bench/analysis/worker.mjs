// One measurement per process, so no cache or JIT state leaks from one to the next.
// Spawned by run.mjs; prints one JSON line on stdout.
//
//   node worker.mjs analyze     BUNDLE DIR          cold WorkspaceAnalysis.analyzeAll()
//   node worker.mjs analyze-sql-cache BUNDLE DIR    the same with DIR's on-disk SQL cache attached
//                                                   (.assetline/cache, as the CLI and the language
//                                                   server do), saved afterwards
//   node worker.mjs analyze-threads BUNDLE DIR N    cold analyzeAll() scanning on N threads (scanWorker.js beside BUNDLE)
//   node worker.mjs floor       BUNDLE DIR          ts.createSourceFile + full forEachChild walk
//   node worker.mjs incremental BUNDLE DIR EDITS    analyzeAll, then EDITS × (edit one file, updateFile)
//
// BUNDLE is the esbuild bundle of server/src/analysis/index.ts; `ts` is taken from the
// ts-morph that bundle loads, so the floor uses the very same compiler.

import { createRequire } from "node:module";
import { setFlagsFromString } from "node:v8";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";

const [mode, bundleArg, dirArg, extra] = process.argv.slice(2);
// The engine's entry points (CLI, language server) set this flag (server/src/v8Flags.ts);
// measure what ships. ASSETLINE_BENCH_NO_V8_FLAG=1 measures without it.
if (process.env.ASSETLINE_BENCH_NO_V8_FLAG !== "1") setFlagsFromString("--max-optimized-bytecode-size=10000");
const bundlePath = resolve(bundleArg ?? "");
const dir = resolve(dirArg ?? "");
const require = createRequire(bundlePath);
const engine = require(bundlePath);
const { ts } = require("ts-morph");

const rssMB = () => process.resourceUsage().maxRSS / 1024;

function analyze(withSqlCache = false, threads = 1) {
  // The pool falls back to this thread without its worker script: that would measure nothing.
  if (threads > 1 && !existsSync(join(dirname(bundlePath), "scanWorker.js")))
    throw new Error(`no scanWorker.js beside ${bundlePath}`);
  const started = performance.now();
  const cache = withSqlCache ? engine.attachSqlCache(dir) : undefined;
  const snapshot = new engine.WorkspaceAnalysis(new engine.DiskReader(dir), { threads }).analyzeAll();
  const ms = performance.now() - started;
  if (cache) {
    cache.save();
    cache.detach();
  }
  const codes = {};
  for (const d of snapshot.diagnostics) codes[d.code] = (codes[d.code] ?? 0) + 1;
  return {
    ms,
    peakRssMB: rssMB(),
    files: snapshot.files.length,
    assets: snapshot.assets.length,
    checks: snapshot.checks.length,
    diagnostics: codes,
  };
}

function floor() {
  const started = performance.now();
  const reader = new engine.DiskReader(dir);
  let nodes = 0;
  const visit = (node) => {
    nodes += 1;
    ts.forEachChild(node, visit);
  };
  let files = 0;
  for (const file of reader.listFiles()) {
    const text = reader.readFile(file);
    if (text === undefined) continue;
    const kind = file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
    // Parsed as the engine parses (no JSDoc), so the ratio compares like with like.
    const options = { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone };
    visit(ts.createSourceFile(file, text, options, false, kind));
    files += 1;
  }
  return { ms: performance.now() - started, peakRssMB: rssMB(), files, nodes };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function diagnosticKey(d) {
  // Without the line: the typed line moves whatever the edited file reports below it.
  return JSON.stringify([d.code, d.message, d.location?.file]);
}

function summarise(times) {
  const sorted = [...times].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p90: percentile(sorted, 90), max: sorted[sorted.length - 1], n: sorted.length };
}

/**
 * The language server's path: an unsaved buffer laid over the disk, then updateFile().
 * Two edits in a file from the middle of the workspace:
 *  - sql: typing a new column into the exec() SQL, one character per edit (every text is new);
 *  - dep: adding / removing a string dep key (the graph changes every other edit).
 */
function incremental() {
  const edits = Number(extra ?? 200);
  const overlay = new engine.OverlayReader(new engine.DiskReader(dir));
  const analysis = new engine.WorkspaceAnalysis(overlay, { keepLastGoodOnSyntaxError: true });
  const coldStarted = performance.now();
  const first = analysis.analyzeAll();
  const coldMs = performance.now() - coldStarted;

  // A mid-workspace asset file whose first asset declares deps and runs exec().
  const files = first.files.filter(
    (f) => !f.startsWith("src/util/") && !f.startsWith("src/sources/") && !f.startsWith("src/lib/"),
  );
  const file = files[Math.floor(files.length / 2)];
  const base = overlay.readFile(file);
  const selectAt = base.indexOf("        select\n") + "        select\n".length;
  const depsAt = base.indexOf("deps: [") + "deps: [".length;
  if (selectAt < "        select\n".length || depsAt < "deps: [".length)
    throw new Error(`unexpected layout in ${file}`);
  // Sources have no deps, so adding one as a dep never makes a cycle.
  const earlier = first.assets.filter((a) => a.kind === "source").map((a) => a.key);
  if (earlier.length === 0) throw new Error("no sources to add as deps");

  const measure = (textFor, check) => {
    const times = [];
    for (let i = 0; i < edits; i++) {
      const text = textFor(i);
      overlay.setBuffer(file, text);
      const started = performance.now();
      const snapshot = analysis.updateFile(file);
      times.push(performance.now() - started);
      check(snapshot, i);
    }
    overlay.setBuffer(file, base);
    analysis.updateFile(file);
    return summarise(times);
  };

  const column = "new_metric_column_name_";
  const sql = measure(
    (i) => {
      const typed = `${column.repeat(Math.ceil((i + 1) / column.length)).slice(0, i + 1)}`;
      return `${base.slice(0, selectAt)}          ${typed},\n${base.slice(selectAt)}`;
    },
    (snapshot, i) => {
      if (i !== edits - 1) return;
      // The typed column may name no column of the table it reads (AL008, as it would for a
      // user typing it); anything else new means the edit broke the SQL or the analysis.
      const typed = column.repeat(Math.ceil(edits / column.length)).slice(0, edits);
      const before = new Set(first.diagnostics.map(diagnosticKey));
      const unexpected = snapshot.diagnostics.filter(
        (d) => !before.has(diagnosticKey(d)) && !(d.code === "AL008" && d.message.includes(`\`${typed}\``)),
      );
      if (unexpected.length > 0 || snapshot.diagnostics.length < first.diagnostics.length)
        throw new Error(`the SQL edit changed the diagnostics: ${unexpected.map((d) => d.message).join("; ")}`);
    },
  );
  // The first definition in the file is an asset: `deps: [` first occurs in it.
  const inFile = first.assets.filter((a) => a.location.file === file);
  const firstAsset = inFile.reduce((a, b) => (b.location.range.start.line < a.location.range.start.line ? b : a));
  const dep = measure(
    (i) =>
      i % 2 === 0 ? `${base.slice(0, depsAt)}"${earlier[(i / 2) % earlier.length]}", ${base.slice(depsAt)}` : base,
    (snapshot, i) => {
      const now = snapshot.assets.find((a) => a.key === firstAsset.key);
      const expected = firstAsset.deps.length + (i % 2 === 0 ? 1 : 0);
      if (!now || now.deps.length !== expected)
        throw new Error(`dep edit ${i} not seen: ${now?.deps.length} deps, expected ${expected}`);
    },
  );
  return { file, coldMs, sql, dep, peakRssMB: rssMB() };
}

const modes = {
  analyze: () => analyze(false),
  "analyze-sql-cache": () => analyze(true),
  "analyze-threads": () => analyze(false, Number(extra)),
  floor,
  incremental,
};
if (!modes[mode]) {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(modes[mode]())}\n`);
