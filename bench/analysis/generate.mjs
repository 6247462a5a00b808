#!/usr/bin/env node
// Deterministic synthetic Assetline workspace, for the analysis and LSP benchmarks.
//
//   node bench/analysis/generate.mjs [OUT_DIR] [FILES]
//   import { generateWorkspace } from "./generate.mjs"; generateWorkspace(dir, 3000)
//
// FILES TypeScript files in total under OUT_DIR/src: about 90% hold ~5 definitions each
// (sources first, then assets whose SQL reads their deps' tables, plus a few checks),
// about 10% are plain utility modules, and src/lib/assetline.ts is a barrel re-exporting
// the SDK. Definitions depend only on earlier files (by import or by string key), so the
// graph has no cycles, and every table an asset reads is declared in its deps, except for
// a handful of intentional AL003s (one per ~400 files). Every column an asset's SQL or a
// check names exists in the table it reads (sources have every column of COLUMNS; an asset
// has the columns its SELECT produces), so the workspace is clean of AL008 as a maintained
// project would be. The same (FILES, seed) always writes byte-identical files. OUT_DIR defaults to bench/analysis/generated/<FILES>.

import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, posix, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(HERE, "../..");
export const DEFAULT_SEED = 0x5eed_a55e;
/** Written at the root of every generated workspace; only such folders are ever cleared. */
const MARKER = ".assetline-bench-workspace";

const DOMAINS = [
  "sales",
  "marketing",
  "finance",
  "product",
  "support",
  "logistics",
  "people",
  "growth",
  "risk",
  "billing",
];
const NOUNS = [
  "orders",
  "customers",
  "payments",
  "sessions",
  "events",
  "invoices",
  "products",
  "refunds",
  "shipments",
  "subscriptions",
  "tickets",
  "campaigns",
  "leads",
  "accounts",
  "visits",
  "carts",
  "reviews",
  "returns",
  "employees",
  "contracts",
  "transfers",
  "devices",
  "signups",
  "churn",
  "inventory",
  "suppliers",
];
const PREFIXES = ["stg", "int", "fct", "dim", "agg", "mart"];
const OWNERS = [
  "team:analytics",
  "team:data-platform",
  "team:finance",
  "team:growth",
  "ana@example.com",
  "li@example.com",
  "sam@example.com",
];
const TIERS = ["bronze", "silver", "gold"];
const COLUMNS = [
  "id",
  "customer_id",
  "order_id",
  "amount",
  "status",
  "created_at",
  "updated_at",
  "country",
  "channel",
  "quantity",
  "price",
  "currency",
  "region",
  "plan",
  "score",
  "duration_s",
  "source",
  "category",
];
const ADJECTIVES = ["daily", "weekly", "cleaned", "enriched", "deduplicated", "latest", "active", "monthly"];

/** mulberry32: tiny, fast, and the same sequence on every platform. */
function prng(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  return {
    next,
    int,
    pick: (list) => list[int(list.length)],
    chance: (p) => next() < p,
    /** k distinct items, in the list's order. */
    sample(list, k) {
      const indexes = new Set();
      while (indexes.size < Math.min(k, list.length)) indexes.add(int(list.length));
      return [...indexes].sort((a, b) => a - b).map((i) => list[i]);
    },
  };
}

const pad = (n) => String(n).padStart(4, "0");
const camel = (snake) => snake.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());

/**
 * Plans then writes the workspace. Returns a summary that benchmarks use to pick files to
 * edit: { dir, files, assetFiles, utilFiles, definitions, assets, sources, checks, intentionalAl003 }.
 */
export function generateWorkspace(outDir, fileCount = 1000, { seed = DEFAULT_SEED } = {}) {
  if (!Number.isInteger(fileCount) || fileCount < 10)
    throw new Error(`FILES must be an integer >= 10, got ${fileCount}`);
  const dir = resolve(outDir);
  prepareDir(dir);
  const rng = prng(seed ^ fileCount);

  // --- plan: which file is what, where it lives ---
  const plan = []; // { index, path, kind: "util" | "source" | "asset" }
  const bodyFiles = fileCount - 1; // the barrel is the last one
  const sourceFiles = Math.max(2, Math.round(bodyFiles * 0.03));
  for (let i = 0; i < bodyFiles; i++) {
    const domain = DOMAINS[Math.floor(i / 60) % DOMAINS.length] + (i >= 600 ? `_${Math.floor(i / 600)}` : "");
    const isUtil = i > 0 && i % 10 === 3; // ~10%, spread through the workspace
    const kind = isUtil ? "util" : i < sourceFiles + Math.floor(sourceFiles / 10) + 1 ? "source" : "asset";
    const stem = isUtil ? `util_${pad(i)}` : `${kind === "source" ? "raw" : rng.pick(NOUNS)}_${pad(i)}`;
    const folder = isUtil ? "src/util" : kind === "source" ? "src/sources" : `src/${domain}`;
    plan.push({ index: i, path: `${folder}/${stem}.ts`, kind });
  }
  const barrel = "src/lib/assetline.ts";

  const state = {
    rng,
    /** Every definition so far: { key, table, constName, file, kind, columns } (sources and assets). */
    definitions: [],
    /** Exported helper functions of utility files: { file, name, signature }. */
    helpers: [],
    checks: 0,
    intentionalAl003: 0,
  };
  const al003Every = 400;
  const out = new Map();
  for (const entry of plan) {
    if (entry.kind === "util") out.set(entry.path, utilFile(entry, state));
    else if (entry.kind === "source") out.set(entry.path, sourceFile(entry, state));
    else {
      const wantAl003 = entry.index % al003Every === 150;
      out.set(entry.path, assetFile(entry, state, barrel, wantAl003));
    }
  }
  out.set(barrel, barrelFile());

  for (const [path, text] of out) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
  writeFileSync(join(dir, "tsconfig.json"), tsconfig());
  writeFileSync(
    join(dir, "package.json"),
    `${JSON.stringify({ name: `bench-workspace-${fileCount}`, private: true, version: "0.0.0" }, null, 2)}\n`,
  );
  writeFileSync(join(dir, MARKER), `generated by bench/analysis/generate.mjs ${fileCount} files, seed ${seed}\n`);

  const assetDefs = state.definitions.filter((d) => d.kind === "asset");
  return {
    dir,
    files: out.size,
    assetFiles: plan.filter((p) => p.kind === "asset").map((p) => p.path),
    utilFiles: plan.filter((p) => p.kind === "util").map((p) => p.path),
    definitions: state.definitions.length + state.checks,
    assets: assetDefs.length,
    sources: state.definitions.length - assetDefs.length,
    checks: state.checks,
    intentionalAl003: state.intentionalAl003,
  };
}

function prepareDir(dir) {
  if (existsSync(dir)) {
    const entries = readdirSync(dir);
    if (entries.length > 0 && !entries.includes(MARKER)) {
      throw new Error(`${dir} is not empty and was not written by this generator; refusing to clear it`);
    }
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
}

function tsconfig() {
  const sdk = join(REPO_ROOT, "sdk/index.ts");
  return `${JSON.stringify(
    {
      compilerOptions: {
        target: "ES2022",
        lib: ["ES2022"],
        module: "preserve",
        moduleResolution: "bundler",
        types: ["node"],
        // The SDK's types (and @types/node) come from this repository, wherever OUT_DIR is.
        typeRoots: [join(REPO_ROOT, "node_modules/@types")],
        strict: true,
        isolatedModules: true,
        skipLibCheck: true,
        noEmit: true,
        paths: { assetline: [sdk] },
      },
      include: ["src"],
    },
    null,
    2,
  )}\n`;
}

function barrelFile() {
  return `// The project's single import point for Assetline: project-wide conventions can live here.
export { asset, check, source } from "assetline";
export type { AssetDef, RunContext } from "assetline";
`;
}

/** How a file imports the SDK: named (sometimes aliased), through the barrel, or as a namespace. */
function sdkImport(rng, file, barrel, needed) {
  const roll = rng.next();
  const names = [...needed].sort();
  if (roll < 0.15) {
    return { line: `import * as al from "assetline";`, call: (fn) => `al.${fn}` };
  }
  if (roll < 0.4) {
    const specifier = relativeSpecifier(file, barrel);
    return { line: `import { ${names.join(", ")} } from "${specifier}";`, call: (fn) => fn };
  }
  if (roll < 0.47 && needed.has("asset")) {
    const parts = names.map((n) => (n === "asset" ? "asset as defineAsset" : n));
    return {
      line: `import { ${parts.join(", ")} } from "assetline";`,
      call: (fn) => (fn === "asset" ? "defineAsset" : fn),
    };
  }
  return { line: `import { ${names.join(", ")} } from "assetline";`, call: (fn) => fn };
}

function relativeSpecifier(from, to) {
  let rel = posix.relative(posix.dirname(from), to).replace(/\.ts$/, "");
  if (!rel.startsWith(".")) rel = `./${rel}`;
  return rel;
}

// --- utility modules: plain TypeScript, no definitions ---

const UTIL_TEMPLATES = [
  (n) => ({
    name: `formatCount${n}`,
    code: `/** Human-readable row counts for logs ("12.3k rows"). */
export function formatCount${n}(rows: number): string {
  if (rows >= 1_000_000) return \`\${(rows / 1_000_000).toFixed(1)}M rows\`;
  if (rows >= 1_000) return \`\${(rows / 1_000).toFixed(1)}k rows\`;
  return \`\${rows} rows\`;
}`,
    use: (v) => `ctx.log.info(formatCount${n}(${v}));`,
  }),
  (n) => ({
    name: `ratio${n}`,
    code: `/** A ratio that never divides by zero (empty tables are common on the first run). */
export function ratio${n}(part: number, whole: number, digits = 3): number {
  if (!whole) return 0;
  const factor = 10 ** digits;
  return Math.round((part / whole) * factor) / factor;
}`,
    use: (v) => `const share = ratio${n}(${v}, ${v} + 1);\n    if (share > 1) ctx.log.warn("share above one");`,
  }),
  (n) => ({
    name: `daysBetween${n}`,
    code: `const MS_PER_DAY${n} = 24 * 60 * 60 * 1000;

/** Whole days between two ISO dates, ignoring time zones (dates are UTC in the warehouse). */
export function daysBetween${n}(from: string, to: string): number {
  const start = Date.parse(\`\${from}T00:00:00Z\`);
  const end = Date.parse(\`\${to}T00:00:00Z\`);
  return Number.isNaN(start) || Number.isNaN(end) ? 0 : Math.floor((end - start) / MS_PER_DAY${n});
}`,
    use: (v) => `if (daysBetween${n}("2024-01-01", "2024-02-01") < 0) ctx.log.warn(String(${v}));`,
  }),
  (n) => ({
    name: `chunk${n}`,
    code: `/** Splits a list into batches of at most \`size\` items, keeping order. */
export function chunk${n}<T>(items: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += Math.max(1, size)) batches.push(items.slice(i, i + size));
  return batches;
}`,
    use: (v) => `for (const batch of chunk${n}([${v}], 100)) ctx.log.debug(\`batch of \${batch.length}\`);`,
  }),
  (n) => ({
    name: `Stopwatch${n}`,
    code: `/** Measures how long each step of an asset takes, for the run log. */
export class Stopwatch${n} {
  private readonly started = Date.now();
  private readonly laps: Array<{ label: string; ms: number }> = [];

  lap(label: string): void {
    this.laps.push({ label, ms: Date.now() - this.started });
  }

  summary(): string {
    return this.laps.map((lap) => \`\${lap.label}=\${lap.ms}ms\`).join(" ");
  }
}`,
    use: (v) => `const watch = new Stopwatch${n}();\n    watch.lap(String(${v}));\n    ctx.log.debug(watch.summary());`,
  }),
];

function utilFile(entry, state) {
  const { rng } = state;
  const count = 2 + rng.int(3);
  const picked = rng.sample(
    UTIL_TEMPLATES.map((_, i) => i),
    count,
  );
  const parts = [`// Shared helpers for asset code (${entry.path}). No definitions here: plain TypeScript.\n`];
  const earlier = state.helpers.filter((h) => h.file !== entry.path);
  let usesEarlier;
  if (earlier.length > 0 && rng.chance(0.4)) {
    usesEarlier = rng.pick(earlier.filter((h) => h.name.startsWith("formatCount")));
  }
  if (usesEarlier)
    parts.push(`import { ${usesEarlier.name} } from "${relativeSpecifier(entry.path, usesEarlier.file)}";\n`);
  parts.push(`export type Severity = "info" | "warn" | "error";\n`);
  parts.push(`export interface RowSummary {\n  readonly rows: number;\n  readonly severity: Severity;\n}\n`);
  for (const t of picked) {
    const helper = UTIL_TEMPLATES[t](entry.index);
    parts.push(helper.code + "\n");
    state.helpers.push({ file: entry.path, name: helper.name, use: helper.use });
  }
  const rowsText = usesEarlier ? `\${${usesEarlier.name}(rows)}` : "${rows} rows";
  parts.push(`/** One line for the run log. */
export function describe${entry.index}(summary: RowSummary): string {
  const { rows } = summary;
  return \`[\${summary.severity}] ${rowsText}\`;
}
`);
  return parts.join("\n");
}

// --- sources ---

function sourceFile(entry, state) {
  const { rng } = state;
  const count = 4 + rng.int(3);
  const needed = new Set(["source"]);
  const imp = rng.chance(0.7)
    ? { line: `import { source } from "assetline";`, call: (fn) => fn }
    : { line: `import * as al from "assetline";`, call: (fn) => `al.${fn}` };
  void needed;
  const blocks = [];
  for (let k = 0; k < count; k++) {
    const noun = rng.pick(NOUNS);
    const key = `raw_${noun}_${pad(entry.index)}_${k}`;
    state.definitions.push({ key, table: key, constName: key, file: entry.path, kind: "source", columns: COLUMNS });
    const freshness = rng.chance(0.4)
      ? `\n  // the nightly load is late when the newest copy is over a day old\n  freshness: { maxLagMinutes: ${rng.pick(["24 * 60", "6 * 60", "90"])} },`
      : "";
    blocks.push(`/** Raw ${noun} landed as-is by the ingestion job. */
export const ${key} = ${imp.call("source")}({
  group: "raw",
  owners: [${JSON.stringify(rng.pick(OWNERS))}],
  kinds: ["sqlite"],
  description: "Raw ${noun} from the application database, loaded nightly.",${freshness}
});
`);
  }
  return `// Raw exports from upstream systems. Assetline observes these tables; it never builds them.\n${imp.line}\n\n${blocks.join("\n")}`;
}

// --- assets ---

function assetFile(entry, state, barrel, wantAl003) {
  const { rng } = state;
  const file = entry.path;
  const count = 4 + rng.int(3); // 4..6, ~5 per file
  const domain = file.split("/")[1];
  const available = state.definitions; // all earlier definitions (no cycles by construction)
  const recentWindow = 60; // most deps come from nearby files, like real layered projects

  /** Imports of other files' definitions: file -> Set(constName). */
  const refImports = new Map();
  const helperImports = new Map();
  const localHelpers = [];
  const blocks = [];
  const definedHere = [];
  let checksHere = 0;
  const needed = new Set(["asset"]);

  // A local helper most files have: inlined in SQL through a template substitution, or used in the body.
  const localHelperName = `dedupe${entry.index}`;
  if (rng.chance(0.6)) {
    localHelpers.push(`/** Keeps the newest row per key (rows are re-delivered by the loader). */
function ${localHelperName}(key: string, column = "updated_at"): string {
  return \`row_number() over (partition by \${key} order by \${column} desc)\`;
}
`);
  }
  const hasLocalHelper = localHelpers.length > 0;
  const SCALE = `SCALE_${entry.index}`;
  const hasConst = rng.chance(0.5);

  for (let k = 0; k < count; k++) {
    const noun = rng.pick(NOUNS);
    const prefix = rng.pick(PREFIXES);
    const key = `${prefix}_${noun}_${pad(entry.index)}_${k}`;
    const explicitName = rng.chance(0.15);
    const constName = explicitName ? camel(`${rng.pick(ADJECTIVES)}_${noun}_${pad(entry.index)}_${k}`) : key;

    // Deps: 1-3 earlier definitions, mostly recent ones.
    const pool =
      available.length > recentWindow * 5 && rng.chance(0.85) ? available.slice(-recentWindow * 5) : available;
    const candidates = pool.concat(definedHere);
    const depCount = Math.min(candidates.length, 1 + rng.int(3));
    const deps = rng.sample(candidates, depCount);
    const depExprs = [];
    for (const dep of deps) {
      if (dep.file === file) {
        depExprs.push(rng.chance(0.7) ? dep.constName : JSON.stringify(dep.key));
      } else if (rng.chance(0.3)) {
        depExprs.push(JSON.stringify(dep.key));
      } else {
        if (!refImports.has(dep.file)) refImports.set(dep.file, new Set());
        refImports.get(dep.file).add(dep.constName);
        depExprs.push(dep.constName);
      }
    }

    // Intentional AL003: read an earlier table without declaring it.
    let undeclared;
    if (wantAl003 && k === 0) {
      undeclared = available.find((d) => !deps.includes(d));
      if (undeclared) state.intentionalAl003 += 1;
    }

    const helper = state.helpers.length > 0 && rng.chance(0.35) ? rng.pick(state.helpers) : undefined;
    if (helper) {
      if (!helperImports.has(helper.file)) helperImports.set(helper.file, new Set());
      helperImports.get(helper.file).add(helper.name);
    }

    const { sql: sqlBody, columns } = assetSql(
      rng,
      key,
      deps,
      hasLocalHelper ? localHelperName : undefined,
      hasConst ? SCALE : undefined,
    );
    const config = [
      explicitName ? `    name: ${JSON.stringify(key)},` : undefined,
      `    deps: [${depExprs.join(", ")}],`,
      `    group: ${JSON.stringify(domain.replace(/_\d+$/, ""))},`,
      `    owners: [${rng
        .sample(OWNERS, 1 + rng.int(2))
        .map((o) => JSON.stringify(o))
        .join(", ")}],`,
      `    kinds: ["sqlite"],`,
      rng.chance(0.5)
        ? `    tags: { tier: ${JSON.stringify(rng.pick(TIERS))}, domain: ${JSON.stringify(domain.replace(/_\d+$/, ""))} },`
        : undefined,
      `    description: "${capitalise(prefix)} ${noun} built from ${deps.map((d) => d.key).join(", ")}.",`,
      rng.chance(0.15) ? `    freshness: { maxLagMinutes: ${rng.pick(["60", "24 * 60", "7 * 24 * 60"])} },` : undefined,
    ].filter(Boolean);
    const extraRead = undeclared
      ? `\n    // NOTE: reads ${undeclared.table} without declaring it (intentional AL003 in the benchmark)\n    const peek = ctx.db.prepare("select count(*) n from ${undeclared.table}").get();\n    ctx.log.debug(\`peeked \${peek.n}\`);`
      : "";
    const helperUse = helper ? `\n    ${helper.use("n")}` : "";
    const asyncKw = rng.chance(0.3) ? "async " : "";
    blocks.push(`/**
 * ${capitalise(noun)}, ${rng.pick(ADJECTIVES)}: ${prefix === "stg" ? "typed and renamed" : "joined and aggregated"} for ${domain}.
 */
export const ${constName} = ${"%ASSET%"}(
  {
${config.join("\n")}
  },
  ${asyncKw}(ctx) => {
    // Rebuilt from scratch each run: the upstream tables are small enough.
    ctx.db.exec(${sqlBody});
    const { n } = ctx.db.prepare("select count(*) n from ${key}").get();${extraRead}${helperUse}
    return { metadata: { rows: n } };
  },
);
`);
    const definition = { key, table: key, constName, file, kind: "asset", columns };
    definedHere.push(definition);

    // A few checks: by reference or by key, some blocking.
    if (rng.chance(0.12)) {
      needed.add("check");
      checksHere += 1;
      const target = rng.chance(0.7) ? constName : JSON.stringify(key);
      const column = rng.pick(columns);
      blocks.push(`// ${rng.chance(0.5) ? "Blocking: downstream marts would double-count." : "Non-blocking: worth an alert, not a stopped run."}
export const ${key}_${column}_ok = %CHECK%(${target}, { name: "${key}_${column}_ok", blocking: ${rng.chance(0.5)} }, (ctx) => {
  const { bad } = ctx.db.prepare("select count(*) bad from ${key} where ${column} is null").get();
  return { passed: bad === 0, metadata: { bad } };
});
`);
    }
  }
  state.definitions.push(...definedHere);
  state.checks += checksHere;

  const imp = sdkImport(rng, file, barrel, needed);
  const lines = [`// ${capitalise(domain)} models (${file}). Generated for the analysis benchmark.`, imp.line];
  for (const [from, names] of [...refImports].sort(([a], [b]) => (a < b ? -1 : 1))) {
    lines.push(`import { ${[...names].join(", ")} } from "${relativeSpecifier(file, from)}";`);
  }
  for (const [from, names] of [...helperImports].sort(([a], [b]) => (a < b ? -1 : 1))) {
    lines.push(`import { ${[...names].join(", ")} } from "${relativeSpecifier(file, from)}";`);
  }
  lines.push("");
  if (hasConst) lines.push(`/** Amounts are stored in cents. */\nconst ${SCALE} = 100;\n`);
  lines.push(...localHelpers);
  const body = blocks.join("\n").replaceAll("%ASSET%", imp.call("asset")).replaceAll("%CHECK%", imp.call("check"));
  return `${lines.join("\n")}\n${body}`;
}

function capitalise(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The exec() argument: a template literal with drop/create, a CTE over the deps' tables and a
 * join, naming only columns the tables read have. Returns it with the columns the new table has
 * (its group keys, n and the measure's total).
 */
function assetSql(rng, key, deps, helperName, scaleConst) {
  const alias = (i) => `t${i}`;
  const cte = rng.chance(0.5) ? "base" : "filtered";
  const [first, ...rest] = deps;
  const available = first.columns;
  // Group keys are dimension columns (the shared vocabulary); the measure is anything else the table has.
  const dimensions = available.filter((c) => COLUMNS.includes(c));
  const groupKeys = rng.sample(dimensions, Math.min(dimensions.length, 1 + rng.int(3)));
  const measure = rng.pick(available.filter((c) => !groupKeys.includes(c)));
  const cols = groupKeys.concat([measure]);
  const total = measure.startsWith("total_") ? measure : `total_${measure}`;
  const lines = [];
  lines.push(`drop table if exists ${key};`);
  lines.push(`-- one row per ${groupKeys.join(", ")}`);
  lines.push(`create table ${key} as`);
  lines.push(`with ${cte} as (`);
  lines.push(`  select`);
  const selected = cols.map((c, i) => `    ${alias(0)}.${c}${i === 0 ? "" : ` as ${c}`}`);
  const newest = available.includes("updated_at") ? "updated_at" : cols[0];
  if (helperName) selected.push(`    \${${helperName}("${alias(0)}.${cols[0]}", "${alias(0)}.${newest}")} as rn`);
  selected.forEach((line, i) => lines.push(i < selected.length - 1 ? `${line},` : line));
  lines.push(`  from ${first.table} as ${alias(0)}`);
  rest.forEach((dep, i) => {
    const join = rng.chance(0.3) ? "left join" : "join";
    // Joined on the same column where the dep has it, else on one of its own.
    const on = dep.columns.includes(cols[0]) ? cols[0] : rng.pick(dep.columns);
    lines.push(`  ${join} ${dep.table} as ${alias(i + 1)} on ${alias(i + 1)}.${on} = ${alias(0)}.${cols[0]}`);
  });
  lines.push(`  where ${alias(0)}.${rng.pick(available)} is not null`);
  lines.push(`)`);
  const scale = scaleConst ? ` / \${${scaleConst}}` : "";
  const keys = groupKeys.join(", ");
  lines.push(`select ${keys}, count(*) as n, sum(coalesce(${measure}, 0))${scale} as ${total}`);
  lines.push(`from ${cte}`);
  if (helperName) lines.push(`where rn = 1`);
  lines.push(`group by ${keys}`);
  const sql = "`\n" + lines.map((l) => `      ${l}`).join("\n") + "\n    `";
  return { sql, columns: [...groupKeys, "n", total] };
}

// --- CLI ---

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = Number(process.argv[3] ?? 1000);
  const out = process.argv[2] ?? join(HERE, "generated", String(files));
  const started = performance.now();
  const summary = generateWorkspace(out, files);
  const { assetFiles, utilFiles, ...rest } = summary;
  console.log(JSON.stringify({ ...rest, utilFiles: utilFiles.length, ms: Math.round(performance.now() - started) }));
}
