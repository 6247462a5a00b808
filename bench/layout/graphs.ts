/**
 * Lineage graphs with the shape of bench/analysis/generate.mjs's workspaces, without writing
 * or analysing files: the same seeded PRNG (mulberry32), ~3% sources first, then assets with
 * 1–3 deps on earlier definitions, 85% of them among the 300 most recent (layered projects),
 * keys like the generator's, and a group per 60 "files" (~270 definitions).
 */
import type { LayoutInput } from "../../webview/src/layout";

function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, chance: (p: number) => next() < p };
}

const PREFIXES = ["stg", "int", "fct", "dim", "agg", "mart", "rpt"];
const NOUNS = [
  "orders",
  "customers",
  "payments",
  "sessions",
  "events",
  "invoices",
  "refunds",
  "products",
  "accounts",
  "shipments",
];

export interface BenchGraph extends LayoutInput {
  readonly groups: readonly string[];
}

export function generatorGraph(nodes: number, seed = 0x5eed_a55e): BenchGraph {
  const rng = prng(seed ^ nodes);
  const keys: string[] = [];
  const groups: string[] = [];
  const edges: { from: string; to: string }[] = [];
  const sources = Math.max(2, Math.round(nodes * 0.03));
  for (let i = 0; i < nodes; i++) {
    const file = Math.floor(i / 5);
    const key =
      i < sources
        ? `raw_${NOUNS[i % NOUNS.length]}_${String(i).padStart(4, "0")}`
        : `${PREFIXES[rng.int(PREFIXES.length)]}_${NOUNS[rng.int(NOUNS.length)]}_${String(file).padStart(4, "0")}_${i % 5}`;
    if (i >= sources) {
      const pool = i > 300 && rng.chance(0.85) ? { from: i - 300, size: 300 } : { from: 0, size: i };
      const count = Math.min(i, 1 + rng.int(3));
      const picked = new Set<number>();
      while (picked.size < count) picked.add(pool.from + rng.int(pool.size));
      for (const dep of [...picked].sort((a, b) => a - b)) edges.push({ from: keys[dep]!, to: key });
    }
    keys.push(key);
    groups.push(`domain_${Math.floor(file / 60)}`);
  }
  return { nodes: keys.map((key) => ({ key, lines: [key, "never-materialized"] })), edges, groups };
}

/** The keys within `depth` levels up and down of `key` (what `2+key+2` selects). */
export function neighbourhood(graph: LayoutInput, key: string, depth: number): LayoutInput {
  const up = new Map<string, string[]>();
  const down = new Map<string, string[]>();
  for (const edge of graph.edges) {
    up.set(edge.to, [...(up.get(edge.to) ?? []), edge.from]);
    down.set(edge.from, [...(down.get(edge.from) ?? []), edge.to]);
  }
  const keep = new Set([key]);
  for (const links of [up, down]) {
    let frontier = [key];
    for (let level = 0; level < depth; level++) {
      frontier = frontier.flatMap((k) => links.get(k) ?? []).filter((k) => !keep.has(k) && (keep.add(k), true));
    }
  }
  return {
    nodes: graph.nodes.filter((node) => keep.has(node.key)),
    edges: graph.edges.filter((edge) => keep.has(edge.from) && keep.has(edge.to)),
  };
}

/** The node with the most direct links (what the panel focuses when nothing else says which). */
export function hub(graph: LayoutInput): string {
  const degree = new Map<string, number>();
  for (const edge of graph.edges) for (const k of [edge.from, edge.to]) degree.set(k, (degree.get(k) ?? 0) + 1);
  return [...degree].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
}
