/** Lineage graphs for the client's pure pieces (Go to Asset, the catalog, failure marks). */
import type { LineageGraph, LineageNode } from "../../../protocol/lineage";

/** An asset defined on the first line of `file:///ws/KEY.ts`, unless `extra` says otherwise. */
export function lineageNode(key: string, extra: Partial<LineageNode> = {}): LineageNode {
  return {
    key,
    kind: "asset",
    group: undefined,
    owners: [],
    kinds: [],
    description: undefined,
    location: {
      uri: `file:///ws/${key}.ts`,
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
    },
    checks: [],
    status: undefined,
    ...extra,
  };
}

export function lineageGraph(nodes: readonly LineageNode[]): LineageGraph {
  return { version: 1, nodes, edges: [], cycles: [], unmatched: [], error: undefined };
}
