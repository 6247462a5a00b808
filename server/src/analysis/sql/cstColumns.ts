/**
 * Columns in a sql-parser-cst statement: what a statement defines a table's columns to be,
 * and which columns it references in each table it reads. Scopes follow SQL: a SELECT's
 * FROM sources (with aliases) are visible to its expressions and to correlated subqueries;
 * CTEs and derived tables are sources whose columns are not a table's, so nothing is
 * attributed to them. Expressions are walked by cstWalk.ts (an explicit stack: AND chains are deep).
 */
import { forEachCstNode, isCstNode, NOTHING, type CstNode } from "./cstWalk";
import { normaliseTableName } from "./extractTables";

/** A column a statement lists for the table it defines: a name, or `*` over tables. */
export type RawColumn = { readonly name: string } | { readonly starOf: readonly string[] };

export interface RawColumnReference {
  readonly table: string;
  readonly column: string;
  readonly qualified: boolean;
  readonly certain: boolean;
  readonly start: number;
  readonly end: number;
}

export interface StatementColumns {
  /** Tables whose columns the statement states; `columns` null when they cannot be read. */
  readonly defines: Array<{ readonly table: string; readonly columns: RawColumn[] | null }>;
  readonly references: RawColumnReference[];
}

interface Source {
  /** The name expressions qualify columns with: the alias, or the table's own name. */
  readonly qualifier: string;
  /** The table, when the source is one (not a CTE, subquery or table-valued function). */
  readonly table: string | undefined;
}

interface Scope {
  readonly sources: readonly Source[];
  readonly ctes: ReadonlySet<string>;
  /** Output aliases of the SELECT: SQLite lets WHERE/ORDER BY name them, and they are not columns. */
  readonly aliases: ReadonlySet<string>;
  readonly parent: Scope | undefined;
}

const LITERALS = new Set([
  "keyword",
  "number_literal",
  "string_literal",
  "blob_literal",
  "parameter",
  "null_literal",
  "boolean_literal",
  "all_columns",
]);
const SELECTS = new Set(["select_stmt", "compound_select_stmt"]);

/** The columns one parsed statement defines and references; offsets are the parser's. */
export function collectStatementColumns(statement: CstNode): StatementColumns {
  const found: StatementColumns = { defines: [], references: [] };
  new ColumnWalker(found).statement(statement);
  // The walk uses stacks, so references arrive out of order.
  found.references.sort((a, b) => a.start - b.start);
  return found;
}

class ColumnWalker {
  constructor(private readonly out: StatementColumns) {}

  statement(node: CstNode): void {
    switch (node.type) {
      case "create_table_stmt":
      case "create_view_stmt": {
        const table = tableName(node.name);
        const select = asSelect(node);
        const listed = columnList(node.columns);
        const output = select ? this.select(select, undefined, EMPTY_CTES) : null;
        if (table !== undefined) {
          if (listed) this.out.defines.push({ table, columns: listed.map((name) => ({ name })) });
          else if (select) this.out.defines.push({ table, columns: output });
        }
        return;
      }
      case "insert_stmt": {
        const clauses = Array.isArray(node.clauses) ? node.clauses.filter(isCstNode) : [];
        const insert = clauses.find((clause) => clause.type === "insert_clause");
        const table = insert ? tableName(insert.table) : undefined;
        const listed = insert ? columnList(insert.columns) : undefined;
        if (table !== undefined && listed) this.out.defines.push({ table, columns: listed.map((name) => ({ name })) });
        this.findSelects(node, undefined, EMPTY_CTES);
        return;
      }
      default:
        this.findSelects(node, undefined, EMPTY_CTES);
    }
  }

  /** Walks any node for SELECTs (outside a query's expressions: DDL, UPDATE, DELETE). */
  private findSelects(root: unknown, parent: Scope | undefined, ctes: ReadonlySet<string>): void {
    forEachCstNode(root, (node) => {
      if (LITERALS.has(node.type)) return NOTHING;
      if (!SELECTS.has(node.type)) return undefined;
      this.select(node, parent, ctes);
      return NOTHING;
    });
  }

  /** Walks a query's references; returns its output columns (null when one cannot be named statically). */
  private select(node: CstNode, parent: Scope | undefined, outerCtes: ReadonlySet<string>): RawColumn[] | null {
    if (node.type === "compound_select_stmt") {
      // The parser hangs WITH on the leftmost arm, but its names cover every arm; the columns are the first arm's.
      const ctes = this.withClause(leftmost(node), outerCtes, parent);
      let output: RawColumn[] | null = null;
      [node.left, node.right].forEach((arm, i) => {
        if (!isCstNode(arm)) return;
        const columns = this.select(arm, parent, ctes);
        if (i === 0) output = columns;
      });
      return output;
    }
    if (node.type !== "select_stmt") {
      this.findSelects(node, parent, outerCtes);
      return null;
    }
    const ctes = this.withClause(node, outerCtes, parent);
    const clauses = clausesOf(node);
    const from = clauses.find((clause) => clause.type === "from_clause");
    const sources: Source[] = [];
    const joinConditions: CstNode[] = [];
    if (from) this.collectSources(from.expr, sources, joinConditions, ctes);
    const selectClause = clauses.find((clause) => clause.type === "select_clause");
    const aliases = new Set<string>();
    for (const item of listItems(selectClause?.columns)) {
      if (item.type === "alias" && isCstNode(item.alias) && typeof item.alias.name === "string")
        aliases.add(item.alias.name.toLowerCase());
    }
    const scope: Scope = { sources, ctes, aliases, parent };
    // In the SELECT list itself a name is a source column even when an alias repeats it (`amount / 100 as amount`).
    const listScope: Scope = { sources, ctes, aliases: NO_ALIASES, parent };
    for (const condition of joinConditions) this.expression(condition, scope);
    for (const clause of clauses) {
      if (clause.type === "from_clause" || clause.type === "with_clause") continue;
      this.expression(clause, clause === selectClause ? listScope : scope);
    }
    return outputColumns(listItems(selectClause?.columns), sources);
  }

  /** Registers a WITH clause's names and walks each CTE body as its own query. */
  private withClause(
    node: CstNode | undefined,
    outer: ReadonlySet<string>,
    parent: Scope | undefined,
  ): ReadonlySet<string> {
    const withClause = node === undefined ? undefined : clausesOf(node).find((clause) => clause.type === "with_clause");
    if (!withClause) return outer;
    const ctes = new Set(outer);
    const tables = listItems(withClause.tables);
    for (const cte of tables) {
      if (isCstNode(cte.table) && typeof cte.table.name === "string") ctes.add(cte.table.name.toLowerCase());
    }
    for (const cte of tables) this.findSelects(cte.expr, parent, ctes);
    return ctes;
  }

  private collectSources(node: unknown, sources: Source[], conditions: CstNode[], ctes: ReadonlySet<string>): void {
    if (!isCstNode(node)) return;
    switch (node.type) {
      case "join_expr":
        this.collectSources(node.left, sources, conditions, ctes);
        this.collectSources(node.right, sources, conditions, ctes);
        if (isCstNode(node.specification)) conditions.push(node.specification);
        return;
      case "paren_expr":
        if (isCstNode(node.expr) && SELECTS.has(node.expr.type)) {
          this.select(node.expr, undefined, ctes);
          sources.push({ qualifier: "", table: undefined });
        } else {
          this.collectSources(node.expr, sources, conditions, ctes);
        }
        return;
      case "alias": {
        const alias = isCstNode(node.alias) && typeof node.alias.name === "string" ? node.alias.name.toLowerCase() : "";
        const inner: Source[] = [];
        this.collectSources(node.expr, inner, conditions, ctes);
        sources.push({ qualifier: alias, table: inner.length === 1 ? inner[0]!.table : undefined });
        return;
      }
      case "identifier":
      case "member_expr": {
        const parts = nameParts(node);
        if (!parts) return;
        const table = normaliseTableName(parts);
        const isCte = parts.length === 1 && ctes.has(table);
        sources.push({ qualifier: parts[parts.length - 1]!.toLowerCase(), table: isCte ? undefined : table });
        return;
      }
      case "func_call":
        this.findSelects(node.args, undefined, ctes);
        sources.push({ qualifier: "", table: undefined });
        return;
      default:
        if (isCstNode(node.table)) this.collectSources(node.table, sources, conditions, ctes);
        else sources.push({ qualifier: "", table: undefined });
    }
  }

  /** Column references in an expression (or clause) evaluated in `scope`. */
  private expression(root: CstNode, scope: Scope): void {
    forEachCstNode(root, (node) => {
      if (LITERALS.has(node.type)) return NOTHING;
      switch (node.type) {
        case "select_stmt":
        case "compound_select_stmt":
          this.select(node, scope, scope.ctes);
          return NOTHING;
        case "identifier":
          this.unqualified(node, scope);
          return NOTHING;
        case "member_expr":
          this.qualified(node, scope);
          return NOTHING;
        case "func_call":
          return [node.args, node.filter, node.over];
        case "alias":
          return [node.expr];
        // A cast's type is no column, though PostgreSQL's grammar gives `text` or a domain as an identifier.
        case "cast_arg":
          return [node.expr];
        case "cast_operator_expr":
          return [node.left];
        case "join_using_specification":
          for (const column of listItems(isCstNode(node.expr) ? (node.expr.expr ?? node.expr) : undefined))
            this.unqualified(column, scope);
          return NOTHING;
        default:
          return undefined;
      }
    });
  }

  private unqualified(node: CstNode, scope: Scope): void {
    if (node.type !== "identifier" || typeof node.name !== "string" || node.range === undefined) return;
    const column = node.name.toLowerCase();
    let candidates: readonly Source[] = [];
    let at: Scope | undefined = scope;
    // Elsewhere an output alias may be meant (SQLite tries the columns first): counted, but not certain.
    let alias = false;
    for (; at; at = at.parent) {
      if (at.aliases.has(column)) alias = true;
      if (at.sources.length > 0) {
        candidates = at.sources;
        break;
      }
    }
    // A name missing from the inner table may be an outer query's column (a correlated
    // subquery), and SQLite reads an unknown "double-quoted" name as a string: not certain.
    let outer = false;
    for (let up = at?.parent; up && !outer; up = up.parent) outer = up.sources.length > 0;
    const quoted = typeof node.text === "string" && node.text.startsWith('"');
    const certain = candidates.length === 1 && !outer && !quoted && !alias;
    for (const source of candidates) {
      if (source.table === undefined) continue;
      this.out.references.push({
        table: source.table,
        column,
        qualified: false,
        certain,
        start: node.range[0],
        end: node.range[1],
      });
    }
  }

  private qualified(node: CstNode, scope: Scope): void {
    const property = node.property;
    if (
      !isCstNode(property) ||
      property.type !== "identifier" ||
      typeof property.name !== "string" ||
      property.range === undefined
    )
      return;
    const qualifier = nameParts(node.object);
    if (!qualifier) return;
    const name = qualifier[qualifier.length - 1]!.toLowerCase();
    for (let at: Scope | undefined = scope; at; at = at.parent) {
      const source = at.sources.find((candidate) => candidate.qualifier === name);
      if (!source) continue;
      if (source.table !== undefined) {
        const column = property.name.toLowerCase();
        this.out.references.push({
          table: source.table,
          column,
          qualified: true,
          certain: true,
          start: property.range[0],
          end: property.range[1],
        });
      }
      return;
    }
  }
}

const EMPTY_CTES: ReadonlySet<string> = new Set();
const NO_ALIASES: ReadonlySet<string> = new Set();

/** The columns a SELECT list outputs, or null when one of them cannot be named statically. */
function outputColumns(items: readonly CstNode[], sources: readonly Source[]): RawColumn[] | null {
  const columns: RawColumn[] = [];
  for (const item of items) {
    if (item.type === "alias") {
      if (!isCstNode(item.alias) || typeof item.alias.name !== "string") return null;
      columns.push({ name: item.alias.name.toLowerCase() });
    } else if (item.type === "identifier" && typeof item.name === "string") {
      columns.push({ name: item.name.toLowerCase() });
    } else if (item.type === "all_columns") {
      if (sources.length === 0 || sources.some((source) => source.table === undefined)) return null;
      columns.push({ starOf: sources.map((source) => source.table!) });
    } else if (item.type === "member_expr" && isCstNode(item.property)) {
      if (item.property.type === "all_columns") {
        const qualifier = nameParts(item.object)?.at(-1)?.toLowerCase();
        const source = sources.find((candidate) => candidate.qualifier === qualifier);
        if (!source?.table) return null;
        columns.push({ starOf: [source.table] });
      } else if (item.property.type === "identifier" && typeof item.property.name === "string") {
        columns.push({ name: item.property.name.toLowerCase() });
      } else {
        return null;
      }
    } else {
      // SQLite names an unaliased expression by its text; nobody downstream can rely on that.
      return null;
    }
  }
  return columns;
}

function asSelect(node: CstNode): CstNode | undefined {
  for (const clause of clausesOf(node)) {
    if (clause.type === "as_clause" && isCstNode(clause.expr) && SELECTS.has(clause.expr.type)) return clause.expr;
  }
  return undefined;
}

function clausesOf(node: CstNode | undefined): CstNode[] {
  return node !== undefined && Array.isArray(node.clauses) ? node.clauses.filter(isCstNode) : [];
}

function leftmost(node: CstNode): CstNode | undefined {
  let current: unknown = node;
  while (isCstNode(current) && current.type === "compound_select_stmt") current = current.left;
  return isCstNode(current) ? current : undefined;
}

function tableName(node: unknown): string | undefined {
  const parts = isCstNode(node) ? nameParts(node) : undefined;
  return parts ? normaliseTableName(parts) : undefined;
}

/** Names in `(a, b)` or `(a int, b text)`; undefined when there is no list. */
function columnList(node: unknown): string[] | undefined {
  if (!isCstNode(node)) return undefined;
  const items = listItems(node.type === "paren_expr" ? node.expr : node);
  const names: string[] = [];
  for (const item of items) {
    const name = item.type === "column_definition" ? item.name : item;
    if (isCstNode(name) && name.type === "identifier" && typeof name.name === "string")
      names.push(name.name.toLowerCase());
  }
  return names.length > 0 ? names : undefined;
}

function nameParts(node: unknown): string[] | undefined {
  if (!isCstNode(node)) return undefined;
  if (node.type === "identifier") return typeof node.name === "string" ? [node.name] : undefined;
  if (node.type !== "member_expr" || !isCstNode(node.property) || node.property.type !== "identifier") return undefined;
  const head = nameParts(node.object);
  return head && typeof node.property.name === "string" ? [...head, node.property.name] : undefined;
}

function listItems(list: unknown): CstNode[] {
  if (!isCstNode(list)) return [];
  if (list.type !== "list_expr") return [list];
  return Array.isArray(list.items) ? list.items.filter(isCstNode) : [];
}
