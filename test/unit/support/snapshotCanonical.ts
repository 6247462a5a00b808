import type { AnalysisSnapshot } from "../../../server/src/analysis";

/**
 * Everything a snapshot says, with object identities turned into indexes, so two snapshots
 * (an incremental one and a from-scratch one, or two builds of the engine) can be compared.
 * `JSON.stringify` of it is the format `dumpSnapshot.ts` prints.
 */
export interface CanonicalSnapshot {
  readonly files: readonly string[];
  readonly assets: readonly unknown[];
  readonly checks: readonly unknown[];
  readonly diagnostics: readonly unknown[];
  readonly producers: readonly unknown[];
  readonly graph: {
    readonly keys: readonly string[];
    readonly toposort: readonly string[];
    readonly cycles: readonly string[][];
    readonly components: readonly string[][];
    readonly nodes: readonly unknown[];
  };
}

/** The canonical form of a snapshot (see CanonicalSnapshot). */
export function canonical(snapshot: AnalysisSnapshot): CanonicalSnapshot {
  const assetIndex = new Map<unknown, number>(snapshot.assets.map((asset, i) => [asset, i]));
  const checkIndex = new Map<unknown, number>(snapshot.checks.map((check, i) => [check, i]));
  const graph = snapshot.graph;
  const keys = graph.keys();
  return {
    files: snapshot.files,
    assets: snapshot.assets,
    checks: snapshot.checks,
    diagnostics: snapshot.diagnostics,
    producers: [...snapshot.producers].map(([resource, list]) => [resource, list.map((a) => assetIndex.get(a) ?? "?")]),
    graph: {
      keys,
      toposort: graph.toposort(),
      cycles: graph.cycles(),
      components: graph.cyclicComponents(),
      nodes: keys.map((key) => {
        const definition = graph.definition(key);
        return [
          key,
          graph.isPlaceholder(key),
          graph.parents(key),
          graph.children(key),
          definition === undefined ? null : (assetIndex.get(definition) ?? "?"),
          graph.checksOf(key).map((check) => checkIndex.get(check) ?? "?"),
        ];
      }),
    },
  };
}

/** The canonical form as one string: equal strings, equal snapshots. */
export function canonicalJson(snapshot: AnalysisSnapshot): string {
  return JSON.stringify(canonical(snapshot));
}

const SECTIONS: ReadonlyArray<readonly [string, (form: CanonicalSnapshot) => readonly unknown[]]> = [
  ["file", (form) => form.files],
  ["asset", (form) => form.assets],
  ["check", (form) => form.checks],
  ["diagnostic", (form) => form.diagnostics],
  ["producer entry", (form) => form.producers],
  ["graph key", (form) => form.graph.keys],
  ["topological order entry", (form) => form.graph.toposort],
  ["cycle", (form) => form.graph.cycles],
  ["cyclic component", (form) => form.graph.components],
  ["graph node [key, placeholder, parents, children, definition, checks]", (form) => form.graph.nodes],
];

/**
 * Where two canonical snapshots first differ, for a reader: the section, the index, what the
 * item is (a definition's key and place), and the fields that differ with both values.
 * Undefined when they are the same.
 */
export function firstDifference(
  actual: CanonicalSnapshot,
  expected: CanonicalSnapshot,
  names = ["actual", "expected"],
): string | undefined {
  for (const [section, itemsOf] of SECTIONS) {
    const left = itemsOf(actual);
    const right = itemsOf(expected);
    for (let i = 0; i < Math.max(left.length, right.length); i++) {
      const a = JSON.stringify(left[i]);
      const b = JSON.stringify(right[i]);
      if (a === b) continue;
      const lines = [
        `first differing ${section} #${i} (${names[0]} has ${left.length}, ${names[1]} ${right.length}): ` +
          describe(left[i] ?? right[i]),
      ];
      lines.push(...differingFields(left[i], right[i], names));
      return lines.join("\n");
    }
  }
  return undefined;
}

/** "key stg_orders at src/a.ts:3" for a definition, the JSON for anything else (shortened). */
function describe(item: unknown): string {
  if (item !== null && typeof item === "object" && !Array.isArray(item)) {
    const record = item as Record<string, unknown>;
    const location = record.location as { file: string; range: { start: { line: number } } } | undefined;
    const name = record.key ?? record.name ?? record.code;
    const where = location ? ` at ${location.file}:${location.range.start.line + 1}` : "";
    if (name !== undefined) return `${JSON.stringify(name)}${where}`;
  }
  return shorten(JSON.stringify(item));
}

function differingFields(a: unknown, b: unknown, names: readonly string[]): string[] {
  const isRecord = (value: unknown): value is Record<string, unknown> =>
    value !== null && typeof value === "object" && !Array.isArray(value);
  if (!isRecord(a) || !isRecord(b))
    return [`  ${names[0]}: ${shorten(JSON.stringify(a))}`, `  ${names[1]}: ${shorten(JSON.stringify(b))}`];
  const lines: string[] = [];
  for (const field of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const left = JSON.stringify(a[field]);
    const right = JSON.stringify(b[field]);
    if (left === right) continue;
    lines.push(`  ${field}:`, `    ${names[0]}: ${shorten(left)}`, `    ${names[1]}: ${shorten(right)}`);
  }
  // Same fields, same values, different order: say so rather than print nothing.
  if (lines.length === 0) lines.push(`  (same fields in another order) ${names[0]}: ${shorten(JSON.stringify(a))}`);
  return lines;
}

function shorten(text: string | undefined, limit = 400): string {
  if (text === undefined) return "(none)";
  return text.length <= limit ? text : `${text.slice(0, limit)}… (${text.length} chars)`;
}
