import { ColumnCatalog, type TableColumnSource } from "../../model/columnCatalog";
import type { AnalysisDiagnostic, AssetDefinition } from "../../model/definitions";
import { closestKey } from "./closestKey";

/**
 * AL008: a body references a column that its upstream's statically known columns do not
 * contain. Kept up to date as definitions change, rechecking only the assets an edit can
 * affect: the changed assets, and the readers of tables whose column definitions changed.
 */
export class ColumnDiagnostics {
  private catalog = new ColumnCatalog([]);
  private readonly found = new Map<AssetDefinition, AnalysisDiagnostic[]>();
  /**
   * What only edits need, so it is built from the last rebuild's assets at the first update
   * (or `prepareForEdits`), never by a one-shot analysis.
   */
  private forEdits: EditState | undefined;
  private rebuiltFrom: readonly AssetDefinition[] = [];

  /** The AL008 diagnostics of one asset (in reference order). */
  of(asset: AssetDefinition): readonly AnalysisDiagnostic[] {
    return this.found.get(asset) ?? NONE;
  }

  /** Recomputes everything for `assets` (the snapshot's sorted list, which must not change afterwards). */
  rebuild(assets: readonly AssetDefinition[]): void {
    this.found.clear();
    this.forEdits = undefined;
    this.rebuiltFrom = assets;
    this.catalog = new ColumnCatalog(assets);
    for (let i = 0; i < assets.length; i++) this.check(assets[i]!);
  }

  /** Builds now what the first update would otherwise build. */
  prepareForEdits(): void {
    this.editState();
  }

  /**
   * After definitions were replaced: `gone` left, `added` arrived.
   * Returns the files whose AL008 diagnostics may have changed.
   */
  update(gone: readonly AssetDefinition[], added: readonly AssetDefinition[]): Set<string> {
    const { readers, starTables } = this.editState();
    const touched = new Set<string>();
    const tables = new Set<string>();
    for (const asset of gone) {
      this.index(asset, -1);
      if (this.found.delete(asset)) touched.add(asset.location.file);
      for (const table of asset.columns.defined) tables.add(table.table);
    }
    for (const asset of added) {
      this.index(asset, +1);
      for (const table of asset.columns.defined) tables.add(table.table);
    }
    const recheck = new Set<AssetDefinition>(added);
    if (tables.size > 0) {
      const stars = new Set(starTables);
      // Patched, not rebuilt: a keystroke in one body re-decides only the tables it states.
      this.catalog.patch(gone, added);
      for (const table of tables) {
        if (this.catalog.statesStar(table)) starTables.add(table);
        else starTables.delete(table);
      }
      for (const table of [...tables, ...stars, ...starTables])
        for (const reader of readers.get(table) ?? []) recheck.add(reader);
    }
    for (const asset of recheck) {
      const before = this.found.get(asset);
      this.check(asset);
      if (before !== undefined || this.found.has(asset)) touched.add(asset.location.file);
    }
    return touched;
  }

  private editState(): EditState {
    if (this.forEdits) return this.forEdits;
    const state: EditState = { readers: new Map(), starTables: new Set() };
    this.forEdits = state;
    for (const asset of this.rebuiltFrom) {
      this.index(asset, +1);
      for (const table of asset.columns.defined) {
        if (table.columns?.some((column) => "starOf" in column)) state.starTables.add(table.table);
      }
    }
    this.rebuiltFrom = [];
    return state;
  }

  private index(asset: AssetDefinition, sign: 1 | -1): void {
    const readers = this.forEdits!.readers;
    for (const reference of asset.columns.references) {
      if (!reference.certain) continue;
      let set = readers.get(reference.table);
      if (sign > 0) {
        if (!set) readers.set(reference.table, (set = new Set()));
        set.add(asset);
      } else if (set) {
        set.delete(asset);
        if (set.size === 0) readers.delete(reference.table);
      }
    }
  }

  private check(asset: AssetDefinition): void {
    let diagnostics: AnalysisDiagnostic[] | undefined;
    // A body's references come table by table: ask the catalog once per run of one table.
    let table: string | undefined;
    let source: TableColumnSource | undefined;
    // Indexed: see WorkspaceLinker.checkEveryDefinition.
    const references = asset.columns.references;
    for (let i = 0; i < references.length; i++) {
      const reference = references[i]!;
      if (!reference.certain) continue;
      if (reference.table !== table) source = this.catalog.columnsOf((table = reference.table));
      const { columns, definedBy } = source!;
      if (columns === "unknown" || definedBy === undefined || definedBy === asset) continue;
      if (columns.includes(reference.column)) continue;
      const suggestion = closestKey(reference.column, columns);
      const upstream = definedBy.key;
      (diagnostics ??= []).push({
        code: "AL008",
        severity: "warning",
        location: reference.location,
        message:
          `${reference.table} has no column \`${reference.column}\`: ` +
          `its columns, as ${upstream}'s SQL defines them, are ` +
          `${listed(columns)}${suggestion ? `; did you mean \`${suggestion}\`?` : ""}`,
        related: [
          { location: definedBy.keyLocation, message: `${upstream} defines the columns of ${reference.table}` },
        ],
        data: { kind: "unknownColumn", table: reference.table, column: reference.column, upstream, suggestion },
      });
    }
    if (diagnostics) this.found.set(asset, diagnostics);
    else if (this.found.size > 0) this.found.delete(asset);
  }
}

interface EditState {
  /** Table → assets with a certain reference to one of its columns. */
  readonly readers: Map<string, Set<AssetDefinition>>;
  /** Tables whose columns come (partly) from `*` over other tables: any definition change may change them. */
  readonly starTables: Set<string>;
}

const NONE: readonly AnalysisDiagnostic[] = [];
const MAX_LISTED = 12;

function listed(columns: readonly string[]): string {
  if (columns.length <= MAX_LISTED) return columns.join(", ");
  return `${columns.slice(0, MAX_LISTED).join(", ")} and ${columns.length - MAX_LISTED} more`;
}
