/**
 * The asset catalog's shape: assets and sources grouped by group, owner or kind (an asset with
 * two owners is under both), filtered by words that must all appear in the key, table, group,
 * owners, kinds or description. Pure: no vscode import, tested as is.
 */
import type { LineageGraph, LineageNode } from "../../protocol/lineage";
import { tableOf } from "./assetPick";

export type CatalogGrouping = "group" | "owner" | "kind";

export const CATALOG_GROUPINGS: readonly CatalogGrouping[] = ["group", "owner", "kind"];

export interface CatalogGroup {
  /** "marts", "team:analytics", "sqlite"; "(no group)" and the like for the rest. */
  readonly name: string;
  readonly nodes: readonly LineageNode[];
}

export function catalogGroups(graph: LineageGraph, grouping: CatalogGrouping, filter: string): CatalogGroup[] {
  const words = filter
    .toLowerCase()
    .split(/\s+/)
    .filter((word) => word !== "");
  const groups = new Map<string, LineageNode[]>();
  for (const node of graph.nodes) {
    if (node.kind === "placeholder") continue;
    if (!words.every((word) => haystack(node).includes(word))) continue;
    for (const name of groupNames(node, grouping)) {
      const list = groups.get(name) ?? [];
      list.push(node);
      groups.set(name, list);
    }
  }
  const none = NONE[grouping];
  return [...groups.entries()]
    .sort(([a], [b]) => (a === none ? 1 : b === none ? -1 : a < b ? -1 : a > b ? 1 : 0))
    .map(([name, nodes]) => ({ name, nodes: [...nodes].sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0)) }));
}

const NONE: Readonly<Record<CatalogGrouping, string>> = { group: "(no group)", owner: "(no owner)", kind: "(no kind)" };

function groupNames(node: LineageNode, grouping: CatalogGrouping): readonly string[] {
  switch (grouping) {
    case "group":
      return [node.group ?? NONE.group];
    case "owner":
      return node.owners.length > 0 ? node.owners : [NONE.owner];
    case "kind":
      return node.kinds.length > 0 ? node.kinds : [NONE.kind];
  }
}

function haystack(node: LineageNode): string {
  return [node.key, tableOf(node.key), node.group ?? "", ...node.owners, ...node.kinds, node.description ?? ""]
    .join(" ")
    .toLowerCase();
}
