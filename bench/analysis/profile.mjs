#!/usr/bin/env node
// Where the analysis time goes: runs one worker under `node --cpu-prof` and prints the
// inclusive time of the phases that matter, then the heaviest functions by self time.
//
//   node bench/analysis/profile.mjs [FILES=3000] [cold|update] [EDITS=200] [--no-sql]
//
// --no-sql profiles the diagnostic build whose SQL table extraction is stubbed out, to see
// what the rest of the analysis costs.
// cold: one analyzeAll() of the generated workspace. update: analyzeAll(), then the SQL-keystroke
// and dep-change edits of run.mjs; only the samples inside updateFile() are counted.
// Uses the bundle run.mjs builds (bench/analysis/generated/.build/analysis.cjs) and the workspace
// it generates; run `node bench/analysis/run.mjs --sizes N --runs 1 --no-tsc` first if missing.

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const positional = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
const [sizeArg = "3000", phase = "cold", edits = "200"] = positional;
const bundle = join(
  HERE,
  process.argv.includes("--no-sql") ? "generated/.build/analysis-nosql.cjs" : "generated/.build/analysis.cjs",
);
const dir = join(HERE, "generated", sizeArg);
if (!existsSync(bundle) || !existsSync(dir)) {
  console.error(
    `missing ${existsSync(bundle) ? dir : bundle}: run \`node bench/analysis/run.mjs --sizes ${sizeArg} --runs 1 --no-tsc\` first`,
  );
  process.exit(2);
}

/** Phases by the function that enters them (names survive esbuild's bundling). */
const PHASES = [
  ["analyzeAll", "analyzeAll"],
  ["updateFile", "updateFile"],
  ["  list + read files", "listFiles|readFile"],
  ["  scan (one file)", "scan"],
  ["  scanFile", "scanFile"],
  ["    ts.createSourceFile", "createSourceFile"],
  ["    SQL: extractTables", "extractTables"],
  ["      sql-parser-cst parse", "parse@sql-parser-cst"],
  ["    token hashes", "tokenHash"],
  ["    walks: walkTopLevel", "walkTopLevel"],
  ["    readTopLevel", "readTopLevel"],
  ["    analyzeCall", "analyzeCall"],
  ["      extractConfig", "extractConfig"],
  ["      extractEffects", "extractEffects"],
  ["      forEachDescendant", "forEachDescendant"],
  ["    locations", "ofNode|at@analysis"],
  ["    line/column", "getLineAndCharacterOfPosition"],
  ["  relink", "relink"],
  ["    link files", "linkFile"],
  ["      helper versions", "versionOf"],
  ["    link everything", "linkEverything"],
  ["      indexes", "indexAsset|indexCheck|countRefs"],
  ["      AL002/AL003/AL004/AL005", "updateMissing|updateUndeclared|updateDuplicates|updateBadTarget"],
  ["      levels", "computeLevels"],
  ["      per-file diagnostics", "rebuildFileDiagnostics"],
  ["    link incrementally", "linkIncrementally"],
  ["    AssetGraph.fromDefinitions", "fromDefinitions"],
  ["    graphDiagnostics", "graphDiagnostics"],
  ["(garbage collector)", "(garbage collector)"],
];

const out = mkdtempSync(join(tmpdir(), "assetline-prof-"));
try {
  const mode = phase === "update" ? ["incremental", bundle, dir, edits] : ["analyze", bundle, dir];
  // PROFILE_NODE_FLAGS="--no-turbo-inlining" attributes self time to the functions that spend it.
  const flags = (process.env.PROFILE_NODE_FLAGS ?? "").split(" ").filter(Boolean);
  const worker = ["--cpu-prof", "--cpu-prof-dir", out, ...flags, join(HERE, "worker.mjs"), ...mode];
  const result = spawnSync(process.execPath, worker, {
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(result.stderr);
  console.log(result.stdout.trim());
  const file = readdirSync(out).find((name) => name.endsWith(".cpuprofile"));
  summarise(JSON.parse(readFileSync(join(out, file), "utf8")), phase === "update" ? "updateFile" : undefined);
} finally {
  rmSync(out, { recursive: true, force: true });
}

function summarise(profile, within) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const name = (node) => node.callFrame.functionName || "(anonymous)";
  const inside = (id) => {
    if (within === undefined) return true;
    for (let cur = id; cur !== undefined; cur = parentOf.get(cur)) if (name(byId.get(cur)) === within) return true;
    return false;
  };
  const sampleTime = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    if (!inside(id)) return;
    sampleTime.set(id, (sampleTime.get(id) ?? 0) + dt);
    total += dt;
  });
  const where = (node) => node.callFrame.url.split("/").slice(-3).join("/");
  const matches = (node, pattern) =>
    pattern.split("|").some((p) => {
      const [fn, url] = p.split("@");
      return name(node) === fn && (url === undefined || node.callFrame.url.includes(url));
    });

  const inclusive = new Map(PHASES.map(([label]) => [label, 0]));
  const self = new Map();
  for (const [id, dt] of sampleTime) {
    const leaf = byId.get(id);
    const selfKey = `${name(leaf)}  ${where(leaf)}:${leaf.callFrame.lineNumber + 1}`;
    self.set(selfKey, (self.get(selfKey) ?? 0) + dt);
    // Count each phase once per sample even under recursion.
    const hit = new Set();
    for (let cur = id; cur !== undefined; cur = parentOf.get(cur)) {
      const node = byId.get(cur);
      for (const [label, pattern] of PHASES) if (!hit.has(label) && matches(node, pattern)) hit.add(label);
    }
    for (const label of hit) inclusive.set(label, inclusive.get(label) + dt);
  }
  const ms = (us) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
  const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
  console.log(`\nprofiled ${ms(total)}${within ? ` inside ${within}()` : ""}  (inclusive time per phase)`);
  for (const [label] of PHASES)
    if (inclusive.get(label) > 0) console.log(`${ms(inclusive.get(label))} ${pct(inclusive.get(label))}  ${label}`);
  console.log(`\nheaviest functions by self time:`);
  for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.PROFILE_TOP ?? 25)))
    console.log(`${ms(us)} ${pct(us)}  ${key}`);
}
