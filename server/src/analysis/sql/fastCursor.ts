/**
 * The token cursor under the fast SQL parser (fastParser.ts): where it stands in a statement's
 * tokens, the questions it asks of them, and names as sql-parser-cst builds them. Everything
 * here declines (NOT_CERTAIN) rather than guesses.
 */

import type { CstNode } from "./cstWalk";
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

  constructor(
    protected readonly sql: string,
    protected readonly tokens: readonly SqlToken[],
    first: number,
    protected readonly end: number,
    protected readonly base: number,
  ) {
    this.i = first;
  }

  /** `a` or `a.b` (a table, or a column with its qualifier); three parts go to the full parser. */
  protected dottedName(): CstNode {
    const t = this.current();
    if (!this.isName(t)) throw NOT_CERTAIN;
    this.i++;
    const object = this.identifier(t);
    if (!this.isPunct(".")) return object;
    this.i++;
    const p = this.current();
    if (!this.isName(p)) throw NOT_CERTAIN;
    this.i++;
    if (this.isPunct(".")) throw NOT_CERTAIN;
    return {
      type: "member_expr",
      object,
      property: this.identifier(p),
      range: [t.start - this.base, p.end - this.base],
    };
  }

  /** `(a, b)` as sql-parser-cst gives it; views list their columns as column definitions. */
  protected nameList(asDefinitions: boolean): CstNode {
    this.expectPunct("(");
    const items: CstNode[] = [];
    do {
      const name = this.name();
      items.push(asDefinitions ? { type: "column_definition", name } : name);
    } while (this.acceptPunct(","));
    this.expectPunct(")");
    return { type: "paren_expr", expr: { type: "list_expr", items } };
  }

  protected name(): CstNode {
    const t = this.current();
    if (!this.isName(t)) throw NOT_CERTAIN;
    this.i++;
    return this.identifier(t);
  }

  protected isName(t: SqlToken | undefined): t is SqlToken {
    if (t === undefined) return false;
    if (t.kind === "quoted") return true;
    // sql-parser-cst reads "$" as a parameter sigil, and not every non-ASCII letter as part of a name.
    return t.kind === "word" && PLAIN_NAME.test(t.value) && !RESERVED.has(t.value) && !VALUE_WORDS.has(t.value);
  }

  protected identifier(t: SqlToken): CstNode {
    const text = this.sql.slice(t.start, t.end);
    return {
      type: "identifier",
      name: t.kind === "quoted" ? t.value : text,
      text,
      range: [t.start - this.base, t.end - this.base],
    };
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
