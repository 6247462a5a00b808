/**
 * Which columns each table has, as far as the assets' SQL says: the table an asset produces
 * (named by its key) or writes, with `*` expanded through the upstream tables' own columns.
 * Pure: built from definitions, answers lazily and memoises.
 */
import { AssetKey, isValidKey } from "./assetKey";
import type { ResolvedColumns, TableColumns } from "./columns";
import type { AssetDefinition } from "./definitions";

export interface TableColumnSource {
  readonly columns: ResolvedColumns;
  /** The asset whose SQL states them. */
  readonly definedBy: AssetDefinition | undefined;
}

const UNKNOWN: TableColumnSource = { columns: "unknown", definedBy: undefined };

export class ColumnCatalog {
  private readonly definitions = new Map<string, { asset: AssetDefinition; table: TableColumns }>();
  private readonly resolved = new Map<string, TableColumnSource>();
  private readonly resolving = new Set<string>();

  /**
   * `assets` in the snapshot's order: the first asset stating a table's columns wins, as the
   * first definition of a key does.
   */
  constructor(assets: Iterable<AssetDefinition>) {
    const byOwnTable: Array<{ asset: AssetDefinition; table: TableColumns }> = [];
    const others: Array<{ asset: AssetDefinition; table: TableColumns }> = [];
    for (const asset of assets) {
      const own = producedTable(asset);
      for (const table of asset.columns.defined) {
        // An unknown definition never hides a known one of the same table in the same body.
        (table.table === own ? byOwnTable : others).push({ asset, table });
      }
    }
    for (const entry of [...byOwnTable, ...others]) {
      const existing = this.definitions.get(entry.table.table);
      if (!existing || (existing.asset === entry.asset && existing.table.columns === undefined)) {
        this.definitions.set(entry.table.table, entry);
      }
    }
  }

  /** The table's columns, or "unknown" when no asset states them statically. */
  columnsOf(table: string): TableColumnSource {
    const done = this.resolved.get(table);
    if (done) return done;
    const definition = this.definitions.get(table);
    if (!definition || definition.table.columns === undefined || this.resolving.has(table)) return UNKNOWN;
    this.resolving.add(table);
    const names: string[] = [];
    let known = true;
    for (const column of definition.table.columns) {
      if ("name" in column) {
        names.push(column.name);
        continue;
      }
      for (const upstream of column.starOf) {
        const columns = this.columnsOf(upstream).columns;
        if (columns === "unknown") known = false;
        else names.push(...columns);
      }
      if (!known) break;
    }
    this.resolving.delete(table);
    const result: TableColumnSource = known
      ? { columns: unique(names), definedBy: definition.asset }
      : { columns: "unknown", definedBy: definition.asset };
    this.resolved.set(table, result);
    return result;
  }

  /** The columns of the table an asset produces (the one named by its key). */
  columnsOfAsset(asset: AssetDefinition): ResolvedColumns {
    const table = producedTable(asset);
    if (table === undefined) return "unknown";
    const source = this.columnsOf(table);
    return source.definedBy === asset ? source.columns : "unknown";
  }
}

const tableOfKey = new Map<string, string | undefined>();

/** The table named by an asset's key (`marts/orders` → `marts__orders`), lower-cased. */
export function producedTable(asset: AssetDefinition): string | undefined {
  if (tableOfKey.has(asset.key)) return tableOfKey.get(asset.key);
  const table = isValidKey(asset.key) ? AssetKey.fromUserString(asset.key).toTableName().toLowerCase() : undefined;
  if (tableOfKey.size > 100_000) tableOfKey.clear();
  tableOfKey.set(asset.key, table);
  return table;
}

function unique(names: readonly string[]): string[] {
  return [...new Set(names)];
}
