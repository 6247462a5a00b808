/**
 * The rows of "Go to Asset…": one per asset and source, findable by key, table name, group,
 * owner or kind (the quick pick matches label, description and detail), with health and
 * file. Pure: no vscode import, tested as is.
 */
import type { LineageGraph, LineageNode } from "../../protocol/lineage";
import { STATE_GLYPHS, STATE_LABELS } from "../../protocol/status";
import { AssetKey } from "../../server/src/model/assetKey";

export interface AssetPickRow {
  readonly key: string;
  /** The key, as the user wrote it. */
  readonly label: string;
  /** Health, then the table and the group: "✗ failed · marts__orders · group marts". */
  readonly description: string;
  /** Owners, kinds and where it is defined: "team:analytics · sqlite · src/marts/orders.ts:12". */
  readonly detail: string;
  readonly location: LineageNode["location"];
}

/** Rows in the graph's stable order; placeholders (defined nowhere) have nowhere to go. */
export function assetPickRows(graph: LineageGraph, relativePath: (uri: string) => string): AssetPickRow[] {
  return graph.nodes
    .filter((node) => node.kind !== "placeholder" && node.location !== undefined)
    .map((node) => {
      const health = node.status ? `${STATE_GLYPHS[node.status.state]} ${STATE_LABELS[node.status.state]}` : "";
      const table = tableOf(node.key);
      const description = [
        health,
        node.kind === "source" ? "source" : undefined,
        table === node.key ? undefined : table,
        node.group ? `group ${node.group}` : undefined,
      ]
        .filter((part): part is string => Boolean(part))
        .join(" · ");
      const where = node.location ? `${relativePath(node.location.uri)}:${node.location.range.start.line + 1}` : "";
      const detail = [...node.owners, ...node.kinds, where].filter((part) => part !== "").join(" · ");
      return { key: node.key, label: node.key, description, detail, location: node.location };
    });
}

/** The warehouse table an asset produces, as the engine names it. */
export function tableOf(key: string): string {
  try {
    return AssetKey.fromUserString(key).toTableName();
  } catch {
    return key; // an invalid key is reported by the analysis; its row still opens the definition
  }
}

/** The asset or source whose definition the cursor is in (the nearest one starting above it, in that file). */
export function assetAtCursor(graph: LineageGraph, uri: string, line: number): string | undefined {
  let best: LineageNode | undefined;
  for (const node of graph.nodes) {
    const start = node.location?.uri === uri ? node.location.range.start.line : undefined;
    if (start === undefined || start > line) continue;
    if (!best || start > best.location!.range.start.line) best = node;
  }
  return best?.key;
}

/** True when what the user typed is selection syntax rather than a key to look for. */
export function looksLikeSelection(text: string): boolean {
  return /[:+*,\s]/.test(text.trim());
}

/**
 * The asset a name written somewhere names: its key, or the table it produces, as a SQL
 * string, a `.sql` file, a run log or an alert spells it (SQL names are case-insensitive,
 * and may carry quotes or SQLite's `main.` schema). Undefined when none or several do.
 */
export function assetNamed(graph: LineageGraph, written: string): LineageNode | undefined {
  const name = bareName(written);
  if (name === "") return undefined;
  const defined = graph.nodes.filter((node) => node.kind !== "placeholder" && node.location !== undefined);
  const byKey = defined.filter((node) => node.key === name);
  if (byKey.length > 0) return byKey.length === 1 ? byKey[0] : undefined;
  const lower = name.toLowerCase();
  const byTable = defined.filter((node) => tableOf(node.key).toLowerCase() === lower);
  return byTable.length === 1 ? byTable[0] : undefined;
}

function bareName(written: string): string {
  const unquoted = written.trim().replace(/["'`[\]]/g, "");
  return unquoted.replace(/^(main|temp)\./i, "");
}

/**
 * One name under the cursor: a key (`marts/orders`) or a table (`marts__orders`). A dot ends a
 * name, so `main.orders` and `orders.status` give `orders` with the cursor on it.
 */
export const NAME_PATTERN = /[A-Za-z_][\w$]*(?:\/[A-Za-z_][\w$]*)*/;
