/**
 * Which columns each table has, as far as the assets' SQL says: the table an asset produces
 * (named by its key) or writes, with `*` expanded through the upstream tables' own columns.
 * Pure: built from definitions, patched as they change, answers lazily and memoises.
 */
import { compareKeyStrings as compare, tableNameOfKey } from "./assetKey";
import type { ResolvedColumns, TableColumns } from "./columns";
import type { AssetDefinition, ResourceId } from "./definitions";

export interface TableColumnSource {
  readonly columns: ResolvedColumns;
  /** The asset whose SQL states them. */
  readonly definedBy: AssetDefinition | undefined;
}

const UNKNOWN: TableColumnSource = { columns: "unknown", definedBy: undefined };

interface Statement {
  readonly asset: AssetDefinition;
  readonly table: TableColumns;
}

/** The snapshot's order (key, file, line): the first asset stating a table's columns wins. */
function snapshotOrder(a: AssetDefinition, b: AssetDefinition): number {
  return (
    compare(a.key, b.key) ||
    compare(a.location.file, b.location.file) ||
    a.location.range.start.line - b.location.range.start.line
  );
}

export class ColumnCatalog {
  /** Every statement of each table's columns, in the snapshot's order. */
  private readonly statements = new Map<string, Statement[]>();
  /**
   * Each table's answer, and which statement gives it, decided when first asked (the linker asks
   * for the tables its references name, not for every table stated), until the next patch.
   */
  private readonly resolved = new Map<string, TableColumnSource>();
  private readonly resolving = new Set<string>();

  /**
   * `assets` in the snapshot's order: the first asset stating a table's columns wins, as the
   * first definition of a key does.
   */
  constructor(assets: Iterable<AssetDefinition>) {
    // Indexed when given an array: this runs for every asset of a link, mostly before V8
    // optimises it, and unoptimised `for…of` allocates an iterator result per item.
    const list = Array.isArray(assets) ? (assets as readonly AssetDefinition[]) : [...assets];
    for (let i = 0; i < list.length; i++) {
      const asset = list[i]!;
      const defined = asset.columns.defined;
      for (let j = 0; j < defined.length; j++) this.add({ asset, table: defined[j]! });
    }
  }

  /**
   * The catalog after `gone` assets were removed and `added` ones added (an edit replaces a
   * definition by a new object: both). Only the tables they state are decided again; every
   * resolved answer is dropped, since `*` carries columns downstream.
   */
  patch(gone: readonly AssetDefinition[], added: readonly AssetDefinition[]): void {
    const goneSet = new Set(gone);
    for (const asset of gone)
      for (const table of asset.columns.defined) {
        const list = this.statements.get(table.table)?.filter((statement) => !goneSet.has(statement.asset));
        if (list && list.length > 0) this.statements.set(table.table, list);
        else this.statements.delete(table.table);
      }
    for (const asset of added)
      for (const table of asset.columns.defined) {
        this.add({ asset, table });
        this.statements.get(table.table)!.sort((a, b) => snapshotOrder(a.asset, b.asset));
      }
    this.resolved.clear();
  }

  /** True when some statement of the table takes columns from `*` over other tables. */
  statesStar(table: string): boolean {
    return (this.statements.get(table) ?? []).some((statement) =>
      statement.table.columns?.some((column) => "starOf" in column),
    );
  }

  private add(statement: Statement): void {
    const list = this.statements.get(statement.table.table);
    if (list) list.push(statement);
    else this.statements.set(statement.table.table, [statement]);
  }

  /**
   * The statement that gives a table's columns: an asset's own table (the one its key names) first;
   * an unknown statement never hides a known one of the same table in the same body.
   */
  private choose(table: string): Statement | undefined {
    const list = this.statements.get(table);
    if (!list) return undefined;
    if (list.length === 1) return list[0];
    let chosen: Statement | undefined;
    for (const statement of list) if (isOwn(statement)) chosen = preferred(chosen, statement);
    for (const statement of list) if (!isOwn(statement)) chosen = preferred(chosen, statement);
    return chosen;
  }

  /** The table's columns, or "unknown" when no asset states them statically. */
  columnsOf(table: string): TableColumnSource {
    const done = this.resolved.get(table);
    if (done) return done;
    if (this.resolving.has(table)) return UNKNOWN;
    const definition = this.choose(table);
    if (!definition || definition.table.columns === undefined) {
      this.resolved.set(table, UNKNOWN);
      return UNKNOWN;
    }
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

/** A key that names no table, memoised as such (one lookup per key, where undefined took two). */
const NONE = null;

const tableOfKey = new Map<string, string | typeof NONE>();

/** The table named by an asset's key (`marts/orders` → `marts__orders`), lower-cased. */
export function producedTable(asset: AssetDefinition): string | undefined {
  const known = tableOfKey.get(asset.key);
  if (known !== undefined) return known ?? undefined;
  const table = tableNameOfKey(asset.key)?.toLowerCase();
  if (tableOfKey.size > 100_000) tableOfKey.clear();
  tableOfKey.set(asset.key, table ?? NONE);
  return table;
}

const resourceOfKey = new Map<string, ResourceId | typeof NONE>();

/**
 * `table:` and the table named by the asset's key (memoised like producedTable). A string of its
 * own: a concatenation is a rope in V8, and the linker looks every read up among these (AL003),
 * where a rope compares several times slower than a flat string.
 */
export function ownResource(asset: AssetDefinition): ResourceId | undefined {
  const known = resourceOfKey.get(asset.key);
  if (known !== undefined) return known ?? undefined;
  const table = producedTable(asset);
  // An Array join builds a flat string (a template literal would build the rope).
  const resource = table === undefined ? undefined : (["table:", table].join("") as ResourceId);
  if (resourceOfKey.size > 100_000) resourceOfKey.clear();
  resourceOfKey.set(asset.key, resource ?? NONE);
  return resource;
}

/** Past this many writes, a set dedupes them faster than a scan of the list. */
const FEW_WRITES = 8;

/** The resources an asset produces: the table named by its key, then whatever the body writes (without repeats). */
export function producedResources(asset: AssetDefinition): ResourceId[] {
  const own = ownResource(asset);
  const produced: ResourceId[] = own === undefined ? [] : [own];
  if (asset.writes.length > FEW_WRITES) {
    const unique = new Set(produced);
    for (const write of asset.writes) unique.add(write.resource);
    return [...unique];
  }
  const writes = asset.writes;
  for (let i = 0; i < writes.length; i++)
    if (!produced.includes(writes[i]!.resource)) produced.push(writes[i]!.resource);
  return produced;
}

/** The statement is of the table the asset's key names (it wins over a table the body merely writes). */
function isOwn(statement: Statement): boolean {
  return statement.table.table === producedTable(statement.asset);
}

/** The statement `choose` keeps of the one so far and the next, in its order. */
function preferred(chosen: Statement | undefined, next: Statement): Statement {
  return !chosen || (chosen.asset === next.asset && chosen.table.columns === undefined) ? next : chosen;
}

/** Up to this many names, looking back for a repeat is cheaper than a set (most tables have a dozen columns). */
const FEW_NAMES = 32;

function unique(names: string[]): string[] {
  if (names.length > FEW_NAMES) return [...new Set(names)];
  for (let i = 1; i < names.length; i++) {
    if (names.lastIndexOf(names[i], i - 1) >= 0) return [...new Set(names)];
  }
  return names;
}
