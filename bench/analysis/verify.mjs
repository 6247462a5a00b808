#!/usr/bin/env node
// Behaviour guard for performance work on the analysis (not a benchmark):
//
//   node bench/analysis/verify.mjs incremental BUNDLE DIR [STEPS=300] [SEED=1]
//       Loads DIR into memory, then applies STEPS seeded random edits (SQL keystrokes, deps
//       added/removed/renamed, assets renamed or duplicated, cycles, files deleted/restored/
//       created, syntax errors, barrel and helper edits) one at a time through updateFile(),
//       and after each compares the incremental snapshot with a fresh analyzeAll() of the
//       same texts, and checks that the previous snapshot did not change (snapshots are
//       immutable). Any difference is printed and the exit code is 1.
//   node bench/analysis/verify.mjs dump BUNDLE DIR
//       Prints a canonical JSON of DIR's cold snapshot (assets, checks, diagnostics, files,
//       producers, the whole graph), to diff two builds of the engine.
//
// BUNDLE is an esbuild bundle of server/src/analysis/index.ts (run.mjs writes one to
// bench/analysis/generated/.build/analysis.cjs).

import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

const [mode, bundleArg, dirArg, stepsArg = "300", seedArg = "1"] = process.argv.slice(2);
const bundlePath = resolve(bundleArg ?? "");
const dir = resolve(dirArg ?? "");
const engine = createRequire(bundlePath)(bundlePath);

/** Everything a snapshot says, with object identities turned into indexes. */
function canonical(snapshot) {
  const assetIndex = new Map(snapshot.assets.map((asset, i) => [asset, i]));
  const checkIndex = new Map(snapshot.checks.map((check, i) => [check, i]));
  const graph = snapshot.graph;
  const keys = graph.keys();
  return JSON.stringify({
    files: snapshot.files,
    assets: snapshot.assets,
    checks: snapshot.checks,
    diagnostics: snapshot.diagnostics,
    producers: [...snapshot.producers].map(([resource, list]) => [resource, list.map((a) => assetIndex.get(a) ?? "?")]),
    graph: {
      keys,
      toposort: graph.toposort(),
      cycles: graph.cycles(),
      components: graph.cyclicComponents(),
      nodes: keys.map((key) => [
        key,
        graph.isPlaceholder(key),
        graph.parents(key),
        graph.children(key),
        graph.definition(key) === undefined ? null : (assetIndex.get(graph.definition(key)) ?? "?"),
        graph.checksOf(key).map((c) => checkIndex.get(c) ?? "?"),
      ]),
    },
  });
}

class MemoryReader {
  constructor(root, files) {
    this.root = root;
    this.files = files;
  }
  listFiles() {
    return [...this.files.keys()].filter((f) => engine.isAnalysableFile(f)).sort();
  }
  readFile(file) {
    return this.files.get(file);
  }
}

function loadTree(root) {
  const files = new Map();
  const walk = (rel) => {
    for (const name of readdirSync(join(root, rel))) {
      if (name === "node_modules" || name.startsWith(".")) continue;
      const path = rel ? `${rel}/${name}` : name;
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else if (engine.isAnalysableFile(path)) files.set(path, readFileSync(join(root, path), "utf8"));
    }
  };
  walk("");
  return files;
}

function prng(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n), pick: (list) => list[Math.floor(next() * list.length)] };
}

/** Random edits, each a (file, new text | undefined for delete) pair plus a label. */
function editor(files, rng) {
  const removed = new Map();
  const allKeys = () => {
    const keys = [];
    for (const text of files.values()) for (const m of text.matchAll(/export const (\w+) = /g)) keys.push(m[1]);
    return keys;
  };
  const replaceAt = (text, index, length, insert) => text.slice(0, index) + insert + text.slice(index + length);
  const occurrences = (text, needle) => {
    const found = [];
    for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) found.push(i);
    return found;
  };
  const assetFiles = () => [...files.keys()].filter((f) => files.get(f).includes("deps: ["));
  const edits = [
    ["sql keystroke", () => {
      const file = rng.pick(assetFiles());
      const text = files.get(file);
      const at = rng.pick(occurrences(text, " select"));
      return at === undefined ? undefined : [file, replaceAt(text, at + 7, 0, ` k${rng.int(100)},`)];
    }],
    ["add string dep", () => {
      const file = rng.pick(assetFiles());
      const text = files.get(file);
      const at = rng.pick(occurrences(text, "deps: ["));
      return [file, replaceAt(text, at + 7, 0, `"${rng.pick(allKeys())}", `)];
    }],
    ["add missing dep", () => {
      const file = rng.pick(assetFiles());
      const text = files.get(file);
      const at = rng.pick(occurrences(text, "deps: ["));
      return [file, replaceAt(text, at + 7, 0, `"${rng.pick(allKeys())}x", `)];
    }],
    ["drop first dep", () => {
      const file = rng.pick(assetFiles());
      const text = files.get(file);
      const at = rng.pick(occurrences(text, "deps: ["));
      const end = text.indexOf("]", at);
      const comma = text.indexOf(",", at);
      return [file, replaceAt(text, at + 7, (comma > 0 && comma < end ? comma + 1 : end) - at - 7, "")];
    }],
    ["rename const", () => {
      const file = rng.pick([...files.keys()]);
      const text = files.get(file);
      const names = [...text.matchAll(/export const (\w+) = /g)];
      if (names.length === 0) return undefined;
      const m = rng.pick(names);
      return [file, replaceAt(text, m.index + 13, m[1].length, `${m[1]}_r${rng.int(9)}`)];
    }],
    ["duplicate key", () => {
      const file = rng.pick(assetFiles());
      const text = files.get(file);
      const at = text.indexOf("deps: [");
      return [file, replaceAt(text, at, 0, `name: "${rng.pick(allKeys())}",\n    `)];
    }],
    ["make a cycle", () => {
      const file = rng.pick(assetFiles());
      const text = files.get(file);
      const own = [...text.matchAll(/export const (\w+) = /g)].map((m) => m[1]);
      const at = text.indexOf("deps: [");
      return [file, replaceAt(text, at + 7, 0, `"${rng.pick(own)}", `)];
    }],
    ["delete file", () => {
      const file = rng.pick([...files.keys()]);
      removed.set(file, files.get(file));
      return [file, undefined];
    }],
    ["restore file", () => {
      const file = rng.pick([...removed.keys()]);
      if (file === undefined) return undefined;
      const text = removed.get(file);
      removed.delete(file);
      return [file, text];
    }],
    ["new file", () => {
      const keys = allKeys();
      const n = rng.int(1e6);
      return [`src/new_${n}.ts`, `import { asset } from "assetline";\nexport const fresh_${n} = asset({ deps: ["${rng.pick(keys)}"] }, (ctx) => {\n  ctx.db.exec("create table fresh_${n} as select * from ${rng.pick(keys)}");\n});\n`];
    }],
    ["syntax error", () => {
      const file = rng.pick([...files.keys()]);
      const text = files.get(file);
      return [file, replaceAt(text, rng.int(text.length), 0, "{{ (")];
    }],
    ["delete a line", () => {
      const file = rng.pick([...files.keys()]);
      const lines = files.get(file).split("\n");
      lines.splice(rng.int(lines.length), 1);
      return [file, lines.join("\n")];
    }],
    ["duplicate a line", () => {
      const file = rng.pick([...files.keys()]);
      const lines = files.get(file).split("\n");
      const i = rng.int(lines.length);
      lines.splice(i, 0, lines[i]);
      return [file, lines.join("\n")];
    }],
    ["touch helper or barrel", () => {
      const candidates = [...files.keys()].filter((f) => f.includes("util") || f.includes("lib/"));
      const file = rng.pick(candidates);
      if (file === undefined) return undefined;
      const text = files.get(file);
      const choice = rng.int(3);
      if (choice === 0) return [file, text.replace("return", "return /* x */ (0, ") .replace(/;\n/, ");\n")];
      if (choice === 1) return [file, text.replace(/export \{ asset, /, "export { ")];
      return [file, `${text}\nexport const extra_${rng.int(1e6)} = 1;\n`];
    }],
    ["rename a suggested key", () => {
      // A missing dep "keyx" suggests "key": renaming "key" must change the suggestion.
      const keys = new Set(allKeys());
      const suggested = [];
      for (const text of files.values()) for (const m of text.matchAll(/"(\w+)x"/g)) if (keys.has(m[1])) suggested.push(m[1]);
      const key = rng.pick(suggested);
      if (key === undefined) return undefined;
      const file = [...files.keys()].find((f) => files.get(f).includes(`export const ${key} = `));
      const text = files.get(file);
      return [file, text.replace(`export const ${key} = `, `export const ${key}_renamed = `)];
    }],
    ["undeclared read", () => {
      const file = rng.pick(assetFiles());
      const text = files.get(file);
      const at = text.indexOf("ctx.db.exec(");
      if (at < 0) return undefined;
      return [file, replaceAt(text, at, 0, `ctx.db.prepare("select count(*) from ${rng.pick(allKeys())}").get();\n    `)];
    }],
  ];
  return () => {
    for (;;) {
      const [label, make] = rng.pick(edits);
      let edit;
      try {
        edit = make();
      } catch (error) {
        // An edit with nothing to apply to (no asset file left, say): pick another.
        if (!(error instanceof TypeError)) throw error;
      }
      if (edit && edit[0] !== undefined) return [label, ...edit];
    }
  };
}

function firstDifference(a, b) {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `at ${i}:\n  incremental …${a.slice(Math.max(0, i - 200), i + 200)}…\n  cold        …${b.slice(Math.max(0, i - 200), i + 200)}…`;
}

function incremental() {
  const steps = Number(stepsArg);
  const rng = prng(Number(seedArg));
  const files = loadTree(dir);
  const reader = new MemoryReader(dir, files);
  const analysis = new engine.WorkspaceAnalysis(reader);
  let previous = analysis.analyzeAll();
  let previousCanonical = canonical(previous);
  // Odd seeds prepare for edits up front (as the language server does), even seeds leave it to the first edit.
  if (Number(seedArg) % 2 === 1) analysis.prepareForEdits?.();
  const next = editor(files, rng);
  const counts = {};
  let failures = 0;
  for (let step = 1; step <= steps; step++) {
    // Sometimes several files change before one link, as when the language server batches edits.
    const batch = rng.int(6) === 0 ? 2 + rng.int(3) : 1;
    const touched = [];
    const labels = [];
    for (let i = 0; i < batch; i++) {
      const [label, file, text] = next();
      if (text === undefined) files.delete(file);
      else files.set(file, text);
      touched.push(file);
      labels.push(`${label} ${file}`);
      counts[label] = (counts[label] ?? 0) + 1;
    }
    const updated = touched.length === 1 ? analysis.updateFile(touched[0]) : analysis.updateFiles(touched);
    const fresh = new engine.WorkspaceAnalysis(reader).analyzeAll();
    const a = canonical(updated);
    const b = canonical(fresh);
    if (canonical(previous) !== previousCanonical) {
      failures++;
      console.log(`step ${step} (${labels.join("; ")}): the previous snapshot changed`);
    }
    previous = updated;
    previousCanonical = a;
    if (a !== b) {
      failures++;
      console.log(`step ${step} (${labels.join("; ")}): incremental ≠ cold ${firstDifference(a, b)}`);
      if (failures >= 5) break;
      // Carry on from a clean state so one bug does not hide the next.
      previous = analysis.analyzeAll();
      previousCanonical = canonical(previous);
    }
  }
  console.log(JSON.stringify({ steps, failures, edits: counts }));
  process.exitCode = failures === 0 ? 0 : 1;
}

if (mode === "dump") process.stdout.write(`${canonical(new engine.WorkspaceAnalysis(new engine.DiskReader(dir)).analyzeAll())}\n`);
else if (mode === "incremental") incremental();
else {
  console.error("usage: verify.mjs incremental|dump BUNDLE DIR [STEPS] [SEED]");
  process.exit(2);
}
