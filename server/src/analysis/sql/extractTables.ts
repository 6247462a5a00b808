/**
 * Which tables a piece of SQL reads and writes, with offsets into the SQL text so
 * diagnostics and go-to-definition can point at the table name inside a string literal.
 *
 * The script is split into statements first (cheap, tokenizer-based) and each statement
 * is parsed on its own: a broken statement then degrades only itself to the tolerant
 * scan, and an edit to one statement of a long script re-parses just that statement.
 */

import type { ParserOptions } from "sql-parser-cst";
import { LruCache } from "../lruCache";
import { MAX_NESTING, parseWithinBudget } from "./budgetedParse";
import { collectStatementColumns, type StatementColumns } from "./cstColumns";
import { collectCstTables } from "./cstTables";
import { isCstNode, type CstNode } from "./cstWalk";
import { scanTables } from "./fallbackTables";
import { fastStatementTables } from "./fastTables";
import {
  releaseTokenList,
  splitStatements,
  tokenList,
  tokenObjects,
  type SqlTokenList,
  type StatementSpan,
} from "./sqlTokens";
import type { PersistentStatementCache } from "./persistentCache";
import type { TableMention, TableSink } from "./tableMention";

export interface SqlTables {
  /** One entry per mention, in source order (a table read twice appears twice). */
  reads: TableMention[];
  writes: TableMention[];
  /** False when the tolerant fallback was used for at least one statement. */
  parsed: boolean;
  /** The parser's message (first line) for the first statement that needed the fallback. */
  error?: string;
  /**
   * Per statement, in order, the columns it defines and references (offsets into the given
   * SQL text); undefined for a statement the tolerant fallback read, whose columns are unknown.
   */
  columns: Array<StatementColumns | undefined>;
  /**
   * True when every name in the answer is a string of its own (the fast path's, from
   * nameInterner.ts), not a view into the SQL text: whoever keeps one need not copy it.
   */
  namesOwned?: boolean;
}

/**
 * Which grammar reads a piece of SQL: SQLite for `ctx.db`, PostgreSQL for `ctx.warehouse`,
 * whose SQL must run on PostgreSQL (and, on a laptop, on SQLite too). Chosen by call site,
 * never by the configured warehouse, so the analysis of a workspace does not depend on the
 * environment of the process that analyzes it.
 */
export type SqlDialect = "sqlite" | "postgresql";

const PARSER_OPTIONS: Readonly<Record<SqlDialect, ParserOptions>> = {
  sqlite: {
    dialect: "sqlite",
    includeRange: true,
    // Every placeholder style better-sqlite3 binds, plus $1 which users bring from Postgres.
    paramTypes: ["?", "?nr", "$nr", ":name", "$name", "@name"],
  },
  postgresql: { dialect: "postgresql", includeRange: true, paramTypes: ["$nr"] },
};

/**
 * Cache keys: SQLite statements by their text alone (as before dialects existed, so caches on
 * disk stay valid), PostgreSQL ones behind a prefix no SQL text starts with.
 */
function cacheKey(text: string, dialect: SqlDialect): string {
  return dialect === "sqlite" ? text : `\u0000postgresql\u0000${text}`;
}

/**
 * The parser costs ~3 µs per character; past this size a single statement goes straight to the
 * tolerant scan so a generated 100 KB INSERT never stalls the editor.
 */
const MAX_PARSE_CHARS = 20_000;

/** Statement-relative result, cached by statement text so it can be reused at any offset. */
export interface StatementTables {
  reads: TableMention[];
  writes: TableMention[];
  error?: string;
  /** Absent when the statement was read by the fallback. */
  columns?: StatementColumns;
}

/** Keys are whole SQL texts: bounded by their count and their total length. */
const CACHE_BOUNDS = { maxEntries: 2_000, maxWeight: 4_000_000, weightOf: (sql: string) => sql.length };
const resultCache = new LruCache<string, SqlTables>(CACHE_BOUNDS);
const statementCache = new LruCache<string, StatementTables>(CACHE_BOUNDS);

/**
 * The workspace's on-disk statement cache, behind the in-memory ones. Module state on purpose:
 * extraction runs deep inside the per-file scan, and one process analyses one workspace.
 */
let persistentCache: PersistentStatementCache | undefined;

/** Puts a persistent statement cache behind the in-memory ones (undefined: none). */
export function usePersistentStatementCache(cache: PersistentStatementCache | undefined): void {
  persistentCache = cache;
}

/** The installed parser's version: part of the persistent cache's identity. */
export function sqlParserVersion(): string {
  return (require("sql-parser-cst/package.json") as { version: string }).version;
}

function cachedStatement(key: string): StatementTables | undefined {
  const inMemory = statementCache.get(key);
  if (inMemory !== undefined) return inMemory;
  const stored = persistentCache?.get(key);
  if (stored === undefined) return undefined;
  const own: StatementTables = {
    reads: stored.reads.map((m) => ({ ...m })),
    writes: stored.writes.map((m) => ({ ...m })),
  };
  if (stored.error !== undefined) own.error = stored.error;
  if (stored.columns !== undefined) own.columns = stored.columns as StatementColumns;
  statementCache.set(key, own);
  return own;
}

/** Tables read and written by `sql` (one or more statements); never throws, cached by text. */
export function extractTables(sql: string, dialect: SqlDialect = "sqlite"): SqlTables {
  if (typeof sql !== "string")
    return { reads: [], writes: [], parsed: false, error: "SQL text is not a string", columns: [] };
  // Nothing is asked of an empty cache (no text has needed the parser yet): a lookup hashes the whole text.
  let result = resultCache.size > 0 ? resultCache.get(cacheKey(sql, dialect)) : undefined;
  if (result === undefined) {
    let analysed: Analysed;
    try {
      analysed = analyse(sql, dialect);
    } catch (error) {
      // Defensive: every step below is meant to be total, but a bug must not take the analysis down.
      analysed = {
        tables: {
          reads: [],
          writes: [],
          parsed: false,
          error: `internal error: ${firstLine(error)}`,
          columns: [undefined],
        },
        cacheable: true,
      };
    }
    // The fast path answers a text in less time than a lookup of the text costs: only answers
    // that needed sql-parser-cst are worth keeping (and those are frozen, being shared).
    if (!analysed.cacheable) return analysed.tables;
    result = analysed.tables;
    resultCache.set(cacheKey(sql, dialect), result);
  }
  // Callers may sort or push into the arrays; the cached copy must stay intact.
  const copy: SqlTables = {
    reads: result.reads.slice(),
    writes: result.writes.slice(),
    parsed: result.parsed,
    columns: result.columns,
  };
  if (result.error !== undefined) copy.error = result.error;
  return copy;
}

interface Statement {
  start: number;
  end: number;
  /** Cut only for a statement the fast path declined: the key of the caches, the parser's input. */
  text: string;
}

interface Analysed {
  tables: SqlTables;
  /** Whether some statement needed sql-parser-cst (or the tolerant scan): then the answer is worth caching. */
  cacheable: boolean;
}

function analyse(sql: string, dialect: SqlDialect): Analysed {
  const tokens = tokenList(sql);
  try {
    return analyseTokens(sql, tokens, dialect);
  } finally {
    releaseTokenList(tokens);
  }
}

function analyseTokens(sql: string, tokens: SqlTokenList, dialect: SqlDialect): Analysed {
  const spans = splitStatements(tokens);
  const result: SqlTables = { reads: [], writes: [], parsed: true, columns: [] };
  // The fast path before any cache: it answers most statements in less time than the on-disk
  // cache's key (a SHA-1 of the text) takes, or even an in-memory lookup of a long text, and what
  // it answers is what the parser would. The caches then hold only the parser's answers.
  // Uncached, its answers can have offsets into the whole text: nothing to shift. Most texts are
  // answered by it whole, statement after statement, straight into the result.
  let first = 0;
  if (dialect === "sqlite") {
    for (; first < spans.length; first++) {
      const fast = fastStatement(tokens, spans[first]!);
      if (fast === undefined) break;
      if (first === 0) {
        // The fast path's arrays are fresh ones: the result can be made of them.
        result.reads = fast.reads;
        result.writes = fast.writes;
      } else {
        for (const m of fast.reads) result.reads.push(m);
        for (const m of fast.writes) result.writes.push(m);
      }
      result.columns.push(fast.columns);
    }
  }
  if (first === spans.length) {
    result.namesOwned = true;
    return { tables: result, cacheable: false };
  }
  // Some statement needs sql-parser-cst: the answer is cached and shared, so its mentions are frozen.
  for (const m of result.reads) Object.freeze(m);
  for (const m of result.writes) Object.freeze(m);
  analyseWithParser(sql, tokens, spans.slice(first), dialect, result);
  return { tables: result, cacheable: true };
}

/** The statements of `spans` (the first one declined by the fast path) into `result`, each in order. */
function analyseWithParser(
  sql: string,
  tokens: SqlTokenList,
  spans: readonly StatementSpan[],
  dialect: SqlDialect,
  result: SqlTables,
): void {
  const statements: Statement[] = [];
  const inText: boolean[] = [];
  const tables: Array<StatementTables | undefined> = [];
  for (const span of spans) {
    const start = tokens.starts[span.first]!;
    const end = tokens.ends[span.end - 1]!;
    const fast = dialect === "sqlite" && statements.length > 0 ? fastStatement(tokens, span) : undefined;
    inText.push(fast !== undefined);
    if (fast !== undefined) {
      statements.push({ start, end, text: "" });
      tables.push(fast);
      continue;
    }
    const text = sql.slice(start, end);
    statements.push({ start, end, text });
    tables.push(cachedStatement(cacheKey(text, dialect)));
  }
  for (let i = 0; i < statements.length;) {
    if (tables[i] !== undefined) {
      i++;
      continue;
    }
    // Each parser call has a fixed cost of a few hundred µs, so runs of uncached statements go
    // through it together; only when that fails does each statement get its own attempt.
    let j = i + 1;
    while (
      j < statements.length &&
      tables[j] === undefined &&
      statements[j].end - statements[i].start <= MAX_PARSE_CHARS
    )
      j++;
    if (j - i > 1) parseBatch(sql, statements, i, j, tables, dialect);
    for (let k = i; k < j; k++) {
      const own = tables[k] ?? analyseStatement(statements[k].text, dialect);
      tables[k] = own;
      const key = cacheKey(statements[k].text, dialect);
      statementCache.set(key, own);
      persistentCache?.set(key, own);
    }
    i = j;
  }
  for (let i = 0; i < statements.length; i++) {
    const own = tables[i] as StatementTables;
    if (own.error !== undefined) {
      result.parsed = false;
      result.error ??= own.error;
    }
    if (inText[i] === true) {
      // The fast path's own fresh objects, already in the text's offsets.
      for (const m of own.reads) result.reads.push(Object.freeze(m));
      for (const m of own.writes) result.writes.push(Object.freeze(m));
      result.columns.push(own.columns);
      continue;
    }
    const start = statements[i]!.start;
    shiftMentions(own.reads, start, result.reads);
    shiftMentions(own.writes, start, result.writes);
    result.columns.push(own.columns === undefined ? undefined : shiftColumns(own.columns, start));
  }
}

/** Statement-relative mentions as offsets into the whole text, frozen: the result is cached and shared. */
function shiftMentions(mentions: readonly TableMention[], by: number, into: TableMention[]): void {
  for (const m of mentions) into.push(Object.freeze({ name: m.name, start: m.start + by, end: m.end + by }));
}

/**
 * Parses statements [from, to) in one call and, if that works, files each mention under its own
 * statement. The split stays the tokenizer's: if the parser saw other statement boundaries
 * (EXPLAIN CREATE TRIGGER hides a trigger body from the splitter), nothing is filed, so a
 * statement's result never depends on which neighbours happened to be parsed with it.
 */
function parseBatch(
  sql: string,
  statements: Statement[],
  from: number,
  to: number,
  tables: Array<StatementTables | undefined>,
  dialect: SqlDialect,
): void {
  const base = statements[from].start;
  const found: Array<{ kind: "read" | "write"; mention: TableMention }> = [];
  const columns: StatementColumns[] = [];
  try {
    const batch = sql.slice(base, statements[to - 1].end);
    const program = parseWithinBudget(batch, PARSER_OPTIONS[dialect], to - from) as unknown as CstNode;
    const starts = nonEmptyStatements(program).map((s) => (s.range === undefined ? -1 : s.range[0] + base));
    if (starts.length !== to - from || starts.some((start, k) => start !== statements[from + k].start)) return;
    collectCstTables(program, (kind, parts, start, end) => {
      found.push({ kind, mention: { name: normaliseTableName(parts), start: start + base, end: end + base } });
    });
    nonEmptyStatements(program).forEach((statement, k) => {
      columns.push(shiftColumns(statementColumns(statement), base - statements[from + k].start));
    });
  } catch {
    return;
  }
  const own: StatementTables[] = [];
  for (let k = from; k < to; k++) own.push({ reads: [], writes: [], columns: columns[k - from] });
  for (const { kind, mention } of found) {
    let k = from;
    while (k < to - 1 && mention.start >= statements[k + 1].start) k++;
    const s = statements[k];
    const relative = { name: mention.name, start: mention.start - s.start, end: mention.end - s.start };
    (kind === "read" ? own[k - from].reads : own[k - from].writes).push(relative);
  }
  own.forEach((t, i) => {
    sortBySource(t);
    tables[from + i] = t;
  });
}

/** The fast path's answer for a SQLite statement, offsets into the whole text (not cached: cheaper than a lookup), or undefined. */
function fastStatement(tokens: SqlTokenList, span: StatementSpan): StatementTables | undefined {
  // Past the parser's size limit the reference answer is the tolerant scan's (parsed: false): kept identical.
  if (tokens.ends[span.end - 1]! - tokens.starts[span.first]! > MAX_PARSE_CHARS) return undefined;
  // Past the full parser's nesting limit the reference answer is the tolerant scan's too.
  if (span.depth > MAX_NESTING) return undefined;
  return fastStatementTables(tokens, span.first, span.end, 0);
}

/** One statement through sql-parser-cst (the tolerant scan when it fails): the reference the fast path is held to. */
export function analyseStatement(text: string, dialect: SqlDialect): StatementTables {
  const tables: StatementTables = { reads: [], writes: [] };
  const sink: TableSink = (kind, parts, start, end) => {
    (kind === "read" ? tables.reads : tables.writes).push({ name: normaliseTableName(parts), start, end });
  };
  if (text.length <= MAX_PARSE_CHARS) {
    try {
      const program = parseWithinBudget(text, PARSER_OPTIONS[dialect]) as unknown as CstNode;
      collectCstTables(program, sink);
      tables.columns = mergeColumns(nonEmptyStatements(program).map(statementColumns));
      sortBySource(tables);
      return tables;
    } catch (error) {
      // A syntax error, or a statement over the parser's budget (SqlTooComplexError): the tolerant scan reads it.
      tables.error = firstLine(error);
      tables.reads.length = 0;
      tables.writes.length = 0;
    }
  } else {
    tables.error = `statement too long for the full parser (${text.length} characters, limit ${MAX_PARSE_CHARS})`;
  }
  const list = tokenList(text);
  const tokens = tokenObjects(list);
  // Re-read with an open literal cut at its line's end, the text may hold several statements after all.
  for (const span of splitStatements(list)) scanTables(tokens.slice(span.first, span.end), sink);
  releaseTokenList(list);
  sortBySource(tables);
  return tables;
}

function nonEmptyStatements(program: CstNode): CstNode[] {
  return (Array.isArray(program.statements) ? program.statements : []).filter(
    (s): s is CstNode => isCstNode(s) && s.type !== "empty",
  );
}

const NO_STATEMENT_COLUMNS: StatementColumns = { defines: [], references: [] };

/** Columns of a parsed statement; a walker failure (a CST shape it does not know) leaves its tables unknown. */
function statementColumns(statement: CstNode): StatementColumns {
  try {
    return collectStatementColumns(statement);
  } catch {
    return NO_STATEMENT_COLUMNS;
  }
}

function mergeColumns(list: readonly StatementColumns[]): StatementColumns {
  if (list.length === 1) return list[0]!;
  return { defines: list.flatMap((c) => c.defines), references: list.flatMap((c) => c.references) };
}

function shiftColumns(columns: StatementColumns, by: number): StatementColumns {
  if (by === 0 || columns.references.length === 0) return columns;
  return {
    defines: columns.defines,
    // Spelled out, not spread: this runs for every reference of every statement after a script's first.
    references: columns.references.map(({ table, column, qualified, certain, start, end }) => ({
      table,
      column,
      qualified,
      certain,
      start: start + by,
      end: end + by,
    })),
  };
}

/** "Main"."Orders" → "orders", temp.t → "t", Analytics.Events → "analytics.events". */
export function normaliseTableName(parts: readonly string[]): string {
  const lower = parts.map((part) => part.toLowerCase());
  if (lower.length === 2 && (lower[0] === "main" || lower[0] === "temp")) return lower[1];
  return lower.join(".");
}

function sortBySource(tables: StatementTables): void {
  // The CST walk uses a stack, so mentions arrive out of order.
  tables.reads.sort((a, b) => a.start - b.start);
  tables.writes.sort((a, b) => a.start - b.start);
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n", 1)[0];
}
