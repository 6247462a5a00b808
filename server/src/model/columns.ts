/**
 * Columns, as far as an asset's SQL states them statically: the columns of each table a body
 * defines (`create table X as select …`, `create view`, `insert into X (cols)`, column
 * definitions), and the columns a body references in each table it reads.
 */
import type { SourceLocation } from "./definitions";

/** A column a definition lists: a name, or `*` standing for all columns of upstream tables. */
export type DefinedColumn = { readonly name: string } | { readonly starOf: readonly string[] };

export interface TableColumns {
  /** Normalised table name (as in `table:` ResourceIds, without the prefix). */
  readonly table: string;
  /** In order; undefined when the defining SQL could not be read (a `*` over a subquery, a parse failure). */
  readonly columns: readonly DefinedColumn[] | undefined;
}

export interface ColumnReference {
  /** The table read (normalised name). */
  readonly table: string;
  /** Lower-case column name. */
  readonly column: string;
  /** `o.status` rather than `status`. */
  readonly qualified: boolean;
  /**
   * False for an unqualified name that could belong to another table of the same query:
   * impact analysis counts it (conservatively), AL008 does not.
   */
  readonly certain: boolean;
  /** Where the column name is written, inside the SQL string. */
  readonly location: SourceLocation;
}

export interface BodyColumns {
  readonly defined: readonly TableColumns[];
  readonly references: readonly ColumnReference[];
  /** True when some SQL of the body could not be read statically, so these facts may be incomplete. */
  readonly partial: boolean;
}

export const NO_COLUMNS: BodyColumns = { defined: [], references: [], partial: false };

/** A table's resolved columns: names in order, or "unknown" when they cannot be known statically. */
export type ResolvedColumns = readonly string[] | "unknown";
