/**
 * The token cursor under the fast SQL parser (fastParser.ts): where it stands in a statement's
 * tokens, the questions it asks of them, names as the CST path reads them, and the notes it
 * takes of tables and columns (fastFacts.ts) in the context the parser keeps. Everything here
 * declines (NOT_CERTAIN) rather than guesses.
 */

import { StatementFacts, type ColumnScope, type CteChain } from "./fastFacts";
import { ownString } from "../flatStrings";
import { internedLowerName } from "./nameInterner";
import { BLOCKS_NAME, IS_SOFT, KEYWORDS } from "./sqlKeywords";
import { NOT_PLAIN, OTHER, PUNCT, QUOTED, unquote, WORD, type SqlTokenList } from "./sqlTokens";

/** Thrown (never escapes this module's callers) when a statement is outside the modelled grammar. */
export const NOT_CERTAIN: unique symbol = Symbol("not certain");

/** Punctuation, as the tokenizer records it (its character code). */
export const OPEN = 40;
export const CLOSE = 41;
export const COMMA = 44;
export const DOT = 46;

const TWO_CHAR = new Set(["==", "!=", "<>", "<=", ">=", "||", "<<", ">>", "->"]);

/**
 * One cursor serves every statement (`start` points it at the next): a parser object per statement
 * cost three constructors, their field initializers and the notes' arrays, ~40,000 times in a cold
 * analysis, mostly while that code is not optimised yet.
 */
export abstract class FastCursor {
  protected i = 0;
  protected end = 0;
  protected base = 0;
  protected sql = "";
  private kinds: Uint8Array = new Uint8Array(0);
  private infos: Uint16Array = new Uint16Array(0);
  protected starts: Int32Array = new Int32Array(0);
  protected ends: Int32Array = new Int32Array(0);
  private hashes: Int32Array = new Int32Array(0);

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

  /** Points the cursor at tokens [first, end) of `tokens`, offsets relative to `base`, with nothing noted. */
  protected start(tokens: SqlTokenList, first: number, end: number, base: number): void {
    this.i = first;
    this.end = end;
    this.base = base;
    this.sql = tokens.sql;
    this.kinds = tokens.kinds;
    this.infos = tokens.infos;
    this.starts = tokens.starts;
    this.ends = tokens.ends;
    this.hashes = tokens.hashes;
    this.facts.clear();
    this.scope = undefined;
    this.outer = undefined;
    this.ctes = undefined;
    this.walks = undefined;
    this.frame = undefined;
  }

  /**
   * `a` or `a.b` (a table, or a column with its qualifier); three parts go to the full parser.
   * Returns the first part's token index; the last part is the token before the cursor.
   */
  protected dottedName(): number {
    const first = this.i;
    if (!this.isNameAt(first)) throw NOT_CERTAIN;
    this.i++;
    if (!this.isPunct(DOT)) return first;
    this.i++;
    if (!this.isNameAt(this.i)) throw NOT_CERTAIN;
    this.i++;
    if (this.isPunct(DOT)) throw NOT_CERTAIN;
    return first;
  }

  /** `(a, b)`: the names, lower-case, when `names` is given. */
  protected nameList(names?: string[]): void {
    this.expectPunct(OPEN);
    do {
      const k = this.name();
      names?.push(this.lowerName(k));
    } while (this.acceptPunct(COMMA));
    this.expectPunct(CLOSE);
  }

  /** One name; its token index. */
  protected name(): number {
    if (!this.isNameAt(this.i)) throw NOT_CERTAIN;
    return this.i++;
  }

  /** Whether token `k` (within the statement) is a name. */
  protected isNameAt(k: number): boolean {
    if (k >= this.end) return false;
    const kind = this.kinds[k];
    if (kind === QUOTED) return true;
    // sql-parser-cst reads "$" as a parameter sigil, and not every non-ASCII letter as part of a name.
    const info = this.infos[k]!;
    return kind === WORD && info < NOT_PLAIN && BLOCKS_NAME[info] === 0;
  }

  /** Whether token `k` is quoted, or a name that is no keyword sql-parser-cst might read as a clause's start. */
  protected isAliasAt(k: number): boolean {
    if (k >= this.end) return false;
    const kind = this.kinds[k];
    if (kind === QUOTED) return true;
    const info = this.infos[k]!;
    return kind === WORD && info < NOT_PLAIN && BLOCKS_NAME[info] === 0 && IS_SOFT[info] === 0;
  }

  /** The name at token `k`, lower-case, as every walker of the CST path compares names (quotes removed). */
  protected lowerName(k: number): string {
    const hash = this.hashes[k]!;
    if (hash !== 0) return internedLowerName(this.sql, this.starts[k]!, this.ends[k]!, hash);
    const text = this.sql.slice(this.starts[k], this.ends[k]);
    return ownString((this.kinds[k] === QUOTED ? unquote(text) : text).toLowerCase());
  }

  /** Notes the dotted name of tokens [first, cursor) as a column of the query in scope; returns its last token. */
  protected column(first: number): number {
    const last = this.i - 1;
    const scope = this.scope;
    if (scope !== undefined) {
      const start = this.starts[last]!;
      const qualifier = last === first ? undefined : this.lowerName(first);
      // SQLite reads an unknown "double-quoted" bare name as a string: such a reference is never certain.
      const quoted = last === first && this.sql.charCodeAt(start) === 34;
      this.facts.reference(
        scope,
        qualifier,
        this.lowerName(last),
        quoted,
        start - this.base,
        this.ends[last]! - this.base,
        this.walks,
      );
    }
    return last;
  }

  /** Notes the dotted name of tokens [first, cursor) as a table read (unless a CTE turns out to have the name); its name. */
  protected tableRead(first: number): string {
    const last = this.i - 1;
    const name = this.tableNameOf(first);
    this.facts.read(name, last === first, this.starts[first]! - this.base, this.ends[last]! - this.base, this.frame);
    return name;
  }

  /** The table named by the dotted name of tokens [first, cursor), as normaliseTableName gives it. */
  protected tableNameOf(first: number): string {
    const last = this.i - 1;
    return last === first ? this.lowerName(first) : tableName(this.lowerName(first), this.lowerName(last));
  }

  /** The token index here; past the statement's end there is nothing this parser can be sure of. */
  protected here(): number {
    if (this.i >= this.end) throw NOT_CERTAIN;
    return this.i;
  }

  /** The kind of token `k` (sqlTokens.ts), 0 past the statement's end. */
  protected kindAt(k: number): number {
    return k < this.end ? this.kinds[k]! : 0;
  }

  /** The keyword token `k` is ("" for another word), undefined when it is no word or past the statement's end. */
  protected wordAt(k: number): string | undefined {
    if (k >= this.end || this.kinds[k] !== WORD) return undefined;
    return KEYWORDS[this.infos[k]! & ~NOT_PLAIN];
  }

  /** Whether token `k` is `select` or `with`, or (as the fast path always read it) an identifier quoted as exactly that. */
  protected startsQuery(k: number): boolean {
    const word = this.wordAt(k);
    if (word === "select" || word === "with") return true;
    if (k >= this.end || this.kinds[k] !== QUOTED) return false;
    const text = unquote(this.sql.slice(this.starts[k], this.ends[k]));
    return text === "select" || text === "with";
  }

  /** Whether token `k` is a keyword that `flags` (sqlKeywords.ts) marks. */
  protected isKeywordAt(k: number, flags: Uint8Array): boolean {
    return k < this.end && this.kinds[k] === WORD && flags[this.infos[k]! & ~NOT_PLAIN] === 1;
  }

  protected word(): string | undefined {
    return this.wordAt(this.i);
  }

  /** Whether token `k` is the punctuation `code` (OPEN, CLOSE, COMMA, DOT or ";"). */
  protected isPunctAt(k: number, code: number): boolean {
    return k < this.end && this.kinds[k] === PUNCT && this.infos[k] === code;
  }

  protected isPunct(code: number): boolean {
    return this.isPunctAt(this.i, code);
  }

  protected acceptPunct(code: number): boolean {
    if (!this.isPunct(code)) return false;
    this.i++;
    return true;
  }

  protected expectPunct(code: number): void {
    if (!this.acceptPunct(code)) throw NOT_CERTAIN;
  }

  protected expectWord(value: string): void {
    if (this.word() !== value) throw NOT_CERTAIN;
    this.i++;
  }

  /** Whether token `k` is a one-character "other" token (an operator's character, maybe). */
  private isCharAt(k: number): boolean {
    return k < this.end && this.kinds[k] === OTHER && this.ends[k]! - this.starts[k]! === 1;
  }

  /** The operator starting here, joining adjacent one-character tokens ("<" "=" → "<="). */
  protected operator(): string | undefined {
    const k = this.i;
    if (!this.isCharAt(k)) return undefined;
    const first = this.sql[this.starts[k]!]!;
    if (!this.isCharAt(k + 1) || this.starts[k + 1] !== this.ends[k]) return first;
    const two = first + this.sql[this.starts[k + 1]!]!;
    if (!TWO_CHAR.has(two)) return first;
    if (two === "->") {
      if (k + 2 < this.end && this.starts[k + 2] === this.ends[k + 1] && this.sql[this.starts[k + 2]!] === ">")
        return "->>";
    }
    return two;
  }

  protected isOperator(op: string): boolean {
    return this.operator() === op;
  }

  /** Whether token `k` is the one-character operator `op`. */
  protected isCharOperatorAt(k: number, op: number): boolean {
    return this.isCharAt(k) && this.sql.charCodeAt(this.starts[k]!) === op;
  }

  /** The text of token `k`, when it is an "other" token (a literal, an operator); undefined otherwise. */
  protected otherText(k: number): string | undefined {
    if (k >= this.end || this.kinds[k] !== OTHER) return undefined;
    return this.sql.slice(this.starts[k], this.ends[k]);
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
