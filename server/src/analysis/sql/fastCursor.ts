/**
 * The token cursor under the fast SQL parser (fastParser.ts): where it stands in a statement's
 * tokens, the questions it asks of them, names as the CST path reads them, and the notes it
 * takes of tables and columns (fastFacts.ts) in the context the parser keeps. Everything here
 * declines (NOT_CERTAIN) rather than guesses.
 */

import { StatementFacts, type ColumnScope, type CteChain } from "./fastFacts";
import type { SqlToken } from "./sqlTokens";

/** Thrown (never escapes this module's callers) when a statement is outside the modelled grammar. */
export const NOT_CERTAIN: unique symbol = Symbol("not certain");

/** Reserved somewhere in sql-parser-cst's SQLite dialect: never accepted as a name. */
export const RESERVED = new Set(
  (
    "add all alter and as autoincrement between case cast check collate commit constraint create cross default " +
    "deferrable delete distinct drop else escape except exists foreign from full glob group groups having in index " +
    "indexed inner insert intersect into is isnull join left like limit match natural not nothing notnull null on or " +
    "order outer primary raise references regexp returning right select set table then to transaction union unique " +
    "update using values when where window"
  ).split(" "),
);

/** Keywords sql-parser-cst lets stand as names, but only where no clause could start: never an implicit alias. */
export const SOFT_KEYWORDS = new Set(
  (
    "abort action after always analyze asc attach before begin by cascade column conflict current current_date " +
    "current_time current_timestamp database deferred desc detach do each end exclude exclusive explain fail filter " +
    "first following for generated if ignore immediate initially instead key last materialized no nulls of offset " +
    "others over partition plan pragma preceding query range recursive reindex release rename replace restrict " +
    "rollback row rows savepoint temp temporary ties trigger unbounded vacuum view virtual with without true false"
  ).split(" "),
);

/** Words sql-parser-cst reads as values wherever an expression may stand (so never as a table name). */
const VALUE_WORDS = new Set(["true", "false", "current_date", "current_time", "current_timestamp"]);

const TWO_CHAR = new Set(["==", "!=", "<>", "<=", ">=", "||", "<<", ">>", "->"]);
const PLAIN_NAME = /^[a-z_][a-z0-9_]*$/;

export abstract class FastCursor {
  protected i: number;

  protected readonly facts = new StatementFacts();
  /** The query whose columns the expression here names; undefined outside one (DDL, SET, VALUES, a FROM function's arguments). */
  protected scope: ColumnScope | undefined = undefined;
  /** The query a subquery starting here is correlated with (the column walker's parent scope). */
  protected outer: ColumnScope | undefined = undefined;
  /** The WITH names a query starting here knows as CTEs, for its columns. */
  protected ctes: CteChain | undefined = undefined;
  /** The WITH bodies the point here is in: the column walker repeats them once per arm of a compound query. */
  protected walks: CteChain | undefined = undefined;
  /** The WITH names that hide table reads here. */
  protected frame: CteChain | undefined = undefined;

  constructor(
    protected readonly sql: string,
    protected readonly tokens: readonly SqlToken[],
    first: number,
    protected readonly end: number,
    protected readonly base: number,
  ) {
    this.i = first;
  }

  /**
   * `a` or `a.b` (a table, or a column with its qualifier); three parts go to the full parser.
   * Returns the first part's token index; the last part is the token before the cursor.
   */
  protected dottedName(): number {
    const first = this.i;
    if (!this.isName(this.current())) throw NOT_CERTAIN;
    this.i++;
    if (!this.isPunct(".")) return first;
    this.i++;
    if (!this.isName(this.current())) throw NOT_CERTAIN;
    this.i++;
    if (this.isPunct(".")) throw NOT_CERTAIN;
    return first;
  }

  /** `(a, b)`: the names, lower-case, when `names` is given. */
  protected nameList(names?: string[]): void {
    this.expectPunct("(");
    do {
      const k = this.name();
      names?.push(this.lowerName(k));
    } while (this.acceptPunct(","));
    this.expectPunct(")");
  }

  /** One name; its token index. */
  protected name(): number {
    if (!this.isName(this.current())) throw NOT_CERTAIN;
    return this.i++;
  }

  protected isName(t: SqlToken | undefined): t is SqlToken {
    if (t === undefined) return false;
    if (t.kind === "quoted") return true;
    // sql-parser-cst reads "$" as a parameter sigil, and not every non-ASCII letter as part of a name.
    return t.kind === "word" && !RESERVED.has(t.value) && !VALUE_WORDS.has(t.value) && PLAIN_NAME.test(t.value);
  }

  /** The name at token `k`, lower-case, as every walker of the CST path compares names (quotes removed). */
  protected lowerName(k: number): string {
    const t = this.tokens[k];
    return t.kind === "quoted" ? t.value.toLowerCase() : t.value;
  }

  /** Notes the dotted name of tokens [first, cursor) as a column of the query in scope; returns its last token. */
  protected column(first: number): number {
    const last = this.i - 1;
    const scope = this.scope;
    if (scope !== undefined) {
      const t = this.tokens[last];
      const qualifier = last === first ? undefined : this.lowerName(first);
      // SQLite reads an unknown "double-quoted" bare name as a string: such a reference is never certain.
      const quoted = last === first && this.sql.charCodeAt(t.start) === 34;
      this.facts.reference(
        scope,
        qualifier,
        this.lowerName(last),
        quoted,
        t.start - this.base,
        t.end - this.base,
        this.walks,
      );
    }
    return last;
  }

  /** Notes the dotted name of tokens [first, cursor) as a table read (unless a CTE turns out to have the name). */
  protected tableRead(first: number): void {
    const last = this.i - 1;
    const name = this.tableNameOf(first);
    this.facts.read(
      name,
      last === first,
      this.tokens[first].start - this.base,
      this.tokens[last].end - this.base,
      this.frame,
    );
  }

  /** The table named by the dotted name of tokens [first, cursor), as normaliseTableName gives it. */
  protected tableNameOf(first: number): string {
    const last = this.i - 1;
    return last === first ? this.lowerName(first) : tableName(this.lowerName(first), this.lowerName(last));
  }

  /** The token here; past the statement's end there is nothing this parser can be sure of. */
  protected current(): SqlToken {
    if (this.i >= this.end) throw NOT_CERTAIN;
    return this.tokens[this.i];
  }

  /** The token at `k`, or undefined past the statement's end. */
  protected at(k: number): SqlToken | undefined {
    return k < this.end ? this.tokens[k] : undefined;
  }

  protected word(): string | undefined {
    if (this.i >= this.end) return undefined;
    const t = this.tokens[this.i];
    return t.kind === "word" ? t.value : undefined;
  }

  protected isPunct(value: string): boolean {
    if (this.i >= this.end) return false;
    const t = this.tokens[this.i];
    return t.kind === "punct" && t.value === value;
  }

  protected acceptPunct(value: string): boolean {
    if (!this.isPunct(value)) return false;
    this.i++;
    return true;
  }

  protected expectPunct(value: string): void {
    if (!this.acceptPunct(value)) throw NOT_CERTAIN;
  }

  protected expectWord(value: string): void {
    if (this.word() !== value) throw NOT_CERTAIN;
    this.i++;
  }

  /** The operator starting here, joining adjacent one-character tokens ("<" "=" → "<="). */
  protected operator(): string | undefined {
    if (this.i >= this.end) return undefined;
    const t = this.tokens[this.i];
    if (t.kind !== "other" || t.end - t.start !== 1) return undefined;
    const first = this.sql[t.start];
    const next = this.i + 1 < this.end ? this.at(this.i + 1) : undefined;
    if (next === undefined || next.kind !== "other" || next.start !== t.end || next.end - next.start !== 1)
      return first;
    const two = first + this.sql[next.start];
    if (!TWO_CHAR.has(two)) return first;
    if (two === "->") {
      const third = this.i + 2 < this.end ? this.at(this.i + 2) : undefined;
      if (third !== undefined && third.start === next.end && this.sql[third.start] === ">") return "->>";
    }
    return two;
  }

  protected isOperator(op: string): boolean {
    return this.operator() === op;
  }

  protected isOperatorToken(t: SqlToken | undefined, op: string): boolean {
    return (
      t !== undefined && t.kind === "other" && t.end - t.start === op.length && this.sql.slice(t.start, t.end) === op
    );
  }

  protected expectOperator(op: string): void {
    if (this.operator() !== op) throw NOT_CERTAIN;
    this.i++;
  }
}

/** "Main"."Orders" → "orders", temp.t → "t", Analytics.Events → "analytics.events" (parts already lower-case). */
function tableName(schema: string, table: string): string {
  return schema === "main" || schema === "temp" ? table : `${schema}.${table}`;
}
