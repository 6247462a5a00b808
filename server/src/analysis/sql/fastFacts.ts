/**
 * What the fast SQL parser (fastParser.ts) notes while it reads a statement, turned at the end
 * into the answer the CST path gives: tables read and written, and the columns the statement
 * defines and references. The parser builds no tree; these are the rules of cstTables.ts and
 * cstColumns.ts (still the reference: test/unit/sql-fast-path.test.ts holds both paths to the
 * same answers), applied to what it notes:
 * - a WITH's names hide table reads everywhere under the statement or query that carries it,
 *   its own bodies included, even those written before a name: reads are settled at the end;
 * - for columns only a query's own WITH counts (a WITH in front of INSERT, UPDATE or DELETE
 *   does not), and the column walker reaches a compound query's WITH from every level of the
 *   left-deep UNION, so the references in its bodies repeat once per arm;
 * - a reference resolves against the FROM sources of its query and of the queries around it,
 *   known only once the whole statement has been read.
 */

import type { RawColumn, RawColumnReference, StatementColumns } from "./cstColumns";
import type { TableMention } from "./tableMention";

/** One WITH clause: its names (lower-case), and whether a query owns it (arms: how many that query has). */
export interface CteClause {
  readonly names: Set<string>;
  adopted: boolean;
  arms: number;
}

/** WITH clauses from the innermost out: CTE names in scope, or the walks a body is repeated in. */
export interface CteChain {
  readonly clause: CteClause;
  readonly parent: CteChain | undefined;
}

/** A FROM item of a query: the name that qualifies its columns, and the table when it is one. */
export interface FastSource {
  readonly qualifier: string;
  /** The table's name, unless the item is a subquery or a table-valued function. */
  readonly name: string | undefined;
  /** A one-part name, which a CTE of `ctes` may stand for. */
  readonly single: boolean;
  readonly ctes: CteChain | undefined;
  /** Settled by `finish`: `name`, unless a CTE has it. */
  table: string | undefined;
}

/** The names a column may belong to at some point of a query. */
export interface ColumnScope {
  readonly sources: FastSource[];
  /** Output aliases of the query; undefined in its SELECT list, where a name is always a source column. */
  readonly aliases: Set<string> | undefined;
  readonly parent: ColumnScope | undefined;
}

/** An item of the SELECT list whose output is wanted: a name, `*` (qualifier undefined) or `t.*`, or null (an expression). */
export type OutputItem = { readonly name: string } | { readonly starOf: string | undefined } | null;

interface PendingRead {
  readonly name: string;
  readonly single: boolean;
  readonly start: number;
  readonly end: number;
  readonly frame: CteChain | undefined;
}

interface PendingReference {
  readonly scope: ColumnScope;
  /** Lower-case qualifier of `t.c`; undefined for a bare `c`. */
  readonly qualifier: string | undefined;
  readonly column: string;
  /** A "double-quoted" bare name, which SQLite may read as a string. */
  readonly quoted: boolean;
  readonly start: number;
  readonly end: number;
  readonly walks: CteChain | undefined;
}

/** The fast path's answer for one statement (offsets relative to its start). */
export interface FastStatementTables {
  reads: TableMention[];
  writes: TableMention[];
  columns: StatementColumns;
}

/** Everything noted about one statement; `finish` gives the answer. */
export class StatementFacts {
  private reads: PendingRead[] = [];
  private writes: TableMention[] = [];
  private references: PendingReference[] = [];
  private sources: FastSource[] = [];
  private define: { table: string; listed: string[] | undefined } | undefined;
  private output: { items: OutputItem[]; scope: ColumnScope } | undefined;

  /** Forgets everything noted: the parser's notes serve one statement after another. */
  clear(): void {
    // Fresh arrays: setting an array's length is a call into the runtime, dearer than an empty array.
    this.reads = [];
    this.writes = [];
    this.references = [];
    this.sources = [];
    this.define = undefined;
    this.output = undefined;
  }

  read(name: string, single: boolean, start: number, end: number, frame: CteChain | undefined): void {
    this.reads.push({ name, single, start, end, frame });
  }

  write(name: string, start: number, end: number): void {
    this.writes.push({ name, start, end });
  }

  source(qualifier: string, name: string | undefined, single: boolean, ctes: CteChain | undefined): FastSource {
    const source: FastSource = { qualifier, name, single, ctes, table: undefined };
    this.sources.push(source);
    return source;
  }

  reference(
    scope: ColumnScope,
    qualifier: string | undefined,
    column: string,
    quoted: boolean,
    start: number,
    end: number,
    walks: CteChain | undefined,
  ): void {
    this.references.push({ scope, qualifier, column, quoted, start, end, walks });
  }

  /** The table the statement states the columns of: listed ones, or (undefined) the output of `outputOf`'s query. */
  defines(table: string, listed: string[] | undefined): void {
    this.define = { table, listed };
  }

  /** The SELECT list whose output columns a CREATE … AS takes. */
  outputOf(items: OutputItem[], scope: ColumnScope): void {
    this.output = { items, scope };
  }

  finish(): FastStatementTables {
    for (const source of this.sources)
      source.table =
        source.name !== undefined && !(source.single && hasName(source.ctes, source.name, true))
          ? source.name
          : undefined;
    const reads: TableMention[] = [];
    for (const read of this.reads) {
      // A CTE only shadows unqualified names: `main.orders` always means the real table.
      if (read.single && hasName(read.frame, read.name, false)) continue;
      reads.push({ name: read.name, start: read.start, end: read.end });
    }
    // Same order as the CST path's answer, whose walks use stacks. Noted in source order, they mostly are already.
    sortByStart(reads);
    sortByStart(this.writes);
    const references: RawColumnReference[] = [];
    for (const pending of this.references) resolve(pending, references);
    sortByStart(references);
    const defines: StatementColumns["defines"] = [];
    if (this.define !== undefined) {
      const { table, listed } = this.define;
      if (listed !== undefined) defines.push({ table, columns: listed.map((name) => ({ name })) });
      else if (this.output !== undefined) defines.push({ table, columns: outputColumns(this.output) });
    }
    return { reads, writes: this.writes, columns: { defines, references } };
  }
}

/** A stable sort by start, skipped when the list is in order already. */
function sortByStart(list: Array<{ readonly start: number }>): void {
  for (let k = 1; k < list.length; k++) {
    if (list[k]!.start < list[k - 1]!.start) {
      list.sort((a, b) => a.start - b.start);
      return;
    }
  }
}

/** Whether a WITH of `chain` names `name`; for columns only WITHs a query owns count. */
function hasName(chain: CteChain | undefined, name: string, ownedOnly: boolean): boolean {
  for (let at = chain; at !== undefined; at = at.parent)
    if ((!ownedOnly || at.clause.adopted) && at.clause.names.has(name)) return true;
  return false;
}

/** How many times the column walker walks what sits in the bodies of these WITHs. */
function walkCount(chain: CteChain | undefined): number {
  let count = 1;
  for (let at = chain; at !== undefined; at = at.parent) if (at.clause.adopted) count *= at.clause.arms;
  return count;
}

const NO_SOURCES: readonly FastSource[] = [];

function resolve(pending: PendingReference, out: RawColumnReference[]): void {
  const { column, start, end } = pending;
  const times = walkCount(pending.walks);
  if (pending.qualifier !== undefined) {
    for (let at: ColumnScope | undefined = pending.scope; at; at = at.parent) {
      const source = sourceQualified(at.sources, pending.qualifier);
      if (source === undefined) continue;
      const table = source.table;
      if (table !== undefined)
        for (let k = 0; k < times; k++) out.push({ table, column, qualified: true, certain: true, start, end });
      return;
    }
    return;
  }
  let candidates = NO_SOURCES;
  let at: ColumnScope | undefined = pending.scope;
  // Elsewhere an output alias may be meant (SQLite tries the columns first): counted, but not certain.
  let alias = false;
  for (; at; at = at.parent) {
    if (at.aliases?.has(column) === true) alias = true;
    if (at.sources.length > 0) {
      candidates = at.sources;
      break;
    }
  }
  // A name missing from the inner table may be an outer query's column (a correlated subquery).
  let outer = false;
  for (let up = at?.parent; up && !outer; up = up.parent) outer = up.sources.length > 0;
  const certain = candidates.length === 1 && !outer && !pending.quoted && !alias;
  for (let k = 0; k < times; k++)
    for (const source of candidates) {
      const table = source.table;
      if (table !== undefined) out.push({ table, column, qualified: false, certain, start, end });
    }
}

/** The first source `qualifier` names (a loop: this runs for every qualified reference). */
function sourceQualified(sources: readonly FastSource[], qualifier: string): FastSource | undefined {
  for (const source of sources) if (source.qualifier === qualifier) return source;
  return undefined;
}

/** The columns a SELECT list outputs, or null when one of them cannot be named statically. */
function outputColumns({ items, scope }: { items: OutputItem[]; scope: ColumnScope }): RawColumn[] | null {
  const sources = scope.sources;
  const columns: RawColumn[] = [];
  for (const item of items) {
    if (item === null) return null;
    if ("name" in item) {
      columns.push({ name: item.name });
    } else if (item.starOf === undefined) {
      if (sources.length === 0 || sources.some((source) => source.table === undefined)) return null;
      columns.push({ starOf: sources.map((source) => source.table as string) });
    } else {
      const source = sources.find((candidate) => candidate.qualifier === item.starOf);
      if (source?.table === undefined) return null;
      columns.push({ starOf: [source.table] });
    }
  }
  return columns;
}
