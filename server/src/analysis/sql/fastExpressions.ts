/**
 * Expressions for the fast SQL parser (fastParser.ts): OR/AND/NOT, one comparison or SQL
 * predicate, arithmetic, literals, function calls with FILTER and OVER, CASE, CAST and
 * subqueries, built in sql-parser-cst's shape. Chains it is not sure how sql-parser-cst
 * would associate (`a = 1 = 1`) are declined.
 */

import type { CstNode } from "./cstWalk";
import { FastCursor, NOT_CERTAIN, RESERVED } from "./fastCursor";

/** Type names sql-parser-cst reads as a keyword (so a cast's type never looks like a column). */
export const TYPE_NAMES = new Set(
  "integer int bigint smallint tinyint text real numeric blob float double decimal varchar char date datetime boolean".split(
    " ",
  ),
);

const COMPARISON = new Set(["=", "==", "!=", "<>", "<", "<=", ">", ">="]);
const ARITHMETIC = new Set(["+", "-", "*", "/", "%", "||", "&", "|", "<<", ">>", "->", "->>"]);
// No bare trailing dot: sql-parser-cst rejects `1.` before `,` `)` `+` and the end (found by the fuzzer).
const NUMBER = /^(?:\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|0[xX][0-9a-fA-F]+)$/;
const PARAMETER = /^(?:\?\d*|[:@$][A-Za-z_][A-Za-z0-9_$]*|\$\d+)$/;
const FRAME_KINDS = new Set(["rows", "range", "groups"]);

const LITERAL: CstNode = { type: "number_literal" };
const STRING: CstNode = { type: "string_literal" };
const PARAM: CstNode = { type: "parameter" };
export const ALL_COLUMNS: CstNode = { type: "all_columns" };
const IN_KEYWORD: CstNode = { type: "keyword", name: "IN" };

export abstract class FastExpressionParser extends FastCursor {
  /** A full query (the statement parser's): subqueries and EXISTS need it. */
  protected abstract select(given?: CstNode): CstNode;

  protected whereClause(): CstNode {
    this.expectWord("where");
    return { type: "where_clause", expr: this.expression() };
  }

  protected orderBy(): CstNode {
    this.expectWord("order");
    this.expectWord("by");
    const items: CstNode[] = [];
    do {
      const expr = this.expression();
      if (this.word() === "asc" || this.word() === "desc") this.i++;
      if (this.word() === "nulls") {
        this.i++;
        if (this.word() !== "first" && this.word() !== "last") throw NOT_CERTAIN;
        this.i++;
      }
      items.push({ type: "sort_specification", expr });
    } while (this.acceptPunct(","));
    return { type: "order_by_clause", specifications: { type: "list_expr", items } };
  }

  protected expressionList(): CstNode {
    const items: CstNode[] = [];
    do items.push(this.expression());
    while (this.acceptPunct(","));
    return { type: "list_expr", items };
  }

  protected expression(): CstNode {
    let left = this.conjunction();
    while (this.word() === "or") {
      this.i++;
      left = { type: "binary_expr", left, right: this.conjunction() };
    }
    return left;
  }

  protected conjunction(): CstNode {
    let left = this.negation();
    while (this.word() === "and") {
      this.i++;
      left = { type: "binary_expr", left, right: this.negation() };
    }
    return left;
  }

  protected negation(): CstNode {
    if (this.word() === "not") {
      this.i++;
      return { type: "prefix_op_expr", expr: this.negation() };
    }
    if (this.word() === "exists") {
      this.i++;
      return { type: "prefix_op_expr", expr: this.subquery() };
    }
    return this.predicate();
  }

  /** One comparison or SQL predicate at most: chains go to the full parser. */
  protected predicate(): CstNode {
    const left = this.arithmetic();
    const op = this.operator();
    if (op !== undefined && COMPARISON.has(op)) {
      this.i += op.length === 2 ? 2 : 1;
      return { type: "binary_expr", left, right: this.arithmetic() };
    }
    let word = this.word();
    if (word === "isnull" || word === "notnull") {
      this.i++;
      return { type: "postfix_op_expr", expr: left };
    }
    if (word === "is") {
      this.i++;
      if (this.word() === "not") this.i++;
      if (this.word() === "distinct") {
        this.i++;
        this.expectWord("from");
      }
      return { type: "binary_expr", left, right: this.arithmetic() };
    }
    if (word === "not") {
      const after = this.at(this.i + 1);
      if (after !== undefined && after.kind === "word" && after.value === "null") {
        this.i += 2;
        return { type: "postfix_op_expr", expr: left };
      }
      this.i++;
      word = this.word();
      if (word !== "in" && word !== "like" && word !== "glob" && word !== "between") throw NOT_CERTAIN;
    }
    if (word === "in") {
      this.i++;
      if (!this.isPunct("(")) return { type: "binary_expr", operator: IN_KEYWORD, left, right: this.dottedName() };
      if (this.at(this.i + 1)?.value === "select" || this.at(this.i + 1)?.value === "with") {
        return { type: "binary_expr", operator: IN_KEYWORD, left, right: this.subquery() };
      }
      this.i++;
      const list = this.expressionList();
      this.expectPunct(")");
      return { type: "binary_expr", operator: IN_KEYWORD, left, right: { type: "paren_expr", expr: list } };
    }
    if (word === "like" || word === "glob") {
      this.i++;
      const right = this.arithmetic();
      if (this.word() === "escape") throw NOT_CERTAIN;
      return { type: "binary_expr", left, right };
    }
    if (word === "between") {
      this.i++;
      const begin = this.arithmetic();
      this.expectWord("and");
      return { type: "between_expr", left, begin, end: this.arithmetic() };
    }
    return left;
  }

  protected arithmetic(): CstNode {
    let left = this.unary();
    for (let op = this.operator(); op !== undefined && ARITHMETIC.has(op); op = this.operator()) {
      this.i += op.length >= 2 ? (op === "->>" ? 3 : 2) : 1;
      left = { type: "binary_expr", left, right: this.unary() };
    }
    return left;
  }

  protected unary(): CstNode {
    const op = this.operator();
    if (op === "-" || op === "+" || op === "~") {
      this.i++;
      return { type: "prefix_op_expr", expr: this.unary() };
    }
    const primary = this.primary();
    if (this.word() !== "collate") return primary;
    this.i++;
    return { type: "binary_expr", left: primary, right: this.name() };
  }

  protected primary(): CstNode {
    const t = this.current();
    if (t.kind === "punct") {
      if (t.value !== "(") throw NOT_CERTAIN;
      if (this.at(this.i + 1)?.value === "select" || this.at(this.i + 1)?.value === "with") return this.subquery();
      this.i++;
      const expr = this.expression();
      this.expectPunct(")");
      return { type: "paren_expr", expr };
    }
    if (t.kind === "other") return this.literal();
    if (t.kind === "word") {
      switch (t.value) {
        case "null":
        case "true":
        case "false":
          this.i++;
          return LITERAL;
        case "current_date":
        case "current_time":
        case "current_timestamp":
          this.i++;
          if (this.isPunct("(")) throw NOT_CERTAIN;
          return { type: "func_call", name: this.identifier(t) };
        case "case":
          return this.caseExpression();
        case "cast":
          return this.cast();
        case "raise":
          throw NOT_CERTAIN;
      }
      const next = this.at(this.i + 1);
      if (next?.kind === "punct" && next.value === "(" && this.i + 1 < this.end && !RESERVED.has(t.value))
        return this.functionCall();
    }
    // A column is named as a table is: `c` or `t.c` (three parts go to the full parser).
    return this.dottedName();
  }

  protected literal(): CstNode {
    const t = this.current();
    if (this.i >= this.end || t.kind !== "other") throw NOT_CERTAIN;
    const text = this.sql.slice(t.start, t.end);
    this.i++;
    if (text.charCodeAt(0) === 39) {
      if (text.length < 2 || text.charCodeAt(text.length - 1) !== 39) throw NOT_CERTAIN;
      return STRING;
    }
    if (NUMBER.test(text)) return LITERAL;
    if (PARAMETER.test(text)) return PARAM;
    throw NOT_CERTAIN;
  }

  protected functionCall(): CstNode {
    const name = this.identifier(this.tokens[this.i]);
    this.i += 2;
    let args: CstNode = { type: "list_expr", items: [] };
    if (this.isOperator("*")) {
      this.i++;
      args = { type: "list_expr", items: [ALL_COLUMNS] };
    } else if (!this.isPunct(")")) {
      if (this.word() === "distinct") this.i++;
      args = this.expressionList();
    }
    this.expectPunct(")");
    const call: CstNode = { type: "func_call", name, args: { type: "paren_expr", expr: args } };
    if (this.word() === "filter") {
      this.i++;
      this.expectPunct("(");
      call.filter = { type: "filter_arg", expr: this.whereClause() };
      this.expectPunct(")");
    }
    if (this.word() === "over") {
      this.i++;
      call.over = { type: "over_arg", window: this.windowDefinition() };
    }
    return call;
  }

  protected windowDefinition(): CstNode {
    this.expectPunct("(");
    const definition: CstNode = { type: "window_definition" };
    if (this.word() === "partition") {
      this.i++;
      this.expectWord("by");
      definition.partitionBy = this.expressionList();
    }
    if (this.word() === "order") definition.orderBy = this.orderBy();
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
    this.expectPunct(")");
    return { type: "paren_expr", expr: definition };
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
      const t = this.current();
      if (this.i >= this.end || t.kind !== "other" || !NUMBER.test(this.sql.slice(t.start, t.end))) throw NOT_CERTAIN;
      this.i++;
      const side = this.word();
      if (side !== "preceding" && side !== "following") throw NOT_CERTAIN;
      this.i++;
      return `n ${side}`;
    }
  }

  protected caseExpression(): CstNode {
    this.expectWord("case");
    const parts: CstNode[] = [];
    if (this.word() !== "when") parts.push(this.expression());
    if (this.word() !== "when") throw NOT_CERTAIN;
    while (this.word() === "when") {
      this.i++;
      const condition = this.expression();
      this.expectWord("then");
      parts.push({ type: "case_when", condition, result: this.expression() });
    }
    if (this.word() === "else") {
      this.i++;
      parts.push({ type: "case_else", result: this.expression() });
    }
    this.expectWord("end");
    return { type: "case_expr", clauses: parts };
  }

  protected cast(): CstNode {
    this.expectWord("cast");
    this.expectPunct("(");
    const expr = this.expression();
    this.expectWord("as");
    this.dataType();
    this.expectPunct(")");
    return { type: "cast_expr", args: { type: "paren_expr", expr: { type: "cast_arg", expr } } };
  }

  protected dataType(): void {
    if (!TYPE_NAMES.has(this.word() ?? "")) throw NOT_CERTAIN;
    this.i++;
    if (!this.acceptPunct("(")) return;
    do {
      const t = this.current();
      if (this.i >= this.end || t.kind !== "other" || !/^\d+$/.test(this.sql.slice(t.start, t.end))) throw NOT_CERTAIN;
      this.i++;
    } while (this.acceptPunct(","));
    this.expectPunct(")");
  }

  protected subquery(): CstNode {
    this.expectPunct("(");
    const select = this.select();
    this.expectPunct(")");
    return { type: "paren_expr", expr: select };
  }
}
