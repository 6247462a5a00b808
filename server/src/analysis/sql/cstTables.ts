/**
 * Finds table reads and writes in a sql-parser-cst tree. The walk is generic (every node
 * with a `type` is visited) so subqueries hidden in any clause of any statement kind are
 * found; only the places where a name denotes a table get special handling.
 *
 * The walk itself is cstWalk.ts's (an explicit stack: AND/OR chains nest thousands deep).
 */

import { childrenOf, forEachCstNode, isCstNode, NOTHING, type CstNext, type CstNode, type CstStep } from "./cstWalk";
import type { TableSink } from "./tableMention";

/** Leaves that can never contain a table: skipping them keeps the walk cheap. */
const LEAVES = new Set([
  "keyword",
  "identifier",
  "number_literal",
  "string_literal",
  "blob_literal",
  "all_columns",
  "parameter",
  "empty",
  "null_literal",
  "boolean_literal",
]);

/** Wrappers around a table name in FROM/UPDATE/DELETE positions whose `table` field holds the name. */
const TABLE_WRAPPERS = new Set([
  "indexed_table",
  "not_indexed_table",
  "partitioned_table",
  "table_with_inheritance",
  "table_without_inheritance",
]);

/** Reports every table the program reads or writes; reads of CTE names in scope are left out. */
export function collectCstTables(program: CstNode, sink: TableSink): void {
  new CstTableWalker(sink).run(program);
}

class CstTableWalker {
  /** CTE names (lower-case) visible at the current point, one set per enclosing WITH. */
  private readonly scopes: Set<string>[] = [];
  /** Runs after a WITH's statement has been walked: its names go out of scope. */
  private readonly leaveScope: CstStep = () => {
    this.scopes.pop();
  };

  constructor(private readonly sink: TableSink) {}

  run(root: CstNode): void {
    forEachCstNode(root, (node) => this.visit(node));
  }

  private visit(node: CstNode): CstNext {
    if (LEAVES.has(node.type)) return NOTHING;
    switch (node.type) {
      case "from_clause":
        return [this.inTablePosition(node.expr)];
      case "insert_clause":
        return this.write(node.table);
      case "update_clause":
      case "delete_clause":
      case "drop_table_stmt":
        return listItems(node.tables).flatMap((item) => this.write(item));
      case "drop_view_stmt":
        return listItems(node.views).flatMap((item) => this.write(item));
      case "create_table_stmt":
      case "create_view_stmt":
        return [...this.write(node.name), ...childrenOf(node, "name")];
      case "alter_table_stmt":
        return [...this.write(node.table), ...this.alterActions(node.actions)];
      case "create_table_like_clause":
        return this.read(node.name);
      case "binary_expr":
        // SQLite accepts `x IN some_table` as shorthand for `x IN (SELECT * FROM some_table)`.
        if (isInOperator(node.operator) && isEntity(node.right)) return [this.inTablePosition(node.right), node.left];
        return undefined;
      case "compound_select_stmt":
        // The parser hangs `WITH` on the leftmost SELECT, yet its names cover every arm of the UNION.
        return this.scoped(node, withClauseOf(leftmostSelect(node)));
      default:
        return this.scoped(node, withClauseOf(node));
    }
  }

  /** A step that reads `node` as a name in a table position (FROM, JOIN, IN table). */
  private inTablePosition(node: unknown): CstStep | undefined {
    return isCstNode(node) ? () => this.visitTablePosition(node) : undefined;
  }

  private visitTablePosition(node: CstNode): readonly unknown[] {
    switch (node.type) {
      case "identifier":
      case "member_expr":
        return this.read(node);
      case "alias":
        // The alias itself is a new name, not a table: only the aliased expression matters.
        return [this.inTablePosition(node.expr)];
      case "join_expr":
        return [this.inTablePosition(node.left), this.inTablePosition(node.right), node.specification];
      case "paren_expr":
        return [this.inTablePosition(node.expr)];
      case "func_call":
        // Table-valued functions (json_each, generate_series…) are not tables, but their arguments may hold subqueries.
        return [node.args];
      default:
        if (TABLE_WRAPPERS.has(node.type)) return [this.inTablePosition(node.table)];
        return this.visit(node) ?? childrenOf(node);
    }
  }

  private alterActions(actions: unknown): unknown[] {
    // RENAME TO produces a table under the new name, so it is a write of that name too.
    return listItems(actions).flatMap((action) =>
      action.type === "alter_action_rename" ? this.write(action.newName) : [action],
    );
  }

  /** The node's children, inside the scope of its WITH's names when it has one. */
  private scoped(node: CstNode, withClause: CstNode | undefined): CstNext {
    if (withClause === undefined) return undefined;
    const names = new Set<string>();
    for (const cte of listItems(withClause.tables)) {
      const table = cte.table;
      if (isCstNode(table) && table.type === "identifier") names.add(String(table.name).toLowerCase());
    }
    this.scopes.push(names);
    return [...childrenOf(node), this.leaveScope];
  }

  private isCteName(name: string): boolean {
    for (let i = this.scopes.length - 1; i >= 0; i--) if (this.scopes[i].has(name)) return true;
    return false;
  }

  /** Reports a read of the name `node`; what to walk instead when it is not a plain name. */
  private read(node: unknown): readonly unknown[] {
    if (!isCstNode(node)) return NOTHING;
    const parts = entityParts(node);
    if (parts === undefined || node.range === undefined) return [node];
    // A CTE only shadows unqualified names: `main.orders` always means the real table.
    if (parts.length === 1 && this.isCteName(parts[0].toLowerCase())) return NOTHING;
    this.sink("read", parts, node.range[0], node.range[1]);
    return NOTHING;
  }

  /** Reports a write of the name `node` (through aliases and INDEXED BY); what to walk instead when it is not a name. */
  private write(node: unknown): readonly unknown[] {
    let target = node;
    while (isCstNode(target) && (target.type === "alias" || TABLE_WRAPPERS.has(target.type))) {
      target = target.type === "alias" ? target.expr : target.table;
    }
    if (!isCstNode(target)) return NOTHING;
    const parts = entityParts(target);
    if (parts === undefined || target.range === undefined) return [target];
    this.sink("write", parts, target.range[0], target.range[1]);
    return NOTHING;
  }
}

/** Name parts of `t`, `s.t` (quotes already removed by the parser), or undefined when it is not a plain name. */
function entityParts(node: CstNode): string[] | undefined {
  if (node.type === "identifier") return typeof node.name === "string" ? [node.name] : undefined;
  if (node.type !== "member_expr" || !isCstNode(node.object) || !isCstNode(node.property)) return undefined;
  if (node.property.type !== "identifier" || typeof node.property.name !== "string") return undefined;
  const head = entityParts(node.object);
  return head === undefined ? undefined : [...head, node.property.name];
}

function isEntity(node: unknown): boolean {
  return (
    isCstNode(node) && (node.type === "identifier" || node.type === "member_expr") && entityParts(node) !== undefined
  );
}

function isInOperator(operator: unknown): boolean {
  const last = Array.isArray(operator) ? operator[operator.length - 1] : operator;
  return isCstNode(last) && last.type === "keyword" && last.name === "IN";
}

function listItems(list: unknown): CstNode[] {
  if (!isCstNode(list)) return [];
  if (list.type !== "list_expr") return [list];
  return Array.isArray(list.items) ? list.items.filter(isCstNode) : [];
}

function withClauseOf(node: CstNode | undefined): CstNode | undefined {
  if (node === undefined || !Array.isArray(node.clauses)) return undefined;
  for (const clause of node.clauses) if (isCstNode(clause) && clause.type === "with_clause") return clause;
  return undefined;
}

function leftmostSelect(node: CstNode): CstNode | undefined {
  let current: unknown = node;
  while (isCstNode(current) && current.type === "compound_select_stmt") current = current.left;
  return isCstNode(current) ? current : undefined;
}
