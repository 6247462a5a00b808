/**
 * Which asset the panel should focus: the one under the active editor's cursor, or, when the
 * panel opens from the palette with nothing to go on, the asset at the centre of the graph.
 * Pure functions over the graph the server sent (no vscode import), so they are unit-tested.
 */
import type { LineageGraph, LineageNode } from "../../../protocol/lineage";

/** Definitions of one file, in line order: built once per graph, read on every cursor move. */
export type DefinitionsByFile = ReadonlyMap<string, readonly { readonly line: number; readonly key: string }[]>;

export function definitionsByFile(nodes: readonly LineageNode[]): DefinitionsByFile {
  const byFile = new Map<string, { line: number; key: string }[]>();
  for (const node of nodes) {
    if (node.kind === "placeholder" || !node.location) continue;
    const list = byFile.get(node.location.uri) ?? [];
    list.push({ line: node.location.range.start.line, key: node.key });
    byFile.set(node.location.uri, list);
  }
  for (const list of byFile.values()) list.sort((a, b) => a.line - b.line);
  return byFile;
}

/**
 * The asset defined at or above `line` of the file (the definition the cursor is in, since
 * the key is written at the definition's start), else the file's first definition.
 */
export function assetAt(definitions: DefinitionsByFile, uri: string, line: number): string | undefined {
  const list = definitions.get(uri);
  if (!list || list.length === 0) return undefined;
  let found = list[0]!.key;
  for (const entry of list) {
    if (entry.line > line) break;
    found = entry.key;
  }
  return found;
}

/** The defined asset with the most direct dependencies and dependents (ties: the graph's stable order). */
export function hubOf(graph: LineageGraph): string | undefined {
  const degree = new Map<string, number>();
  for (const edge of graph.edges) {
    degree.set(edge.from, (degree.get(edge.from) ?? 0) + 1);
    degree.set(edge.to, (degree.get(edge.to) ?? 0) + 1);
  }
  let best: string | undefined;
  let bestDegree = -1;
  for (const node of graph.nodes) {
    if (node.kind === "placeholder") continue;
    const value = degree.get(node.key) ?? 0;
    if (value > bestDegree) {
      best = node.key;
      bestDegree = value;
    }
  }
  return best;
}
