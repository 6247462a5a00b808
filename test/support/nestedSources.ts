/**
 * Generated TypeScript nested deeper and deeper, for the tests that require the analysis (CLI
 * and language server) to survive any depth: each file defines one asset whose body holds an
 * expression of one shape nested `depth` levels, and reads `raw_orders` without declaring it.
 * Analysed, a file therefore has exactly one diagnostic, AL003; skipped, exactly one AL007.
 */
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** Geometric, so 100,000 is reached without the test spending its time in between. */
export const NESTING_DEPTHS = [10, 100, 1_000, 10_000, 100_000] as const;

/** Each shape as an expression nested `depth` levels deep (a body may declare `f`). */
export const NESTING_SHAPES: Readonly<Record<string, (depth: number) => string>> = {
  // Left-deep: TypeScript parses it at any length, so only our own walks can fail on it.
  concatenation: (depth) => Array.from({ length: depth }, (_, i) => `"c${i} "`).join(" + "),
  parentheses: (depth) => `${"(".repeat(depth)}1${")".repeat(depth)}`,
  sum: (depth) => `${"1 + (".repeat(depth - 1)}1${")".repeat(depth - 1)}`,
  calls: (depth) => `${"f(".repeat(depth)}1${")".repeat(depth)}`,
  arrows: (depth) => `${"() => ".repeat(depth)}1`,
  objects: (depth) => `${"{ a: ".repeat(depth)}1${" }".repeat(depth)}`,
  templates: (depth) => `${"`${".repeat(depth)}1${"}`".repeat(depth)}`,
};

export interface NestedFile {
  /** Workspace-relative path. */
  readonly file: string;
  readonly shape: string;
  readonly depth: number;
  /** The asset's key (and table). */
  readonly key: string;
}

/** Writes one file per shape and depth under `root/src/nested/`; returns what it wrote. */
export function writeNestedSources(root: string): NestedFile[] {
  const written: NestedFile[] = [];
  for (const [shape, expression] of Object.entries(NESTING_SHAPES)) {
    for (const depth of NESTING_DEPTHS) {
      const key = `nested_${shape}_${depth}`;
      const file = `src/nested/${key}.ts`;
      const text =
        `import { asset } from "assetline";\n\n` +
        `export const ${key} = asset({ group: "nested" }, async (ctx) => {\n` +
        `  const f = (x: unknown) => x;\n` +
        `  const value = ${expression(depth)};\n` +
        `  ctx.db.exec("create table ${key} as select * from raw_orders");\n` +
        `  return { metadata: { size: String(f(value)).length } };\n` +
        `});\n`;
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), text);
      written.push({ file, shape, depth, key });
    }
  }
  return written;
}

/** What the assertion needs of a diagnostic, from the CLI's JSON or an LSP client. */
export interface NestedDiagnostic {
  readonly code: unknown;
  readonly warning: boolean;
  readonly message: string;
}

/** The outcome the analysis must reach for a nested file: analysed (its one AL003), or skipped (one AL007). */
export function assertNestedOutcome(nested: NestedFile, diagnostics: readonly NestedDiagnostic[]): void {
  const label = `${nested.file} (${nested.shape}, depth ${nested.depth})`;
  assert.equal(diagnostics.length, 1, `${label}: ${JSON.stringify(diagnostics)}`);
  const [only] = diagnostics;
  // TypeScript itself parses these, so only our own walks could fail on them.
  const mustAnalyse = nested.depth <= 100 || nested.shape === "concatenation";
  if (mustAnalyse || only!.code !== "AL007") {
    assert.equal(only!.code, "AL003", `${label}: ${only!.message}`);
    assert.match(only!.message, new RegExp(`^${nested.key} reads table raw_orders`));
  } else {
    assert.equal(only!.warning, true, `${label}: AL007 is a warning when it hides code`);
    assert.match(
      only!.message,
      /too deeply nested to analyse.*, so assets in it are not analysed\. Build long lists with an array/,
      label,
    );
  }
}
