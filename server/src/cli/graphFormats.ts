import type { AnalysisSnapshot } from "../analysis";
import type { AssetDefinition } from "../model/definitions";

/** The graph JSON shape the CLI documents (field names are a contract). */
export function graphJson(snapshot: AnalysisSnapshot, keys: ReadonlySet<string>) {
  const assets = snapshot.assets.filter((asset) => keys.has(asset.key));
  const checks = snapshot.checks.filter((check) => check.assetKey !== undefined && keys.has(check.assetKey));
  return {
    assets: assets.map((asset) => ({
      key: asset.key,
      kind: asset.kind,
      file: asset.location.file,
      line: asset.location.range.start.line + 1,
      deps: asset.deps.map((dep) => dep.key ?? dep.text),
      group: asset.group ?? null,
      owners: asset.owners,
      kinds: asset.kinds,
      tags: asset.tags,
      description: asset.description ?? null,
      freshness: asset.freshness ?? null,
      codeVersion: asset.codeVersion,
      reads: unique(asset.reads.map((effect) => effect.resource)),
      writes: unique(asset.writes.map((effect) => effect.resource)),
    })),
    checks: checks.map((check) => ({
      name: check.name,
      asset: check.assetKey,
      file: check.location.file,
      line: check.location.range.start.line + 1,
      blocking: check.blocking,
    })),
  };
}

/** Graphviz: `assetline graph --format dot | dot -Tsvg`. */
export function graphDot(snapshot: AnalysisSnapshot, order: readonly string[]): string {
  const lines = ["digraph assets {", "  rankdir=LR;", '  node [shape=box, style="rounded"];'];
  const selected = new Set(order);
  for (const key of order) {
    const definition = snapshot.graph.definition(key);
    const shape = definition?.kind === "source" ? ', shape=cylinder' : "";
    lines.push(`  ${dotString(key)} [label=${dotString(label(key, definition))}${shape}];`);
  }
  for (const key of order) {
    for (const parent of snapshot.graph.parents(key)) {
      if (selected.has(parent)) lines.push(`  ${dotString(parent)} -> ${dotString(key)};`);
    }
  }
  lines.push("}");
  return lines.join("\n");
}

/** Mermaid flowchart, for Markdown docs and pull requests. */
export function graphMermaid(snapshot: AnalysisSnapshot, order: readonly string[]): string {
  const ids = new Map(order.map((key, index) => [key, `n${index}`]));
  const lines = ["flowchart LR"];
  for (const key of order) {
    const definition = snapshot.graph.definition(key);
    const text = mermaidText(label(key, definition));
    lines.push(definition?.kind === "source" ? `  ${ids.get(key)}[(${text})]` : `  ${ids.get(key)}[${text}]`);
  }
  for (const key of order) {
    for (const parent of snapshot.graph.parents(key)) {
      const from = ids.get(parent);
      if (from) lines.push(`  ${from} --> ${ids.get(key)}`);
    }
  }
  return lines.join("\n");
}

/** A readable listing in dependency order, for people at a terminal. */
export function graphText(snapshot: AnalysisSnapshot, order: readonly string[]): string {
  const lines: string[] = [];
  for (const key of order) {
    const definition = snapshot.graph.definition(key);
    const parents = snapshot.graph.parents(key);
    const where = definition ? `${definition.location.file}:${definition.location.range.start.line + 1}` : "not defined";
    const kind = definition?.kind ?? "missing";
    const group = definition?.group ? ` [${definition.group}]` : "";
    lines.push(`${key} (${kind})${group}  ${where}`);
    if (parents.length > 0) lines.push(`  ← ${parents.join(", ")}`);
    for (const check of snapshot.graph.checksOf(key)) lines.push(`  ✓ ${check.name}${check.blocking ? " (blocking)" : ""}`);
  }
  return lines.join("\n");
}

function label(key: string, definition: AssetDefinition | undefined): string {
  return definition?.group ? `${key}\n${definition.group}` : key;
}

function dotString(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

function mermaidText(text: string): string {
  // Quoted labels with entity-escaped quotes keep keys like `a/b` and `x(y)` from breaking the syntax.
  return `"${text.replace(/"/g, "#quot;").replace(/\n/g, "<br/>")}"`;
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)].sort();
}
