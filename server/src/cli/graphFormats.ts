import type { AnalysisSnapshot } from "../analysis";
import type { AssetDefinition } from "../model/definitions";
import { visible } from "./terminalText";

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

/**
 * Graphviz: `assetline graph --format dot | dot -Tsvg`. Keys and groups are shown as the
 * terminal shows them (controls and bidi characters as visible escapes), then DOT-quoted.
 */
export function graphDot(snapshot: AnalysisSnapshot, order: readonly string[]): string {
  const lines = ["digraph assets {", "  rankdir=LR;", '  node [shape=box, style="rounded"];'];
  const selected = new Set(order);
  for (const key of order) {
    const definition = snapshot.graph.definition(key);
    const shape = definition?.kind === "source" ? ", shape=cylinder" : "";
    lines.push(`  ${dotString(key)} [label=${dotLabel(labelLines(key, definition))}${shape}];`);
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
    const text = mermaidText(labelLines(key, definition));
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
    const where = definition
      ? `${definition.location.file}:${definition.location.range.start.line + 1}`
      : "not defined";
    const kind = definition?.kind ?? "missing";
    const group = definition?.group ? ` [${definition.group}]` : "";
    lines.push(`${visible(key, true)} (${kind})${visible(group, true)}  ${visible(where, true)}`);
    if (parents.length > 0) lines.push(`  ← ${parents.map((parent) => visible(parent, true)).join(", ")}`);
    for (const check of snapshot.graph.checksOf(key)) {
      lines.push(`  ✓ ${visible(check.name, true)}${check.blocking ? " (blocking)" : ""}`);
    }
  }
  return lines.join("\n");
}

/** The key and, below it, the group: the lines of a node's label, as the terminal would show them. */
function labelLines(key: string, definition: AssetDefinition | undefined): string[] {
  return definition?.group ? [visible(key, true), visible(definition.group, true)] : [visible(key, true)];
}

/** A DOT quoted string: `\\` and `"` escaped, `&` as `&amp;` (Graphviz decodes entities in labels). */
function dotString(text: string): string {
  return `"${dotEscape(visible(text, true))}"`;
}

function dotLabel(lines: readonly string[]): string {
  return `"${lines.map(dotEscape).join("\\n")}"`;
}

function dotEscape(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/&/g, "&amp;");
}

/**
 * A quoted Mermaid label. Mermaid renders labels as HTML, so markup in a key must arrive as
 * text: every character that HTML or Mermaid would interpret is written as a Mermaid entity
 * code (`#lt;`, `#35;`), which Mermaid turns into an HTML entity, never into markup.
 */
function mermaidText(lines: readonly string[]): string {
  return `"${lines.map(mermaidEscape).join("<br/>")}"`;
}

const MERMAID_ENTITIES: Readonly<Record<string, string>> = {
  "#": "#35;",
  "&": "#amp;",
  "<": "#lt;",
  ">": "#gt;",
  '"': "#quot;",
  "'": "#39;",
  "`": "#96;",
};

function mermaidEscape(text: string): string {
  return text.replace(/[#&<>"'`]/g, (character) => MERMAID_ENTITIES[character]!);
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)].sort();
}
