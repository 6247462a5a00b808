/**
 * Both SQL paths over the same statement: the fast path (fastTables.ts) must either decline or
 * give exactly the CST path's answer (tables with ranges, columns defined and referenced).
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { analyseStatement } from "../../../server/src/analysis/sql/extractTables";
import { fastStatementTables } from "../../../server/src/analysis/sql/fastTables";
import { splitStatements, tokenList } from "../../../server/src/analysis/sql/sqlTokens";

export interface Tally {
  statements: number;
  fast: number;
  /** Statements the fast path declined that sql-parser-cst rejects too (not SQL, or broken SQL). */
  unparsable: number;
  /** One message per statement where the paths disagree (collected, so one run shows them all). */
  failures: string[];
}

export function newTally(): Tally {
  return { statements: 0, fast: 0, unparsable: 0, failures: [] };
}

/** Fails with the first few disagreements and how many there were. */
export function assertAgreed(tally: Tally): void {
  if (tally.failures.length === 0) return;
  assert.fail(`${tally.failures.length} disagreement(s); the first:\n${tally.failures.slice(0, 5).join("\n\n")}`);
}

export function fallbackRate(tally: Tally): string {
  const fallback = tally.statements - tally.fast;
  const percent = tally.statements === 0 ? 0 : (100 * fallback) / tally.statements;
  if (tally.unparsable < 0) return `${fallback} of ${tally.statements} statements fell back (${percent.toFixed(1)}%)`;
  const parsable = tally.statements - tally.unparsable;
  const ofParsable = parsable === 0 ? 0 : (100 * (fallback - tally.unparsable)) / parsable;
  return (
    `${fallback} of ${tally.statements} statements fell back (${percent.toFixed(1)}%); ` +
    `${fallback - tally.unparsable} of the ${parsable} sql-parser-cst parses (${ofParsable.toFixed(1)}%)`
  );
}

/** Compares the two paths on every statement of `sql`; throws (naming the statement) when they differ. */
export function compareScript(sql: string, tally: Tally, origin: string, classifyFallbacks = true): void {
  const tokens = tokenList(sql);
  for (const span of splitStatements(tokens)) {
    const start = tokens.starts[span.first]!;
    const text = sql.slice(start, tokens.ends[span.end - 1]);
    tally.statements++;
    const fast = fastStatementTables(tokens, span.first, span.end, start);
    if (fast === undefined) {
      // Broken SQL is slow for sql-parser-cst to reject: the fuzzer skips the count and keeps its pace.
      if (classifyFallbacks && analyseStatement(text, "sqlite").error !== undefined) tally.unparsable++;
      continue;
    }
    tally.fast++;
    const reference = analyseStatement(text, "sqlite");
    const where = `${origin}: ${text.length > 400 ? `${text.slice(0, 400)}…` : text}`;
    if (reference.error !== undefined) {
      tally.failures.push(`the fast path accepted what sql-parser-cst rejects (${reference.error}) in ${where}`);
      continue;
    }
    try {
      assert.deepEqual(
        { reads: fast.reads, writes: fast.writes, columns: fast.columns },
        { reads: reference.reads, writes: reference.writes, columns: reference.columns },
      );
    } catch (error) {
      tally.failures.push(`the paths differ on ${where}\n${(error as Error).message}`);
    }
  }
}

const SQL_WORD = /\b(select|insert|update|delete|create|replace|drop|alter|with)\b/i;

/** Every string and template literal in the TypeScript files under `dir` that looks like SQL, holes as the analysis fills them. */
export function sqlStringsIn(dir: string): Array<{ file: string; sql: string }> {
  const found: Array<{ file: string; sql: string }> = [];
  for (const file of statSync(dir).isDirectory() ? filesUnder(dir) : [dir]) {
    if (file.endsWith(".sql")) {
      found.push({ file, sql: readFileSync(file, "utf8") });
      continue;
    }
    if (!/\.(ts|mts|cts|js|mjs)$/.test(file) || file.endsWith(".d.ts")) continue;
    const source = readFileSync(file, "utf8");
    const sourceFile = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, false);
    const visit = (node: ts.Node): void => {
      const sql = literalText(node, source, sourceFile);
      if (sql !== undefined && SQL_WORD.test(sql)) found.push({ file, sql });
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
  }
  return found;
}

function literalText(node: ts.Node, source: string, sourceFile: ts.SourceFile): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (!ts.isTemplateExpression(node)) return undefined;
  // As scan/effects.ts does: each ${…} becomes underscores of the same length.
  const start = node.getStart(sourceFile) + 1;
  let text = source.slice(start, node.getEnd() - 1);
  let previousEnd = node.head.getEnd();
  for (const span of node.templateSpans) {
    const holeStart = previousEnd - 2 - start;
    const holeEnd = span.literal.getStart(sourceFile) + 1 - start;
    text = text.slice(0, holeStart) + "_".repeat(holeEnd - holeStart) + text.slice(holeEnd);
    previousEnd = span.literal.getEnd();
  }
  return text;
}

function filesUnder(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === ".assetline" || name.startsWith(".git")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...filesUnder(path));
    else files.push(path);
  }
  return files;
}
