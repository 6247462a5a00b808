/**
 * Transitive staleness: what an asset's inputs will become once its upstreams are rebuilt.
 * Pure: no clock, no I/O, so the language server computes it once per history change.
 *
 * An asset is stale when rebuilding it would change its data: its code changed since it was
 * materialized, an input has a newer materialization than the one it consumed, or an input
 * is itself stale. Like Dagster's "upstream stale" causes, this reaches the whole downstream:
 * after `stg_orders` is rebuilt, `orders` has a newer input, and `customers` (built from the
 * old `orders`) will get new data too once `orders` catches up. Each cause names its *root*,
 * the upstream that actually changed, and the parent it arrives through.
 */
import { compareKeyStrings } from "./assetKey";
import type { DefinitionKind } from "./definitions";
import type { AssetHistory } from "./history";

/** The structural subset of an AssetDefinition that staleness needs. */
export interface StalenessAsset {
  readonly key: string;
  readonly kind?: DefinitionKind;
  readonly codeVersion: string | undefined;
  readonly deps: readonly { readonly key: string | undefined }[];
}

/** Why an asset's inputs are stale although its direct parents have not been rebuilt. */
export interface UpstreamCause {
  /** The upstream that changed. */
  readonly root: string;
  /** What changed there: a newer materialization, or code not yet materialized. */
  readonly change: "materialized" | "code";
  /** The direct parent through which the change arrives (may be `root` itself, for "code"). */
  readonly via: string;
}

/**
 * Per asset, the stale upstream causes that arrive through parents which are themselves
 * stale; a parent's own newer materialization is a direct cause, reported by freshness.
 * Assets with none are absent. Order: most recent root materialization first, then by key.
 */
export function upstreamStaleness(
  assets: Iterable<StalenessAsset>,
  history: ReadonlyMap<string, AssetHistory>,
): Map<string, UpstreamCause[]> {
  const byKey = new Map<string, StalenessAsset>();
  for (const asset of assets) if (!byKey.has(asset.key)) byKey.set(asset.key, asset);
  /** Key → the roots whose change reaches the asset's own data (when it is rebuilt). */
  const ownRoots = new Map<string, Map<string, UpstreamCause["change"]>>();
  const result = new Map<string, UpstreamCause[]>();

  // Iterative post-order: chains of thousands of assets must not exhaust the stack; a node met
  // again while open is part of a cycle (AL001) and contributes nothing through that edge.
  const open = new Set<string>();
  for (const start of byKey.keys()) {
    if (ownRoots.has(start)) continue;
    const stack: Array<{ key: string; parents: string[]; next: number }> = [];
    const push = (key: string): void => {
      open.add(key);
      stack.push({ key, parents: parentsOf(byKey.get(key)!), next: 0 });
    };
    push(start);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      if (frame.next < frame.parents.length) {
        const parent = frame.parents[frame.next++]!;
        if (byKey.has(parent) && !ownRoots.has(parent) && !open.has(parent)) push(parent);
        continue;
      }
      stack.pop();
      open.delete(frame.key);
      const { roots, causes } = resolve(byKey.get(frame.key)!, frame.parents, history, ownRoots);
      ownRoots.set(frame.key, roots);
      if (causes.length > 0) result.set(frame.key, sortCauses(causes, history));
    }
  }
  return result;
}

function parentsOf(asset: StalenessAsset): string[] {
  const parents = new Set<string>();
  for (const dep of asset.deps) if (dep.key !== undefined && dep.key !== asset.key) parents.add(dep.key);
  return [...parents];
}

/** One asset, its parents done: the causes arriving through stale parents, and its own roots. */
function resolve(
  asset: StalenessAsset,
  parents: readonly string[],
  history: ReadonlyMap<string, AssetHistory>,
  ownRoots: ReadonlyMap<string, ReadonlyMap<string, UpstreamCause["change"]>>,
): { roots: Map<string, UpstreamCause["change"]>; causes: UpstreamCause[] } {
  const roots = new Map<string, UpstreamCause["change"]>();
  const causes: UpstreamCause[] = [];
  const materialization = history.get(asset.key)?.materialization;
  // Sources are observed, never rebuilt; an asset never built has no data to be stale.
  if (asset.kind === "source" || materialization === undefined) return { roots, causes };
  if (asset.codeVersion !== undefined && asset.codeVersion !== materialization.codeVersion)
    roots.set(asset.key, "code");
  const seen = new Set<string>();
  for (const parent of parents) {
    const parentMaterialization = history.get(parent)?.materialization;
    const consumed = materialization.consumed[parent];
    const direct =
      parentMaterialization !== undefined && (consumed === undefined || parentMaterialization.eventId > consumed);
    if (direct) roots.set(parent, "materialized");
    for (const [root, change] of ownRoots.get(parent) ?? []) {
      if (!roots.has(root)) roots.set(root, change);
      if (root === asset.key || seen.has(root) || (direct && root === parent)) continue;
      seen.add(root);
      causes.push({ root, change, via: parent });
    }
  }
  return { roots, causes };
}

function sortCauses(causes: UpstreamCause[], history: ReadonlyMap<string, AssetHistory>): UpstreamCause[] {
  const idOf = (key: string): number => history.get(key)?.materialization?.eventId ?? 0;
  return causes.sort((a, b) => idOf(b.root) - idOf(a.root) || compareKeyStrings(a.root, b.root));
}

/** The reason an asset is upstream-changed through the first cause, in the user's words. */
export function upstreamCauseReason(causes: readonly UpstreamCause[]): string {
  const first = causes[0]!;
  const lead =
    first.change === "code"
      ? first.root === first.via
        ? `upstream ${first.root} has code changes not materialized yet`
        : `upstream ${first.root} has code changes not materialized yet (through ${first.via})`
      : `upstream ${first.root} changed and ${first.via} has not been rebuilt since`;
  const more = causes.length > 1 ? ` (and ${causes.length - 1} more upstream${causes.length > 2 ? "s" : ""})` : "";
  return lead + more;
}
