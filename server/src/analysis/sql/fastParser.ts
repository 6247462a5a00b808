/**
 * A narrow, strict parser for the statement shapes analytic code is made of, over the tokens
 * sqlTokens.ts already produced. It builds a tree in sql-parser-cst's shape (the node types and
 * fields that cstTables.ts and cstColumns.ts read), so the same walkers give the same answers;
 * it does not model what the walkers never look at (keywords, whitespace, most ranges).
 *
 * It accepts only what it is sure sql-parser-cst accepts too: anything it does not model (an
 * unknown keyword, a reserved word as a name, dialect syntax, unbalanced parentheses) throws
 * NOT_CERTAIN and the statement goes to the full parser. test/unit/sql-fast-path.test.ts holds
 * it to the CST path, statement by statement, on several corpora and a fuzzer.
 */

import type { CstNode } from "./cstTables";
import type { SqlToken } from "./sqlTokens";

/** Thrown (never escapes this module's callers) when a statement is outside the modelled grammar. */
export const NOT_CERTAIN: unique symbol = Symbol("not certain");

/** Reserved somewhere in sql-parser-cst's SQLite dialect: never accepted as a name. */
const RESERVED = new Set(
  (
    "add all alter and as autoincrement between case cast check collate commit constraint create cross default " +
    "deferrable delete distinct drop else escape except exists foreign from full glob group groups having in index " +
    "indexed inner insert intersect into is isnull join left like limit match natural not nothing notnull null on or " +
    "order outer primary raise references regexp returning right select set table then to transaction union unique " +
    "update using values when where window"
  ).split(" "),
);

/** Keywords sql-parser-cst lets stand as names, but only where no clause could start: never an implicit alias. */
const SOFT_KEYWORDS = new Set(
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

/** Type names sql-parser-cst reads as a keyword (so a cast's type never looks like a column). */
const TYPE_NAMES = new Set(
  "integer int bigint smallint tinyint text real numeric blob float double decimal varchar char date datetime boolean".split(
    " ",
  ),
);

const COMPARISON = new Set(["=", "==", "!=", "<>", "<", "<=", ">", ">="]);
const ARITHMETIC = new Set(["+", "-", "*", "/", "%", "||", "&", "|", "<<", ">>", "->", "->>"]);
const TWO_CHAR = new Set(["==", "!=", "<>", "<=", ">=", "||", "<<", ">>", "->"]);
const PLAIN_NAME = /^[a-z_][a-z0-9_]*$/;
// No bare trailing dot: sql-parser-cst rejects `1.` before `,` `)` `+` and the end (found by the fuzzer).
const NUMBER = /^(?:\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|0[xX][0-9a-fA-F]+)$/;
const PARAMETER = /^(?:\?\d*|[:@$][A-Za-z_][A-Za-z0-9_$]*|\$\d+)$/;
const FRAME_KINDS = new Set(["rows", "range", "groups"]);
const OR_ACTIONS = new Set(["replace", "ignore", "abort", "fail", "rollback"]);

const LITERAL: CstNode = { type: "number_literal" };
const STRING: CstNode = { type: "string_literal" };
const PARAM: CstNode = { type: "parameter" };
const ALL_COLUMNS: CstNode = { type: "all_columns" };
const IN_KEYWORD: CstNode = { type: "keyword", name: "IN" };

/** Parses tokens [first, end) of `sql` as one statement; ranges are relative to `base`. Throws NOT_CERTAIN. */
export function parseFastStatement(
  sql: string,
  tokens: readonly SqlToken[],
  first: number,
  end: number,
  base: number,
): CstNode {
  return new FastParser(sql, tokens, first, end, base).statement();
}

class FastParser {
  private i: number;

  constructor(
    private readonly sql: string,
    private readonly tokens: readonly SqlToken[],
    first: number,
    private readonly end: number,
    private readonly base: number,
  ) {
    this.i = first;
  }

  statement(): CstNode {
    const node = this.statementBody();
    if (this.i !== this.end) throw NOT_CERTAIN;
    return node;
  }

  private statementBody(): CstNode {
    switch (this.word()) {
      case "select":
        return this.select();
      case "with": {
        const withClause = this.withClause();
        const next = this.word();
        if (next === "select") return this.select(withClause);
        if (next === "insert" || next === "replace") return this.insert(withClause);
        if (next === "update") return this.update(withClause);
        if (next === "delete") return this.delete(withClause);
        throw NOT_CERTAIN;
      }
      case "create":
        return this.create();
      case "insert":
      case "replace":
        return this.insert(undefined);
      case "update":
        return this.update(undefined);
      case "delete":
        return this.delete(undefined);
      case "drop":
        return this.drop();
      default:
        throw NOT_CERTAIN;
    }
  }

  // --- statements ---

  private create(): CstNode {
    this.expectWord("create");
    if (this.word() === "temp" || this.word() === "temporary") this.i++;
    const kind = this.word();
    if (kind !== "table" && kind !== "view") throw NOT_CERTAIN;
    this.i++;
    this.ifExists(true);
    const name = this.tableName();
    if (kind === "view") {
      const columns = this.isPunct("(") ? this.nameList(true) : undefined;
      this.expectWord("as");
      return { type: "create_view_stmt", name, columns, clauses: [{ type: "as_clause", expr: this.select() }] };
    }
    if (this.word() === "as") {
      this.i++;
      return { type: "create_table_stmt", name, clauses: [{ type: "as_clause", expr: this.select() }] };
    }
    return { type: "create_table_stmt", name, columns: this.columnDefinitions(), clauses: [] };
  }

  private columnDefinitions(): CstNode {
    this.expectPunct("(");
    const items: CstNode[] = [];
    do {
      const name = this.name();
      if (this.word() !== undefined && TYPE_NAMES.has(this.word() as string)) this.dataType();
      this.columnConstraints();
      items.push({ type: "column_definition", name });
    } while (this.acceptPunct(","));
    this.expectPunct(")");
    return { type: "paren_expr", expr: { type: "list_expr", items } };
  }

  private columnConstraints(): void {
    for (;;) {
      const word = this.word();
      if (word === "primary") {
        this.i++;
        this.expectWord("key");
        if (this.word() === "asc" || this.word() === "desc") this.i++;
        if (this.word() === "autoincrement") this.i++;
      } else if (word === "not") {
        this.i++;
        this.expectWord("null");
      } else if (word === "unique") {
        this.i++;
      } else if (word === "default") {
        this.i++;
        if (this.isOperator("-")) this.i++;
        this.literal();
      } else {
        return;
      }
    }
  }

  private insert(withClause: CstNode | undefined): CstNode {
    if (this.word() === "replace") {
      this.i++;
    } else {
      this.expectWord("insert");
      if (this.word() === "or") {
        this.i++;
        if (!OR_ACTIONS.has(this.word() ?? "")) throw NOT_CERTAIN;
        this.i++;
      }
    }
    this.expectWord("into");
    const table = this.tableName();
    const columns = this.isPunct("(") ? this.nameList(false) : undefined;
    const clauses: CstNode[] = withClause ? [withClause] : [];
    clauses.push({ type: "insert_clause", table, columns });
    const next = this.word();
    if (next === "select" || next === "with")
      clauses.push(this.select(next === "with" ? this.withClause() : undefined));
    else if (next === "values") clauses.push(this.values());
    else throw NOT_CERTAIN;
    return { type: "insert_stmt", clauses };
  }

  private values(): CstNode {
    this.expectWord("values");
    const items: CstNode[] = [];
    do {
      this.expectPunct("(");
      items.push({ type: "paren_expr", expr: this.expressionList() });
      this.expectPunct(")");
    } while (this.acceptPunct(","));
    return { type: "values_clause", values: { type: "list_expr", items } };
  }

  private update(withClause: CstNode | undefined): CstNode {
    this.expectWord("update");
    if (this.word() === "or") {
      this.i++;
      if (!OR_ACTIONS.has(this.word() ?? "")) throw NOT_CERTAIN;
      this.i++;
    }
    const clauses: CstNode[] = withClause ? [withClause] : [];
    clauses.push({ type: "update_clause", tables: { type: "list_expr", items: [this.tableName()] } });
    this.expectWord("set");
    const items: CstNode[] = [];
    do {
      const column = this.name();
      this.expectOperator("=");
      items.push({ type: "column_assignment", column, expr: this.expression() });
    } while (this.acceptPunct(","));
    clauses.push({ type: "set_clause", assignments: { type: "list_expr", items } });
    if (this.word() === "from") clauses.push(this.fromClause());
    if (this.word() === "where") clauses.push(this.whereClause());
    return { type: "update_stmt", clauses };
  }

  private delete(withClause: CstNode | undefined): CstNode {
    this.expectWord("delete");
    this.expectWord("from");
    const clauses: CstNode[] = withClause ? [withClause] : [];
    clauses.push({ type: "delete_clause", tables: { type: "list_expr", items: [this.tableName()] } });
    if (this.word() === "where") clauses.push(this.whereClause());
    return { type: "delete_stmt", clauses };
  }

  private drop(): CstNode {
    this.expectWord("drop");
    const kind = this.word();
    if (kind !== "table" && kind !== "view") throw NOT_CERTAIN;
    this.i++;
    this.ifExists(false);
    const list: CstNode = { type: "list_expr", items: [this.tableName()] };
    return kind === "table" ? { type: "drop_table_stmt", tables: list } : { type: "drop_view_stmt", views: list };
  }

  private ifExists(not: boolean): void {
    if (this.word() !== "if") return;
    this.i++;
    if (not) this.expectWord("not");
    this.expectWord("exists");
  }

  // --- queries ---

  private withClause(): CstNode {
    this.expectWord("with");
    if (this.word() === "recursive") this.i++;
    const items: CstNode[] = [];
    do {
      const table = this.name();
      const columns = this.isPunct("(") ? this.nameList(false) : undefined;
      this.expectWord("as");
      if (this.word() === "not") this.i++;
      if (this.word() === "materialized") this.i++;
      else if (this.tokens[this.i - 1]?.value === "not") throw NOT_CERTAIN;
      this.expectPunct("(");
      const select = this.select();
      this.expectPunct(")");
      items.push({ type: "common_table_expr", table, columns, expr: { type: "paren_expr", expr: select } });
    } while (this.acceptPunct(","));
    return { type: "with_clause", tables: { type: "list_expr", items } };
  }

  /** A full query: [WITH] core (set-op core)* [ORDER BY] [LIMIT]; WITH sits on the leftmost arm, ORDER BY on the last. */
  private select(given?: CstNode): CstNode {
    const withClause = given ?? (this.word() === "with" ? this.withClause() : undefined);
    const first = this.selectCore(withClause);
    let tree: CstNode = first;
    let last = first;
    for (;;) {
      const word = this.word();
      if (word !== "union" && word !== "intersect" && word !== "except") break;
      this.i++;
      if (word === "union" && this.word() === "all") this.i++;
      last = this.selectCore(undefined);
      tree = { type: "compound_select_stmt", left: tree, right: last };
    }
    const clauses = last.clauses as CstNode[];
    if (this.word() === "order") clauses.push(this.orderBy());
    if (this.word() === "limit") {
      this.i++;
      const count = this.expression();
      let offset: CstNode | undefined;
      if (this.word() === "offset" || this.isPunct(",")) {
        this.i++;
        offset = this.expression();
      }
      clauses.push({ type: "limit_clause", count, offset });
    }
    return tree;
  }

  private selectCore(withClause: CstNode | undefined): CstNode {
    this.expectWord("select");
    if (this.word() === "distinct" || this.word() === "all") this.i++;
    const clauses: CstNode[] = withClause ? [withClause] : [];
    const items: CstNode[] = [];
    do items.push(this.selectItem());
    while (this.acceptPunct(","));
    clauses.push({ type: "select_clause", columns: { type: "list_expr", items } });
    if (this.word() === "from") clauses.push(this.fromClause());
    if (this.word() === "where") clauses.push(this.whereClause());
    if (this.word() === "group") {
      this.i++;
      this.expectWord("by");
      clauses.push({ type: "group_by_clause", columns: this.expressionList() });
      if (this.word() === "having") {
        this.i++;
        clauses.push({ type: "having_clause", expr: this.expression() });
      }
    }
    return { type: "select_stmt", clauses };
  }

  private selectItem(): CstNode {
    if (this.isOperator("*")) {
      this.i++;
      return ALL_COLUMNS;
    }
    const t = this.current();
    const dot = this.at(this.i + 1);
    if (
      this.isName(t) &&
      dot?.kind === "punct" &&
      dot.value === "." &&
      this.isOperatorToken(this.at(this.i + 2), "*")
    ) {
      const object = this.identifier(t);
      this.i += 3;
      return { type: "member_expr", object, property: ALL_COLUMNS };
    }
    return this.aliased(this.expression());
  }

  /** `expr [AS] alias`: after AS any name, bare only a word that can never start a clause. */
  private aliased(expr: CstNode): CstNode {
    if (this.word() === "as") {
      this.i++;
      return { type: "alias", expr, alias: this.name() };
    }
    const t = this.at(this.i);
    if (t !== undefined && (t.kind === "quoted" || (this.isName(t) && !SOFT_KEYWORDS.has(t.value)))) {
      this.i++;
      return { type: "alias", expr, alias: this.identifier(t) };
    }
    return expr;
  }

  private fromClause(): CstNode {
    this.expectWord("from");
    let expr = this.tableOrSubquery();
    for (;;) {
      if (this.acceptPunct(",")) {
        expr = { type: "join_expr", left: expr, right: this.tableOrSubquery() };
        continue;
      }
      if (!this.joinOperator()) break;
      const right = this.tableOrSubquery();
      let specification: CstNode | undefined;
      if (this.word() === "on") {
        this.i++;
        specification = { type: "join_on_specification", expr: this.expression() };
      } else if (this.word() === "using") {
        this.i++;
        specification = { type: "join_using_specification", expr: this.nameList(false) };
      }
      expr = { type: "join_expr", left: expr, right, specification };
    }
    return { type: "from_clause", expr };
  }

  /** Consumes [NATURAL] [LEFT|RIGHT|FULL [OUTER] | INNER | CROSS] JOIN; false when none is there. */
  private joinOperator(): boolean {
    const start = this.i;
    if (this.word() === "natural") this.i++;
    const word = this.word();
    if (word === "left" || word === "right" || word === "full") {
      this.i++;
      if (this.word() === "outer") this.i++;
    } else if (word === "inner" || word === "cross") {
      this.i++;
    }
    if (this.word() === "join") {
      this.i++;
      return true;
    }
    if (this.i !== start) throw NOT_CERTAIN;
    return false;
  }

  private tableOrSubquery(): CstNode {
    if (this.isPunct("(")) {
      this.i++;
      if (this.word() !== "select" && this.word() !== "with") throw NOT_CERTAIN;
      const select = this.select();
      this.expectPunct(")");
      return this.aliased({ type: "paren_expr", expr: select });
    }
    const t = this.current();
    const next = this.at(this.i + 1);
    if (this.isName(t) && next?.kind === "punct" && next.value === "(") {
      const name = this.identifier(t);
      this.i += 2;
      const args = this.isPunct(")") ? { type: "list_expr", items: [] } : this.expressionList();
      this.expectPunct(")");
      return this.aliased({ type: "func_call", name, args: { type: "paren_expr", expr: args } });
    }
    return this.aliased(this.tableName());
  }

  private whereClause(): CstNode {
    this.expectWord("where");
    return { type: "where_clause", expr: this.expression() };
  }

  private orderBy(): CstNode {
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

  // --- expressions ---

  private expressionList(): CstNode {
    const items: CstNode[] = [];
    do items.push(this.expression());
    while (this.acceptPunct(","));
    return { type: "list_expr", items };
  }

  private expression(): CstNode {
    let left = this.conjunction();
    while (this.word() === "or") {
      this.i++;
      left = { type: "binary_expr", left, right: this.conjunction() };
    }
    return left;
  }

  private conjunction(): CstNode {
    let left = this.negation();
    while (this.word() === "and") {
      this.i++;
      left = { type: "binary_expr", left, right: this.negation() };
    }
    return left;
  }

  private negation(): CstNode {
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
  private predicate(): CstNode {
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
      if (!this.isPunct("(")) return { type: "binary_expr", operator: IN_KEYWORD, left, right: this.tableName() };
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

  private arithmetic(): CstNode {
    let left = this.unary();
    for (let op = this.operator(); op !== undefined && ARITHMETIC.has(op); op = this.operator()) {
      this.i += op.length >= 2 ? (op === "->>" ? 3 : 2) : 1;
      left = { type: "binary_expr", left, right: this.unary() };
    }
    return left;
  }

  private unary(): CstNode {
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

  private primary(): CstNode {
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
    return this.columnName();
  }

  private columnName(): CstNode {
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

  private literal(): CstNode {
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

  private functionCall(): CstNode {
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

  private windowDefinition(): CstNode {
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
  private frameBound(): string {
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

  private caseExpression(): CstNode {
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

  private cast(): CstNode {
    this.expectWord("cast");
    this.expectPunct("(");
    const expr = this.expression();
    this.expectWord("as");
    this.dataType();
    this.expectPunct(")");
    return { type: "cast_expr", args: { type: "paren_expr", expr: { type: "cast_arg", expr } } };
  }

  private dataType(): void {
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

  private subquery(): CstNode {
    this.expectPunct("(");
    const select = this.select();
    this.expectPunct(")");
    return { type: "paren_expr", expr: select };
  }

  // --- names ---

  private tableName(): CstNode {
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
  private nameList(asDefinitions: boolean): CstNode {
    this.expectPunct("(");
    const items: CstNode[] = [];
    do {
      const name = this.name();
      items.push(asDefinitions ? { type: "column_definition", name } : name);
    } while (this.acceptPunct(","));
    this.expectPunct(")");
    return { type: "paren_expr", expr: { type: "list_expr", items } };
  }

  private name(): CstNode {
    const t = this.current();
    if (!this.isName(t)) throw NOT_CERTAIN;
    this.i++;
    return this.identifier(t);
  }

  private isName(t: SqlToken | undefined): t is SqlToken {
    if (t === undefined) return false;
    if (t.kind === "quoted") return true;
    // sql-parser-cst reads "$" as a parameter sigil, and not every non-ASCII letter as part of a name.
    return t.kind === "word" && PLAIN_NAME.test(t.value) && !RESERVED.has(t.value) && !VALUE_WORDS.has(t.value);
  }

  private identifier(t: SqlToken): CstNode {
    const text = this.sql.slice(t.start, t.end);
    return {
      type: "identifier",
      name: t.kind === "quoted" ? t.value : text,
      text,
      range: [t.start - this.base, t.end - this.base],
    };
  }

  // --- tokens ---

  /** The token here; past the statement's end there is nothing this parser can be sure of. */
  private current(): SqlToken {
    if (this.i >= this.end) throw NOT_CERTAIN;
    return this.tokens[this.i];
  }

  /** The token at `k`, or undefined past the statement's end. */
  private at(k: number): SqlToken | undefined {
    return k < this.end ? this.tokens[k] : undefined;
  }

  private word(): string | undefined {
    if (this.i >= this.end) return undefined;
    const t = this.tokens[this.i];
    return t.kind === "word" ? t.value : undefined;
  }

  private isPunct(value: string): boolean {
    if (this.i >= this.end) return false;
    const t = this.tokens[this.i];
    return t.kind === "punct" && t.value === value;
  }

  private acceptPunct(value: string): boolean {
    if (!this.isPunct(value)) return false;
    this.i++;
    return true;
  }

  private expectPunct(value: string): void {
    if (!this.acceptPunct(value)) throw NOT_CERTAIN;
  }

  private expectWord(value: string): void {
    if (this.word() !== value) throw NOT_CERTAIN;
    this.i++;
  }

  /** The operator starting here, joining adjacent one-character tokens ("<" "=" → "<="). */
  private operator(): string | undefined {
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

  private isOperator(op: string): boolean {
    return this.operator() === op;
  }

  private isOperatorToken(t: SqlToken | undefined, op: string): boolean {
    return (
      t !== undefined && t.kind === "other" && t.end - t.start === op.length && this.sql.slice(t.start, t.end) === op
    );
  }

  private expectOperator(op: string): void {
    if (this.operator() !== op) throw NOT_CERTAIN;
    this.i++;
  }
}
