/**
 * Tolerant table scan for one statement the real parser rejected: a dialect gap
 * (`x::int`, ILIKE), a half-typed query, or `${}` placeholders that leave holes in the
 * grammar. It looks for names right after the keywords that introduce tables, so the
 * editor keeps most of what it knew while the user types. Precision is best-effort;
 * it must simply never throw and stay linear.
 */

import type { TableSink } from "./tableMention";
import { isWord, type SqlToken } from "./sqlTokens";

/**
 * Words that end a table reference. A bare word after a table that is not one of these is
 * an alias (`from orders o`), which must be skipped to reach the next `, table`.
 */
const CLAUSE_WORDS = new Set([
  "select",
  "from",
  "where",
  "group",
  "order",
  "by",
  "having",
  "limit",
  "offset",
  "union",
  "all",
  "except",
  "intersect",
  "join",
  "inner",
  "left",
  "right",
  "full",
  "outer",
  "cross",
  "natural",
  "on",
  "using",
  "as",
  "set",
  "values",
  "into",
  "update",
  "delete",
  "insert",
  "replace",
  "create",
  "drop",
  "alter",
  "table",
  "view",
  "index",
  "trigger",
  "with",
  "recursive",
  "and",
  "or",
  "not",
  "in",
  "is",
  "null",
  "like",
  "glob",
  "between",
  "case",
  "when",
  "then",
  "else",
  "end",
  "exists",
  "window",
  "over",
  "partition",
  "returning",
  "default",
  "conflict",
  "do",
  "nothing",
  "begin",
  "commit",
  "rollback",
  "if",
  "distinct",
  "indexed",
  "materialized",
  "lateral",
  "qualify",
  "rename",
  "to",
  "add",
  "column",
  "of",
]);

/** Functions whose argument syntax contains FROM (`extract(year from d)`), which is not a FROM clause. */
const FROM_FUNCTIONS = new Set(["extract", "substring", "trim", "overlay", "position"]);

/** Words that, right before TABLE / VIEW, make it a DDL target. */
const DDL_LEADS = new Set([
  "create",
  "temp",
  "temporary",
  "virtual",
  "drop",
  "alter",
  "truncate",
  "materialized",
  "unlogged",
]);

/** Scans one statement's tokens (offsets relative to the statement text) and reports table names. */
export function scanTables(tokens: SqlToken[], sink: TableSink): void {
  new FallbackScanner(tokens, sink).run();
}

class FallbackScanner {
  /** CTE name → token ranges where it shadows a table of the same name. */
  private readonly cteRegions = new Map<string, Array<{ start: number; end: number }>>();

  /** For each "(" token, the index of its matching ")" (or the token count when unclosed); computed once so skips stay O(1). */
  private readonly closeOf: Int32Array;

  constructor(
    private readonly tokens: SqlToken[],
    private readonly sink: TableSink,
  ) {
    this.closeOf = new Int32Array(tokens.length).fill(tokens.length);
    const open: number[] = [];
    for (let i = 0; i < tokens.length; i++) {
      if (tokens[i].kind !== "punct") continue;
      if (tokens[i].value === "(") open.push(i);
      else if (tokens[i].value === ")" && open.length > 0) this.closeOf[open.pop() as number] = i;
    }
  }

  run(): void {
    this.collectCteNames();
    const t = this.tokens;
    // Innermost-first stack of "this ( belongs to extract()/substring()…" flags.
    const parenIsFromFunction: boolean[] = [];
    for (let i = 0; i < t.length; i++) {
      const tok = t[i];
      if (tok.kind === "punct") {
        if (tok.value === "(")
          parenIsFromFunction.push(i > 0 && t[i - 1].kind === "word" && FROM_FUNCTIONS.has(t[i - 1].value));
        else if (tok.value === ")") parenIsFromFunction.pop();
        continue;
      }
      if (tok.kind !== "word") continue;
      switch (tok.value) {
        case "from":
          if (parenIsFromFunction[parenIsFromFunction.length - 1] === true) break;
          if (isWord(t[i - 1], "distinct")) break; // IS [NOT] DISTINCT FROM compares values
          this.tableList(i + 1, isWord(t[i - 1], "delete") ? "write" : "read");
          break;
        case "join":
          this.tableList(i + 1, "read");
          break;
        case "into":
          this.name(i + 1, "write");
          break;
        case "update": {
          // `DO UPDATE SET` (upsert), `ON UPDATE CASCADE` and `FOR UPDATE` are not UPDATE statements.
          const prev = t[i - 1];
          if (
            prev !== undefined &&
            prev.kind === "word" &&
            (prev.value === "do" || prev.value === "on" || prev.value === "for")
          )
            break;
          let j = i + 1;
          if (isWord(t[j], "or")) j += 2;
          this.name(j, "write");
          break;
        }
        case "table":
        case "view":
          if (i > 0 && t[i - 1].kind === "word" && DDL_LEADS.has(t[i - 1].value))
            this.name(this.skipIfExists(i + 1), "write");
          break;
        case "rename":
          if (isWord(t[i + 1], "to")) this.name(i + 2, "write");
          break;
      }
    }
  }

  /**
   * `with [recursive] a [(cols)] as [not] [materialized] (` … `, b as (` …: names that shadow
   * tables from their WITH to the end of the enclosing parenthesis (or of the statement).
   */
  private collectCteNames(): void {
    const t = this.tokens;
    // Token index of the innermost open "(" and of the WITH currently in force at each depth.
    const openParens: number[] = [];
    let withStart = -1;
    let withEnd = t.length;
    const withAtDepth: Array<{ start: number; end: number }> = [];
    for (let i = 0; i < t.length; i++) {
      const tok = t[i];
      if (tok.kind === "punct" && tok.value === "(") {
        openParens.push(i);
        withAtDepth.push({ start: withStart, end: withEnd });
        continue;
      }
      if (tok.kind === "punct" && tok.value === ")") {
        openParens.pop();
        const outer = withAtDepth.pop();
        if (outer !== undefined) ({ start: withStart, end: withEnd } = outer);
        continue;
      }
      if (isWord(tok, "with")) {
        withStart = i;
        withEnd = openParens.length > 0 ? this.skipParens(openParens[openParens.length - 1]) : t.length;
        continue;
      }
      if (withStart < 0 || (tok.kind !== "word" && tok.kind !== "quoted")) continue;
      const prev = t[i - 1];
      if (!isWord(prev, "with") && !isWord(prev, "recursive") && !(prev.kind === "punct" && prev.value === ","))
        continue;
      let j = i + 1;
      if (t[j]?.kind === "punct" && t[j].value === "(") j = this.skipParens(j);
      if (!isWord(t[j], "as")) continue;
      j++;
      if (isWord(t[j], "not")) j++;
      if (isWord(t[j], "materialized")) j++;
      if (t[j]?.kind !== "punct" || t[j].value !== "(") continue;
      const name = tok.value.toLowerCase();
      const regions = this.cteRegions.get(name) ?? [];
      regions.push({ start: withStart, end: withEnd });
      this.cteRegions.set(name, regions);
    }
  }

  private isCteName(name: string, at: number): boolean {
    const regions = this.cteRegions.get(name.toLowerCase());
    return regions !== undefined && regions.some((r) => at > r.start && at < r.end);
  }

  /** A comma-separated FROM list: `a, b x, (select …) y, c as z` (stops at anything unexpected). */
  private tableList(i: number, kind: "read" | "write"): void {
    const t = this.tokens;
    for (;;) {
      // A derived table's insides are scanned by the main loop anyway; step over it to reach `, next`.
      const next = t[i]?.kind === "punct" && t[i].value === "(" ? this.skipParens(i) : this.name(i, kind);
      if (next < 0) return;
      i = next;
      if (isWord(t[i], "as")) i++;
      if (t[i] !== undefined && (t[i].kind === "quoted" || (t[i].kind === "word" && !CLAUSE_WORDS.has(t[i].value))))
        i++;
      // `join b using (id), c`: the column list has a known end, unlike an ON expression.
      if (isWord(t[i], "using") && t[i + 1]?.kind === "punct" && t[i + 1].value === "(") i = this.skipParens(i + 1);
      if (!(t[i]?.kind === "punct" && t[i].value === ",")) return;
      i++;
    }
  }

  /**
   * Reports the (possibly schema-qualified) name starting at token i, unless it is a
   * table-valued function or a CTE. Returns the index after the name, or -1 if none.
   */
  private name(i: number, kind: "read" | "write"): number {
    const t = this.tokens;
    if (!isNamePart(t[i])) return -1;
    const parts = [t[i].value];
    const start = t[i].start;
    let end = t[i].end;
    let j = i + 1;
    while (t[j]?.kind === "punct" && t[j].value === "." && isNamePart(t[j + 1], true)) {
      parts.push(t[j + 1].value);
      end = t[j + 1].end;
      j += 2;
    }
    if (t[j]?.kind === "punct" && t[j].value === "(" && kind === "read") return this.skipParens(j); // json_each(…)
    if (kind === "read" && parts.length === 1 && this.isCteName(parts[0], i)) return j;
    this.sink(kind, parts, start, end);
    return j;
  }

  private skipIfExists(i: number): number {
    const t = this.tokens;
    if (!isWord(t[i], "if")) return i;
    let j = i + 1;
    if (isWord(t[j], "not")) j++;
    return isWord(t[j], "exists") ? j + 1 : i;
  }

  /** Index after the ")" matching the "(" at i (or the end when it never closes). */
  private skipParens(i: number): number {
    return Math.min(this.closeOf[i] + 1, this.tokens.length);
  }
}

/** A token that can be (part of) a table name: a quoted identifier, or a bare word that is not a keyword. */
function isNamePart(token: SqlToken | undefined, afterDot = false): boolean {
  if (token === undefined) return false;
  if (token.kind === "quoted") return true;
  return token.kind === "word" && (afterDot || !CLAUSE_WORDS.has(token.value));
}
