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
 *
 * The parser is three layers: the token cursor (fastCursor.ts), expressions
 * (fastExpressions.ts), and statements and queries here.
 */

import type { CstNode } from "./cstWalk";
import { NOT_CERTAIN, SOFT_KEYWORDS } from "./fastCursor";
import { ALL_COLUMNS, FastExpressionParser, TYPE_NAMES } from "./fastExpressions";
import type { SqlToken } from "./sqlTokens";

export { NOT_CERTAIN } from "./fastCursor";

const OR_ACTIONS = new Set(["replace", "ignore", "abort", "fail", "rollback"]);

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

class FastParser extends FastExpressionParser {
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
    const name = this.dottedName();
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
    const table = this.dottedName();
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
    clauses.push({ type: "update_clause", tables: { type: "list_expr", items: [this.dottedName()] } });
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
    clauses.push({ type: "delete_clause", tables: { type: "list_expr", items: [this.dottedName()] } });
    if (this.word() === "where") clauses.push(this.whereClause());
    return { type: "delete_stmt", clauses };
  }

  private drop(): CstNode {
    this.expectWord("drop");
    const kind = this.word();
    if (kind !== "table" && kind !== "view") throw NOT_CERTAIN;
    this.i++;
    this.ifExists(false);
    const list: CstNode = { type: "list_expr", items: [this.dottedName()] };
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
  protected select(given?: CstNode): CstNode {
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
    return this.aliased(this.dottedName());
  }
}
