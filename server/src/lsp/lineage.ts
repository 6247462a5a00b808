/**
 * The graph for the lineage panel, "where is this asset", and the watch that tells whether
 * the lineage changed at all between two analyses.
 */
import type { Location } from "vscode-languageserver";
import type { AnalysisSnapshot } from "../analysis";
import type { AssetDefinition, CheckDefinition } from "../model/definitions";
import { AssetKey } from "../model/assetKey";
import { resolveSelection } from "../model/selection";
import type { LineageGraph, LineageNode, LineageParams } from "../../../protocol";
import type { StatusBoard } from "./status";
import type { WorkspacePaths } from "./workspacePaths";

export function lineageGraph(
  snapshot: AnalysisSnapshot,
  status: StatusBoard,
  paths: WorkspacePaths,
  params: LineageParams,
): LineageGraph {
  const { graph } = snapshot;
  const text = params.selection?.trim() ?? "";
  let keys: string[];
  if (text === "") {
    keys = graph.toposort();
  } else {
    const selected = resolveSelection(graph, text);
    if (!selected.ok) {
      return {
        version: snapshot.version,
        nodes: [],
        edges: [],
        cycles: [],
        unmatched: selected.unmatched,
        error: selected.error,
      };
    }
    // Placeholders next to selected keys are shown: a missing upstream is part of the picture.
    const withPlaceholders = new Set(selected.keys);
    for (const key of selected.keys)
      for (const parent of graph.parents(key)) if (graph.isPlaceholder(parent)) withPlaceholders.add(parent);
    keys = graph.toposort(withPlaceholders);
  }
  const included = new Set(keys);
  const now = Date.now();
  const nodes = keys.map((key): LineageNode => {
    const definition = graph.definition(key);
    if (!definition) {
      return {
        key,
        kind: "placeholder",
        group: undefined,
        owners: [],
        kinds: [],
        description: undefined,
        location: undefined,
        checks: [],
        status: undefined,
      };
    }
    return {
      key,
      kind: definition.kind,
      group: definition.group,
      owners: definition.owners,
      kinds: definition.kinds,
      description: definition.description,
      location: paths.toLocation(definition.keyLocation),
      checks: graph
        .checksOf(key)
        .map((check) => ({ name: check.name, blocking: check.blocking, location: paths.toLocation(check.location) })),
      status: status.statusOf(snapshot, key, now),
    };
  });
  const edges = keys.flatMap((key) =>
    graph
      .children(key)
      .filter((child) => included.has(child))
      .map((child) => ({ from: key, to: child })),
  );
  const cycles = graph.cycles().filter((cycle) => cycle.every((key) => included.has(key)));
  return { version: snapshot.version, nodes, edges, cycles, unmatched: [], error: undefined };
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

/** Per definition, what the lineage panel draws of it; definitions an analysis did not rebuild cost a lookup. */
const drawnParts = new WeakMap<AssetDefinition | CheckDefinition, string>();

function drawnPart(definition: AssetDefinition | CheckDefinition): string {
  let part = drawnParts.get(definition);
  if (part === undefined) {
    part =
      "key" in definition
        ? `${definition.key}|${definition.kind}|${definition.group ?? ""}|${definition.owners.join(",")}|${definition.kinds.join(",")}|${definition.location.file}|${definition.deps.map((dep) => dep.key ?? "").join(",")}`
        : `check|${definition.assetKey ?? ""}|${definition.name}|${definition.blocking}`;
    drawnParts.set(definition, part);
  }
  return part;
}

/**
 * Tells whether the lineage changed between analyses: keys, kinds, groups, owners, deps
 * (the edges and placeholders), checks and definition files. The sorted definition lists
 * are compared position by position, by identity first, so the usual edit (a file's SQL)
 * costs one pass of pointer comparisons, not a rebuilt description of the whole graph.
 */
export class LineageWatch {
  private assets: readonly AssetDefinition[] | undefined;
  private checks: readonly CheckDefinition[] = [];

  /** True when the snapshot draws differently from the last one given (always, the first time). */
  changed(snapshot: AnalysisSnapshot): boolean {
    const changed =
      this.assets === undefined || differs(this.assets, snapshot.assets) || differs(this.checks, snapshot.checks);
    this.assets = snapshot.assets;
    this.checks = snapshot.checks;
    return changed;
  }
}

function differs(
  before: readonly (AssetDefinition | CheckDefinition)[],
  after: readonly (AssetDefinition | CheckDefinition)[],
): boolean {
  if (before.length !== after.length) return true;
  for (let i = 0; i < after.length; i++) {
    if (before[i] !== after[i] && drawnPart(before[i]!) !== drawnPart(after[i]!)) return true;
  }
  return false;
}
