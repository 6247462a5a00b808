import { type BodyColumns, type ColumnReference, NO_COLUMNS, type TableColumns } from "../../model/columns";
import type { SqlTables } from "../sql/extractTables";
import type { LocationMaker } from "./locations";
import { exactArray } from "./retainedShapes";
import { ownedName } from "./sqlNames";

/** Whether [start, end) overlaps one of `holes` (the `${...}` substitutions of a SQL text). */
export function inHole(holes: ReadonlyArray<readonly [number, number]>, start: number, end: number): boolean {
  for (let k = 0; k < holes.length; k++) {
    const [from, to] = holes[k]!;
    if (start < to && end > from) return true;
  }
  return false;
}

/** Collects the column facts of one definition's body, SQL string by SQL string. */
export class ColumnCollector {
  private readonly defined: TableColumns[] = [];
  private readonly references: ColumnReference[] = [];
  private partial = false;

  constructor(private readonly locations: LocationMaker) {}

  /**
   * Adds the columns of one SQL text found at `offset` in the file. `holes` are `${...}`
   * substitutions: references inside them are dropped, and a table defined by SQL with
   * substitutions has unknown columns (the substitution may be a column list).
   */
  addSql(tables: SqlTables, offset: number, holes: ReadonlyArray<readonly [number, number]>): void {
    // The fast path's names are strings of their own already; the parser's are views into the SQL.
    const owned = tables.namesOwned === true;
    const withHoles = holes.length > 0;
    let complete = true;
    for (const statement of tables.columns) {
      if (statement === undefined) {
        complete = false;
        continue;
      }
      for (const define of statement.defines) {
        this.defined.push({
          table: owned ? define.table : ownedName(define.table),
          columns: define.columns === null || withHoles ? undefined : define.columns,
        });
      }
      for (const reference of statement.references) {
        if (withHoles && inHole(holes, reference.start, reference.end)) continue;
        this.references.push({
          table: owned ? reference.table : ownedName(reference.table),
          column: owned ? reference.column : ownedName(reference.column),
          qualified: reference.qualified,
          certain: reference.certain,
          location: this.locations.at(offset + reference.start, offset + reference.end),
        });
      }
    }
    if (complete) return;
    // Some statement was only read by the tolerant scan: what it writes has unknown columns.
    this.partial = true;
    const definedHere = new Set<string>();
    for (const statement of tables.columns)
      if (statement !== undefined) for (const define of statement.defines) definedHere.add(define.table);
    for (const write of tables.writes) {
      if (definedHere.has(write.name) || inHole(holes, write.start, write.end)) continue;
      definedHere.add(write.name);
      this.defined.push({ table: ownedName(write.name), columns: undefined });
    }
  }

  /** SQL was given that is only known at run time. */
  markPartial(): void {
    this.partial = true;
  }

  finish(): BodyColumns {
    if (this.defined.length === 0 && this.references.length === 0 && !this.partial) return NO_COLUMNS;
    return { defined: exactArray(this.defined), references: exactArray(this.references), partial: this.partial };
  }
}
