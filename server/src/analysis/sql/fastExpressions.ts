/**
 * Expressions for the fast SQL parser (fastParser.ts): OR/AND/NOT, one comparison or SQL
 * predicate, arithmetic, literals, function calls with FILTER and OVER, CASE, CAST and
 * subqueries. Chains it is not sure how sql-parser-cst would associate (`a = 1 = 1`) are
 * declined. No tree is built: each name read as a column is noted (fastFacts.ts) in the query
 * it belongs to, and each function says whether what it read was a bare column name, which
 * is all a SELECT list's output needs.
 */

import { CLOSE, COMMA, FastCursor, NOT_CERTAIN, OPEN } from "./fastCursor";
import type { CteChain } from "./fastFacts";
import { IS_RESERVED, IS_TYPE } from "./sqlKeywords";
import { OTHER, PUNCT, WORD } from "./sqlTokens";

const COMPARISON = new Set(["=", "==", "!=", "<>", "<", "<=", ">", ">="]);
const ARITHMETIC = new Set(["+", "-", "*", "/", "%", "||", "&", "|", "<<", ">>", "->", "->>"]);
// No bare trailing dot: sql-parser-cst rejects `1.` before `,` `)` `+` and the end (found by the fuzzer).
const NUMBER = /^(?:\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|0[xX][0-9a-fA-F]+)$/;
const PARAMETER = /^(?:\?\d*|[:@$][A-Za-z_][A-Za-z0-9_$]*|\$\d+)$/;
const FRAME_KINDS = new Set(["rows", "range", "groups"]);

/** What an expression function returns when what it read is not a bare column name. */
export const NOT_A_NAME = -1;

export abstract class FastExpressionParser extends FastCursor {
  /** A full query (the statement parser's): subqueries and EXISTS need it. */
  protected abstract select(given?: CteChain): void;

  protected whereClause(): void {
    this.expectWord("where");
    this.expression();
  }

  protected orderBy(): void {
    this.expectWord("order");
    this.expectWord("by");
    do {
      this.expression();
      if (this.word() === "asc" || this.word() === "desc") this.i++;
      if (this.word() === "nulls") {
        this.i++;
        if (this.word() !== "first" && this.word() !== "last") throw NOT_CERTAIN;
        this.i++;
      }
    } while (this.acceptPunct(COMMA));
  }

  protected expressionList(): void {
    do this.expression();
    while (this.acceptPunct(COMMA));
  }

  /** Reads an expression; the token of its name when it is a bare column name (`c`, `t.c`), else NOT_A_NAME. */
  protected expression(): number {
    let left = this.conjunction();
    while (this.word() === "or") {
      this.i++;
      this.conjunction();
      left = NOT_A_NAME;
    }
    return left;
  }

  protected conjunction(): number {
    let left = this.negation();
    while (this.word() === "and") {
      this.i++;
      this.negation();
      left = NOT_A_NAME;
    }
    return left;
  }

  protected negation(): number {
    if (this.word() === "not") {
      this.i++;
      this.negation();
      return NOT_A_NAME;
    }
    if (this.word() === "exists") {
      this.i++;
      this.subquery();
      return NOT_A_NAME;
    }
    return this.predicate();
  }

  /** One comparison or SQL predicate at most: chains go to the full parser. */
  protected predicate(): number {
    const left = this.arithmetic();
    const op = this.operator();
    if (op !== undefined && COMPARISON.has(op)) {
      this.i += op.length === 2 ? 2 : 1;
      this.arithmetic();
      return NOT_A_NAME;
    }
    let word = this.word();
    if (word === "isnull" || word === "notnull") {
      this.i++;
      return NOT_A_NAME;
    }
    if (word === "is") {
      this.i++;
      if (this.word() === "not") this.i++;
      if (this.word() === "distinct") {
        this.i++;
        this.expectWord("from");
      }
      this.arithmetic();
      return NOT_A_NAME;
    }
    if (word === "not") {
      if (this.wordAt(this.i + 1) === "null") {
        this.i += 2;
        return NOT_A_NAME;
      }
      this.i++;
      word = this.word();
      if (word !== "in" && word !== "like" && word !== "glob" && word !== "between") throw NOT_CERTAIN;
    }
    if (word === "in") {
      this.i++;
      if (!this.isPunct(OPEN)) {
        // SQLite reads `x IN t` as `x IN (SELECT * FROM t)`: a table read, and (to the column walker) a name.
        const first = this.dottedName();
        this.tableRead(first);
        this.column(first);
      } else if (this.startsQuery(this.i + 1)) {
        this.subquery();
      } else {
        this.i++;
        this.expressionList();
        this.expectPunct(CLOSE);
      }
      return NOT_A_NAME;
    }
    if (word === "like" || word === "glob") {
      this.i++;
      this.arithmetic();
      if (this.word() === "escape") throw NOT_CERTAIN;
      return NOT_A_NAME;
    }
    if (word === "between") {
      this.i++;
      this.arithmetic();
      this.expectWord("and");
      this.arithmetic();
      return NOT_A_NAME;
    }
    return left;
  }

  protected arithmetic(): number {
    let left = this.unary();
    for (let op = this.operator(); op !== undefined && ARITHMETIC.has(op); op = this.operator()) {
      this.i += op.length >= 2 ? (op === "->>" ? 3 : 2) : 1;
      this.unary();
      left = NOT_A_NAME;
    }
    return left;
  }

  protected unary(): number {
    const op = this.operator();
    if (op === "-" || op === "+" || op === "~") {
      this.i++;
      this.unary();
      return NOT_A_NAME;
    }
    const primary = this.primary();
    if (this.word() !== "collate") return primary;
    this.i++;
    // The collation's name is an identifier in sql-parser-cst's tree: the column walker takes it for a column.
    this.column(this.name());
    return NOT_A_NAME;
  }

  protected primary(): number {
    const k = this.here();
    const kind = this.kindAt(k);
    if (kind === PUNCT) {
      if (!this.isPunctAt(k, OPEN)) throw NOT_CERTAIN;
      if (this.startsQuery(k + 1)) {
        this.subquery();
        return NOT_A_NAME;
      }
      this.i++;
      this.expression();
      this.expectPunct(CLOSE);
      return NOT_A_NAME;
    }
    if (kind === OTHER) {
      this.literal();
      return NOT_A_NAME;
    }
    if (kind === WORD) {
      switch (this.wordAt(k)!) {
        case "null":
        case "true":
        case "false":
          this.i++;
          return NOT_A_NAME;
        case "current_date":
        case "current_time":
        case "current_timestamp":
          this.i++;
          if (this.isPunct(OPEN)) throw NOT_CERTAIN;
          return NOT_A_NAME;
        case "case":
          this.caseExpression();
          return NOT_A_NAME;
        case "cast":
          this.cast();
          return NOT_A_NAME;
        case "raise":
          throw NOT_CERTAIN;
      }
      if (this.isPunctAt(k + 1, OPEN) && !this.isKeywordAt(k, IS_RESERVED)) {
        this.functionCall();
        return NOT_A_NAME;
      }
    }
    // A column is named as a table is: `c` or `t.c` (three parts go to the full parser).
    return this.column(this.dottedName());
  }

  protected literal(): void {
    const text = this.otherText(this.here());
    if (text === undefined) throw NOT_CERTAIN;
    this.i++;
    if (text.charCodeAt(0) === 39) {
      if (text.length < 2 || text.charCodeAt(text.length - 1) !== 39) throw NOT_CERTAIN;
      return;
    }
    if (NUMBER.test(text) || PARAMETER.test(text)) return;
    throw NOT_CERTAIN;
  }

  /** A call's arguments, FILTER and OVER (its name is no column). */
  protected functionCall(): void {
    this.i += 2;
    if (this.isOperator("*")) {
      this.i++;
    } else if (!this.isPunct(CLOSE)) {
      if (this.word() === "distinct") this.i++;
      this.expressionList();
    }
    this.expectPunct(CLOSE);
    if (this.word() === "filter") {
      this.i++;
      this.expectPunct(OPEN);
      this.whereClause();
      this.expectPunct(CLOSE);
    }
    if (this.word() === "over") {
      this.i++;
      this.windowDefinition();
    }
  }

  protected windowDefinition(): void {
    this.expectPunct(OPEN);
    if (this.word() === "partition") {
      this.i++;
      this.expectWord("by");
      this.expressionList();
    }
    if (this.word() === "order") this.orderBy();
    if (FRAME_KINDS.has(this.word() ?? "")) {
      this.i++;
      if (this.word() === "between") {
        this.i++;
        if (this.frameBound() === "unbounded following") throw NOT_CERTAIN;
        this.expectWord("and");
        if (this.frameBound() === "unbounded preceding") throw NOT_CERTAIN;
      } else if (this.frameBound().endsWith("following")) {
        throw NOT_CERTAIN;
      }
    }
    this.expectPunct(CLOSE);
  }

  /** Consumes one frame bound and says which kind it was ("current row", "unbounded preceding", "n following"…). */
  protected frameBound(): string {
    const word = this.word();
    if (word === "unbounded") {
      this.i++;
      const side = this.word();
      if (side !== "preceding" && side !== "following") throw NOT_CERTAIN;
      this.i++;
      return `unbounded ${side}`;
    }
    if (word === "current") {
      this.i++;
      this.expectWord("row");
      return "current row";
    }
    {
      const text = this.otherText(this.here());
      if (text === undefined || !NUMBER.test(text)) throw NOT_CERTAIN;
      this.i++;
      const side = this.word();
      if (side !== "preceding" && side !== "following") throw NOT_CERTAIN;
      this.i++;
      return `n ${side}`;
    }
  }

  protected caseExpression(): void {
    this.expectWord("case");
    if (this.word() !== "when") this.expression();
    if (this.word() !== "when") throw NOT_CERTAIN;
    while (this.word() === "when") {
      this.i++;
      this.expression();
      this.expectWord("then");
      this.expression();
    }
    if (this.word() === "else") {
      this.i++;
      this.expression();
    }
    this.expectWord("end");
  }

  /** CAST(expr AS type): the type is a keyword to sql-parser-cst, never a column. */
  protected cast(): void {
    this.expectWord("cast");
    this.expectPunct(OPEN);
    this.expression();
    this.expectWord("as");
    this.dataType();
    this.expectPunct(CLOSE);
  }

  protected dataType(): void {
    if (!this.isKeywordAt(this.i, IS_TYPE)) throw NOT_CERTAIN;
    this.i++;
    if (!this.acceptPunct(OPEN)) return;
    do {
      const text = this.otherText(this.here());
      if (text === undefined || !/^\d+$/.test(text)) throw NOT_CERTAIN;
      this.i++;
    } while (this.acceptPunct(COMMA));
    this.expectPunct(CLOSE);
  }

  protected subquery(): void {
    this.expectPunct(OPEN);
    this.select();
    this.expectPunct(CLOSE);
  }
}
