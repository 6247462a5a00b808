/**
 * Finds table reads and writes in a sql-parser-cst tree. The walk is generic (every node
 * with a `type` is visited) so subqueries hidden in any clause of any statement kind are
 * found; only the places where a name denotes a table get special handling.
 *
 * It uses an explicit stack rather than recursion: long AND/OR chains produce left-deep
 * trees thousands of levels deep, which would overflow the call stack.
 */

import type { TableSink } from "./tableMention";

/** Loose view of a CST node: we only rely on `type`, `range` and field names documented by sql-parser-cst. */
export interface CstNode {
  type: string;
  range?: [number, number];
  [field: string]: unknown;
}

const GENERIC = 0;
const TABLE = 1;
const POP_SCOPE = 2;
type Task = { mode: typeof GENERIC | typeof TABLE; node: CstNode } | { mode: typeof POP_SCOPE };

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

const SKIPPED_FIELDS = new Set(["type", "range", "leading", "trailing"]);

export function isCstNode(value: unknown): value is CstNode {
  return typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string";
}

/** Reports every table the program reads or writes; reads of CTE names in scope are left out. */
export function collectCstTables(program: CstNode, sink: TableSink): void {
  new CstTableWalker(sink).run(program);
}

class CstTableWalker {
  private readonly stack: Task[] = [];
  /** CTE names (lower-case) visible at the current point, one set per enclosing WITH. */
  private readonly scopes: Set<string>[] = [];

  constructor(private readonly sink: TableSink) {}

  run(root: CstNode): void {
    this.stack.push({ mode: GENERIC, node: root });
    for (let task = this.stack.pop(); task !== undefined; task = this.stack.pop()) {
      if (task.mode === POP_SCOPE) this.scopes.pop();
      else if (task.mode === TABLE) this.visitTablePosition(task.node);
      else this.visit(task.node);
    }
  }

  private visit(node: CstNode): void {
    switch (node.type) {
      case "from_clause":
        this.pushTable(node.expr);
        return;
      case "insert_clause":
        this.write(node.table);
        return;
      case "update_clause":
      case "delete_clause":
      case "drop_table_stmt":
        this.writeList(node.tables);
        return;
      case "drop_view_stmt":
        this.writeList(node.views);
        return;
      case "create_table_stmt":
      case "create_view_stmt":
        this.write(node.name);
        this.pushChildren(node, "name");
        return;
      case "alter_table_stmt":
        this.write(node.table);
        this.visitAlterActions(node.actions);
        return;
      case "create_table_like_clause":
        this.read(node.name);
        return;
      case "binary_expr":
        // SQLite accepts `x IN some_table` as shorthand for `x IN (SELECT * FROM some_table)`.
        if (isInOperator(node.operator) && isEntity(node.right)) {
          this.pushTable(node.right);
          this.pushGeneric(node.left);
          return;
        }
        break;
      case "compound_select_stmt":
        // The parser hangs `WITH` on the leftmost SELECT, yet its names cover every arm of the UNION.
        this.enterScope(withClauseOf(leftmostSelect(node)));
        break;
      default:
        this.enterScope(withClauseOf(node));
    }
    this.pushChildren(node);
  }

  private visitTablePosition(node: CstNode): void {
    switch (node.type) {
      case "identifier":
      case "member_expr":
        this.read(node);
        return;
      case "alias":
        // The alias itself is a new name, not a table: only the aliased expression matters.
        this.pushTable(node.expr);
        return;
      case "join_expr":
        this.pushTable(node.left);
        this.pushTable(node.right);
        this.pushGeneric(node.specification);
        return;
      case "paren_expr":
        this.pushTable(node.expr);
        return;
      case "func_call":
        // Table-valued functions (json_each, generate_series…) are not tables, but their arguments may hold subqueries.
        this.pushGeneric(node.args);
        return;
      default:
        if (TABLE_WRAPPERS.has(node.type)) this.pushTable(node.table);
        else this.visit(node);
    }
  }

  private visitAlterActions(actions: unknown): void {
    for (const action of listItems(actions)) {
      // RENAME TO produces a table under the new name, so it is a write of that name too.
      if (action.type === "alter_action_rename") this.write(action.newName);
      else this.pushGeneric(action);
    }
  }

  private enterScope(withClause: CstNode | undefined): void {
    if (withClause === undefined) return;
    const names = new Set<string>();
    for (const cte of listItems(withClause.tables)) {
      const table = cte.table;
      if (isCstNode(table) && table.type === "identifier") names.add(String(table.name).toLowerCase());
    }
    this.scopes.push(names);
    // Pushed before the children, so it runs after the whole statement has been walked.
    this.stack.push({ mode: POP_SCOPE });
  }

  private isCteName(name: string): boolean {
    for (let i = this.scopes.length - 1; i >= 0; i--) if (this.scopes[i].has(name)) return true;
    return false;
  }

  private read(node: unknown): void {
    if (!isCstNode(node)) return;
    const parts = entityParts(node);
    if (parts === undefined || node.range === undefined) {
      this.pushGeneric(node);
      return;
    }
    // A CTE only shadows unqualified names: `main.orders` always means the real table.
    if (parts.length === 1 && this.isCteName(parts[0].toLowerCase())) return;
    this.sink("read", parts, node.range[0], node.range[1]);
  }

  private write(node: unknown): void {
    let target = node;
    while (isCstNode(target) && (target.type === "alias" || TABLE_WRAPPERS.has(target.type))) {
      target = target.type === "alias" ? target.expr : target.table;
    }
    if (!isCstNode(target)) return;
    const parts = entityParts(target);
    if (parts === undefined || target.range === undefined) this.pushGeneric(target);
    else this.sink("write", parts, target.range[0], target.range[1]);
  }

  private writeList(list: unknown): void {
    for (const item of listItems(list)) this.write(item);
  }

  private pushTable(node: unknown): void {
    if (isCstNode(node)) this.stack.push({ mode: TABLE, node });
  }

  private pushGeneric(node: unknown): void {
    if (isCstNode(node) && !LEAVES.has(node.type)) this.stack.push({ mode: GENERIC, node });
  }

  private pushChildren(node: CstNode, except?: string): void {
    for (const field in node) {
      if (SKIPPED_FIELDS.has(field) || field === except) continue;
      this.pushValue(node[field]);
    }
  }

  private pushValue(value: unknown): void {
    if (Array.isArray(value)) {
      for (const item of value) this.pushValue(item);
    } else {
      this.pushGeneric(value);
    }
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
