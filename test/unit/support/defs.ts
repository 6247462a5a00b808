/**
 * Builders for analysis output in unit tests: a test names only what it is about
 * (key, deps, group…) and gets a complete, plausible AssetDefinition or CheckDefinition.
 */
import { NO_COLUMNS } from "../../../server/src/model/columns";
import type {
  AssetDefinition,
  CheckDefinition,
  DefinitionKind,
  DependencyRef,
  SourceLocation,
} from "../../../server/src/model/definitions";

/** A location on line `line` of `file`; tests about the graph do not care where. */
export function at(file = "assets.ts", line = 0): SourceLocation {
  return { file, range: { start: { line, character: 0 }, end: { line, character: 1 } } };
}

export interface AssetSpec {
  key: string;
  /** Dep keys; `undefined` stands for a dep that resolved to nothing. */
  deps?: readonly (string | undefined)[];
  kind?: DefinitionKind;
  group?: string;
  owners?: readonly string[];
  kinds?: readonly string[];
  tags?: Readonly<Record<string, string>>;
  file?: string;
}

/** A dependency reference to `key`, written as a string key. */
export function makeDep(key: string | undefined, text = key ?? "unresolved"): DependencyRef {
  return { key, via: "string", text, location: at() };
}

/** An asset definition with the given facts and neutral defaults for the rest. */
export function makeAsset(spec: AssetSpec): AssetDefinition {
  const location = at(spec.file);
  return {
    key: spec.key,
    kind: spec.kind ?? "asset",
    location,
    keyLocation: location,
    exportName: spec.key.replace(/\W/g, "_"),
    exported: true,
    deps: (spec.deps ?? []).map((dep) => makeDep(dep)),
    group: spec.group,
    owners: spec.owners ?? [],
    kinds: spec.kinds ?? [],
    tags: spec.tags ?? {},
    description: undefined,
    freshness: undefined,
    automation: [],
    codeVersion: `v-${spec.key}`,
    reads: [],
    writes: [],
    columns: NO_COLUMNS,
  };
}

/** A check named `name` on the asset `asset` (undefined: its target resolved to nothing). */
export function makeCheck(name: string, asset: string | undefined, blocking = false): CheckDefinition {
  return {
    name,
    assetKey: asset,
    targetText: asset ?? "unknown",
    targetLocation: at(),
    location: at(),
    exportName: name,
    exported: true,
    blocking,
    description: undefined,
    codeVersion: `v-check-${name}`,
  };
}

/** Assets from "parent>child" edge strings plus lone keys, e.g. edges("a>b", "b>c", "d"). */
export function assetsFromEdges(...edges: string[]): AssetDefinition[] {
  const depsByKey = new Map<string, string[]>();
  for (const edge of edges) {
    const [parent, child] = edge.split(">");
    if (!depsByKey.has(parent)) depsByKey.set(parent, []);
    if (child !== undefined) {
      if (!depsByKey.has(child)) depsByKey.set(child, []);
      depsByKey.get(child)!.push(parent);
    }
  }
  return [...depsByKey].map(([key, deps]) => makeAsset({ key, deps }));
}
