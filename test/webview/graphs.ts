/** The graphs the panel's browser tests draw. */
import type { LineageGraph, LineageNode } from "../../protocol/lineage";
import { lineageGraph, lineageNode } from "./support";

export const jaffle = lineageGraph(
  [
    lineageNode("raw_orders", "fresh", "source"),
    lineageNode("raw_payments", "overdue", "source"),
    lineageNode("stg_orders", "upstream-changed"),
    lineageNode("stg_payments", "code-changed"),
    lineageNode("orders", "failed"),
    lineageNode("customers", "fresh"),
    lineageNode("monthly_revenue", "never-materialized"),
  ],
  [
    ["raw_orders", "stg_orders"],
    ["raw_payments", "stg_payments"],
    ["stg_orders", "orders"],
    ["stg_payments", "orders"],
    ["orders", "customers"],
    ["orders", "monthly_revenue"],
  ],
);

/** A layered graph of `count` nodes: every node depends on one or two of the previous layer. */
export function bigGraph(count: number, groups = 5): LineageGraph {
  const nodes: LineageNode[] = [];
  const edges: [string, string][] = [];
  const width = Math.max(1, Math.round(Math.sqrt(count)));
  for (let i = 0; i < count; i++) {
    const key = `asset_${String(i).padStart(4, "0")}`;
    nodes.push({ ...lineageNode(key, i % 7 === 0 ? "failed" : "fresh"), group: `g${i % groups}` });
    if (i >= width) {
      edges.push([nodes[i - width]!.key, key]);
      if (i % 3 === 0) edges.push([nodes[i - width + 1]!.key, key]);
    }
  }
  return lineageGraph(nodes, edges);
}
