import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { analyzeDirectory, type SourceReader, WorkspaceAnalysis } from "../../server/src/analysis";
import { MAX_NESTING } from "../../server/src/analysis/sql/budgetedParse";
import { extractTables } from "../../server/src/analysis/sql/extractTables";
import { NESTING_SHAPES } from "../support/nestedSources";
import { scratchWorkspace } from "./support/analysis";

function write(root: string, file: string, text: string): void {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), text);
}

const SOURCES = `import { source } from "assetline";
export const raw_orders = source({});
export const raw_payments = source({});
`;

/** An asset whose body holds `expression` and reads raw_orders and raw_payments, declaring only the first. */
function assetWith(key: string, expression: string): string {
  return `import { asset } from "assetline";
import { raw_orders } from "./sources";

export const ${key} = asset({ deps: [raw_orders] }, async (ctx) => {
  const value = ${expression};
  ctx.db.exec("create table ${key} as select * from raw_orders join raw_payments using (id)");
  return { metadata: { size: String(value).length } };
});
`;
}

describe("analysis: deeply nested code", () => {
  let workspace: ReturnType<typeof scratchWorkspace>;
  beforeEach(() => {
    workspace = scratchWorkspace();
    write(workspace.root, "src/sources.ts", SOURCES);
  });
  afterEach(() => workspace.dispose());

  it("analyses a 100,000-term string concatenation (TypeScript parses it; every walk of ours must follow)", () => {
    write(workspace.root, "src/long.ts", assetWith("long_concat", NESTING_SHAPES.concatenation!(100_000)));
    const snapshot = analyzeDirectory(workspace.root);
    const asset = snapshot.assets.find((candidate) => candidate.key === "long_concat");
    assert.ok(asset, "the asset is found");
    assert.deepEqual(
      asset.reads.map((read) => read.resource),
      ["table:raw_orders", "table:raw_payments"],
    );
    assert.deepEqual(
      snapshot.diagnostics.map((d) => `${d.location.file} ${d.code}`),
      ["src/long.ts AL003"],
    );
  });

  it("reports 100,000 nested parentheses as AL007 at the deepest one, and analyses the other files", () => {
    const deep = assetWith("deep_parens", NESTING_SHAPES.parentheses!(100_000));
    write(workspace.root, "src/deep.ts", deep);
    write(workspace.root, "src/fine.ts", assetWith("fine", "(1 + 2)"));
    const snapshot = analyzeDirectory(workspace.root);
    const [skipped, ...rest] = snapshot.diagnostics.filter((d) => d.location.file === "src/deep.ts");
    assert.equal(rest.length, 0);
    assert.equal(skipped!.code, "AL007");
    assert.equal(skipped!.severity, "warning");
    assert.deepEqual(skipped!.data, { kind: "fileSkipped", reason: "too deeply nested" });
    assert.match(
      skipped!.message,
      /^src\/deep\.ts nests brackets 100002 levels deep, too deeply nested to analyse, so assets in it are not analysed\. /,
    );
    // The asset call's `(` and the body's `{` come first, then the expression's innermost `(`.
    const line = deep.split("\n")[4]!;
    assert.deepEqual(skipped!.location.range.start, { line: 4, character: line.lastIndexOf("(") });
    assert.ok(
      snapshot.assets.some((asset) => asset.key === "fine"),
      "the healthy file is analysed",
    );
    assert.ok(snapshot.diagnostics.some((d) => d.location.file === "src/fine.ts" && d.code === "AL003"));
  });

  it("says what nests when no bracket does (100,000 nested arrow functions)", () => {
    write(workspace.root, "src/arrows.ts", assetWith("arrows", NESTING_SHAPES.arrows!(100_000)));
    const [skipped] = analyzeDirectory(workspace.root).diagnostics;
    assert.equal(skipped!.code, "AL007");
    assert.deepEqual(skipped!.location.range.start, { line: 0, character: 0 });
    assert.match(
      skipped!.message,
      /too deeply nested to analyse \(a chain of nested expressions, such as arrow functions or conditionals/,
    );
  });

  it("re-analyses a file that was too deep once it is fixed", () => {
    const reader = new MemoryReader({
      "src/sources.ts": SOURCES,
      "src/a.ts": assetWith("a", NESTING_SHAPES.calls!(10_000)),
    });
    const analysis = new WorkspaceAnalysis(reader);
    assert.equal(analysis.analyzeAll().diagnostics[0]!.code, "AL007");
    reader.files["src/a.ts"] = assetWith("a", NESTING_SHAPES.calls!(10).replace(/f\(/g, "String("));
    const fixed = analysis.updateFile("src/a.ts");
    assert.deepEqual(
      fixed.diagnostics.map((d) => d.code),
      ["AL003"],
    );
    assert.ok(fixed.assets.some((asset) => asset.key === "a"));
  });

  it("reads numbers in arithmetic too long to be a setting as not static, without overflowing", () => {
    const sum = Array.from({ length: 100_000 }, () => "1").join(" + ");
    write(
      workspace.root,
      "src/fresh.ts",
      `import { asset } from "assetline";
export const fresh = asset({ freshness: { maxLagMinutes: ${sum} } }, async () => {});
`,
    );
    const snapshot = analyzeDirectory(workspace.root);
    assert.equal(snapshot.assets.find((asset) => asset.key === "fresh")?.freshness, undefined);
    assert.deepEqual(
      snapshot.diagnostics.map((d) => d.code),
      ["AL006"],
    );
  });
});

describe("analysis: unreadable files", () => {
  it("reports a file the reader cannot read as AL007, not as a deleted file", () => {
    const reader = new MemoryReader({ "src/sources.ts": SOURCES, "src/locked.ts": SOURCES });
    reader.unreadable.set("src/locked.ts", "permission denied");
    const snapshot = new WorkspaceAnalysis(reader).analyzeAll();
    assert.deepEqual(snapshot.files, ["src/locked.ts", "src/sources.ts"]);
    const [locked] = snapshot.diagnostics;
    assert.equal(locked!.code, "AL007");
    assert.equal(locked!.severity, "warning");
    assert.equal(
      locked!.message,
      "src/locked.ts cannot be read (permission denied), so assets in it are not analysed. Give your user read permission on it (chmod a+r src/locked.ts), or add it to .gitignore.",
    );
  });
});

describe("analysis: SQL the parser would spend unbounded time on", () => {
  it("gives a syntax error inside runs of bare parentheses to the tolerant scan after a bounded effort", () => {
    // Unbounded, the parser takes about 3× longer per level: 20 levels would take hours.
    const sql = `select * from orders where id in ${"(".repeat(20)}select id from payments +${")".repeat(20)}`;
    const started = performance.now();
    const tables = extractTables(sql);
    const elapsed = performance.now() - started;
    assert.equal(tables.parsed, false);
    assert.match(tables.error ?? "", /^too complex for the full parser \(over \d+ steps for \d+ characters\)$/);
    assert.deepEqual(
      tables.reads.map((read) => read.name),
      ["orders", "payments"],
    );
    assert.ok(elapsed < 10_000, `took ${elapsed.toFixed(0)} ms`);
  });

  it(`does not call the parser past ${MAX_NESTING} levels of nesting, whatever the stack depth`, () => {
    const depth = 1_000;
    const sql = `create table t as select * from ${"(select * from ".repeat(depth)}raw_orders${")".repeat(depth)}`;
    const tables = extractTables(sql);
    assert.equal(tables.error, `nested ${depth} levels deep, over the full parser's limit of ${MAX_NESTING}`);
    assert.deepEqual(
      tables.writes.map((write) => write.name),
      ["t"],
    );
    assert.deepEqual(
      tables.reads.map((read) => read.name),
      ["raw_orders"],
    );
  });

  it("counts CASE and BEGIN blocks as nesting (the parser recurses on them too)", () => {
    const sql = `select ${"case when a then ".repeat(MAX_NESTING + 1)}1${" end".repeat(MAX_NESTING + 1)} from orders`;
    assert.match(extractTables(sql).error ?? "", /^nested 101 levels deep/);
  });

  it("still parses real SQL with the full parser, nested subqueries included", () => {
    const sql = `with recent as (select * from orders where created_at > date('now', '-7 days'))
      select c.id, (select count(*) from recent r where r.customer_id = c.id) as n,
             coalesce(max(case when p.amount > 0 then p.amount else 0 end), 0) as biggest
      from customers c left join payments p on p.customer_id = c.id
      where c.id in (select customer_id from (select customer_id from recent group by 1 having count(*) > ((1))))
      group by c.id`;
    const tables = extractTables(sql);
    assert.equal(tables.error, undefined);
    assert.equal(tables.parsed, true);
    assert.deepEqual([...new Set(tables.reads.map((read) => read.name))].sort(), ["customers", "orders", "payments"]);
  });
});

/** Files held in memory; `unreadable` ones exist but cannot be read, as a permission error would make them. */
class MemoryReader implements SourceReader {
  readonly root = "/memory";
  readonly unreadable = new Map<string, string>();

  constructor(readonly files: Record<string, string>) {}

  listFiles(): string[] {
    return Object.keys(this.files).sort();
  }

  readFile(file: string): string | undefined {
    return this.unreadable.has(file) ? undefined : this.files[file];
  }

  unreadableReason(file: string): string | undefined {
    return this.unreadable.get(file);
  }
}

describe("analysis: keys and names with invisible characters (AL009)", () => {
  let workspace: ReturnType<typeof scratchWorkspace>;
  beforeEach(() => (workspace = scratchWorkspace()));
  afterEach(() => workspace.dispose());

  it("rejects bidirectional overrides and control characters in keys and check names, showing them escaped", () => {
    // Written with escapes in the source, so the strings hold the real characters.
    write(
      workspace.root,
      "src/names.ts",
      `import { asset, check } from "assetline";
export const reversed = asset({ name: "orders\\u202E_cba" }, async () => {});
export const isolate = asset({ name: "marts/\\u2066orders" }, async () => {});
export const terminal = asset({ name: "clear\\u001b[2Jscreen" }, async () => {});
export const fine = asset({}, async () => {});
export const fine_check = check(fine, { name: "rows \\u202Dpositive" }, async () => ({ passed: true }));
export const ok_check = check(fine, { name: "rows positive" }, async () => ({ passed: true }));
`,
    );
    const snapshot = analyzeDirectory(workspace.root);
    assert.deepEqual(
      snapshot.assets.map((asset) => asset.key),
      ["fine"],
    );
    assert.deepEqual(
      snapshot.checks.map((check) => check.name),
      ["rows positive"],
    );
    const messages = snapshot.diagnostics.map(
      (d) => `${d.location.range.start.line + 1} ${d.code} ${d.severity} ${d.message}`,
    );
    assert.deepEqual(messages, [
      '2 AL009 error The asset key "orders\\u202e_cba" is not valid: it contains U+202E, a bidirectional control character that makes the text display in another order than it is stored; remove it (it is invisible, so it usually comes in with pasted text)',
      '3 AL009 error The asset key "marts/\\u2066orders" is not valid: it contains U+2066, a bidirectional control character that makes the text display in another order than it is stored; remove it (it is invisible, so it usually comes in with pasted text)',
      '4 AL009 error The asset key "clear\\u001b[2Jscreen" is not valid: it contains the control character U+001B, which is invisible or drives the terminal it is printed on; remove it',
      '6 AL009 error The check name "rows \\u202dpositive" is not valid: it contains U+202D, a bidirectional control character that makes the text display in another order than it is stored; remove it (it is invisible, so it usually comes in with pasted text)',
    ]);
    assert.ok(
      // eslint-disable-next-line no-control-regex
      snapshot.diagnostics.every((d) => !/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(d.message)),
      "messages hold no raw control characters",
    );
  });

  it("reports every other invalid key as AL009 too, with what to write instead", () => {
    write(
      workspace.root,
      "src/spaces.ts",
      `import { asset } from "assetline";
export const spaced = asset({ name: "stg orders" }, async () => {});
`,
    );
    const [diagnostic] = analyzeDirectory(workspace.root).diagnostics;
    assert.equal(diagnostic!.code, "AL009");
    assert.equal(
      diagnostic!.message,
      'The asset key "stg orders" is not valid: it contains whitespace; use "_" or "-" instead',
    );
    assert.deepEqual(diagnostic!.data, { kind: "invalidName", name: "stg orders" });
  });
});
