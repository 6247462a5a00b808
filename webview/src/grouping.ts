/**
 * The overview of a graph too large to draw node by node: one node per `group`, an edge where
 * any asset of one group depends on one of another. A group node's key is the selection that
 * shows its members (`group:marts`), so opening it asks the server, like any other selection.
 */
import type { LineageGraph, LineageNode } from "../../protocol/lineage";
import type { AssetState } from "../../protocol/status";

/** What assets without a group are gathered under; not a valid group name, so never confused with one. */
export const UNGROUPED = "(no group)";

/** Worst first: a group shows the most urgent state among its members. */
const URGENCY: readonly AssetState[] = [
  "failed",
  "never-materialized",
  "code-changed",
  "upstream-changed",
  "overdue",
  "unknown",
  "fresh",
];

export interface GroupedGraph {
  readonly graph: LineageGraph;
  /** The keys of group nodes (all of them, here). */
  readonly groups: ReadonlySet<string>;
}

/** Collapses `graph` to its groups; the order is the first appearance in the input's stable order. */
export function groupByGroup(graph: LineageGraph): GroupedGraph {
  const groupOf = new Map<string, string>();
  const members = new Map<string, LineageNode[]>();
  for (const node of graph.nodes) {
    const key = node.group === undefined ? UNGROUPED : `group:${node.group}`;
    groupOf.set(node.key, key);
    members.set(key, [...(members.get(key) ?? []), node]);
  }
  const nodes = [...members].map(([key, list]): LineageNode => {
    const states = new Set(list.flatMap((node) => (node.status ? [node.status.state] : [])));
    const state = URGENCY.find((candidate) => states.has(candidate)) ?? "unknown";
    const counts = URGENCY.filter((candidate) => states.has(candidate)).map(
      (candidate) => `${list.filter((node) => node.status?.state === candidate).length} ${candidate}`,
    );
    return {
      key,
      kind: "asset",
      group: key === UNGROUPED ? undefined : key.slice("group:".length),
      owners: [...new Set(list.flatMap((node) => node.owners))].sort(),
      kinds: [...new Set(list.flatMap((node) => node.kinds))].sort(),
      description: `${list.length} asset${list.length === 1 ? "" : "s"}`,
      location: undefined,
      checks: [],
      status: {
        key,
        state,
        reason: counts.join(", "),
        lastMaterializedAt: undefined,
        lastFailedAt: undefined,
        checks: [],
      },
    };
  });
  const seen = new Set<string>();
  const edges: { from: string; to: string }[] = [];
  for (const edge of graph.edges) {
    const from = groupOf.get(edge.from);
    const to = groupOf.get(edge.to);
    if (from === undefined || to === undefined || from === to || seen.has(`${from}\u0000${to}`)) continue;
    seen.add(`${from}\u0000${to}`);
    edges.push({ from, to });
  }
  return { graph: { ...graph, nodes, edges, cycles: [] }, groups: new Set(members.keys()) };
}
