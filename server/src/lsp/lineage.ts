/**
 * The graph for the lineage panel, the status request, "where is this asset", and the
 * fingerprint that tells whether the lineage changed at all between two analyses.
 */
import type { Location } from "vscode-languageserver";
import type { AnalysisSnapshot } from "../analysis";
import { AssetKey } from "../model/assetKey";
import { parseSelection, selectKeys } from "../model/selection";
import type { AssetStatus, LineageGraph, LineageNode, LineageParams } from "../../../protocol";
import type { StatusBoard } from "./status";
import type { WorkspacePaths } from "./uris";

export function lineageGraph(snapshot: AnalysisSnapshot, status: StatusBoard, paths: WorkspacePaths, params: LineageParams): LineageGraph {
  const { graph } = snapshot;
  const text = params.selection?.trim() ?? "";
  let keys: string[];
  let unmatched: string[] = [];
  if (text === "") {
    keys = graph.toposort();
  } else {
    const parsed = parseSelection(text);
    if (!parsed.ok) return { version: snapshot.version, nodes: [], edges: [], cycles: [], unmatched: [], error: parsed.error };
    const selected = selectKeys(graph, parsed.selection);
    unmatched = selected.unmatched;
    // Placeholders next to selected keys are shown: a missing upstream is part of the picture.
    const withPlaceholders = new Set(selected.keys);
    for (const key of selected.keys) for (const parent of graph.parents(key)) if (graph.isPlaceholder(parent)) withPlaceholders.add(parent);
    keys = graph.toposort(withPlaceholders);
  }
  const included = new Set(keys);
  const now = Date.now();
  const nodes = keys.map((key): LineageNode => {
    const definition = graph.definition(key);
    if (!definition) {
      return { key, kind: "placeholder", group: undefined, owners: [], kinds: [], description: undefined, location: undefined, checks: [], status: undefined };
    }
    return {
      key,
      kind: definition.kind,
      group: definition.group,
      owners: definition.owners,
      kinds: definition.kinds,
      description: definition.description,
      location: paths.toLocation(definition.keyLocation),
      checks: graph.checksOf(key).map((check) => ({ name: check.name, blocking: check.blocking, location: paths.toLocation(check.location) })),
      status: status.statusOf(snapshot, key, now),
    };
  });
  const edges = keys.flatMap((key) => graph.children(key).filter((child) => included.has(child)).map((child) => ({ from: key, to: child })));
  const cycles = graph.cycles().filter((cycle) => cycle.every((key) => included.has(key)));
  return { version: snapshot.version, nodes, edges, cycles, unmatched, error: undefined };
}

/** The status of the given keys (all defined keys when absent); unknown keys are skipped. */
export function statuses(snapshot: AnalysisSnapshot, status: StatusBoard, keys: readonly string[] | undefined): AssetStatus[] {
  const now = Date.now();
  const wanted = keys ?? snapshot.graph.keys();
  return wanted.flatMap((key) => status.statusOf(snapshot, key, now) ?? []);
}

/** Where a key (or the table named like one) is defined. */
export function locateAsset(snapshot: AnalysisSnapshot, paths: WorkspacePaths, key: string): Location | null {
  const definition = snapshot.graph.definition(key);
  if (definition) return paths.toLocation(definition.keyLocation);
  // Alerts and warehouse errors name tables ("marts__orders"), not keys.
  const producer = snapshot.producers.get(`table:${key.toLowerCase()}`)?.[0];
  if (producer) return paths.toLocation(producer.keyLocation);
  try {
    const table = AssetKey.fromUserString(key).toTableName().toLowerCase();
    const byTable = snapshot.producers.get(`table:${table}`)?.[0];
    return byTable ? paths.toLocation(byTable.keyLocation) : null;
  } catch {
    return null;
  }
}

/** Per definition, its part of the fingerprint: definitions an analysis did not rebuild cost a lookup. */
const fingerprintParts = new WeakMap<object, string>();

/**
 * What the lineage panel draws, as one string: keys, kinds, groups, owners, deps (the edges
 * and placeholders), checks and definition files. Equal fingerprints mean nothing to redraw.
 */
export function lineageFingerprint(snapshot: AnalysisSnapshot): string {
  const parts: string[] = [];
  for (const asset of snapshot.assets) {
    let part = fingerprintParts.get(asset);
    if (part === undefined) {
      const deps = asset.deps.map((dep) => dep.key ?? "").join(",");
      part = `${asset.key}|${asset.kind}|${asset.group ?? ""}|${asset.owners.join(",")}|${asset.kinds.join(",")}|${asset.location.file}|${deps}`;
      fingerprintParts.set(asset, part);
    }
    parts.push(part);
  }
  for (const check of snapshot.checks) {
    let part = fingerprintParts.get(check);
    if (part === undefined) {
      part = `check|${check.asset ?? ""}|${check.name}|${check.blocking}`;
      fingerprintParts.set(check, part);
    }
    parts.push(part);
  }
  return parts.join("\n");
}
