/**
 * The asset graph (modelled on Dagster's BaseAssetGraph): nodes are asset keys in user
 * form ("a/b"), edges point downstream, from a dependency to the asset that depends on it.
 *
 * Immutable and pure. Internally a node is its rank in the sorted key list; the
 * algorithms live in graphAlgorithms.ts, this class translates keys to ranks and back.
 *
 * Keys are taken as given (not validated as AssetKeys): the analysis reports bad keys.
 * Unknown keys are answered leniently (empty results, skipped inputs) because the editor
 * asks about keys that existed a keystroke ago; use `has` to tell them apart.
 */
import { DefinitionIndex } from "./definitionIndex";
import type { AssetDefinition, CheckDefinition } from "./definitions";
import {
  buildAdjacency,
  cyclicComponents,
  reachable,
  rowOf,
  shortestCycleThrough,
  sortedUnique,
  topologicalOrder,
  type Adjacency,
} from "./graphAlgorithms";

export class AssetGraph {
  /** Per node, its parents, ascending (= alphabetical). */
  private readonly parentRows: Adjacency;
  /** Per node, its children, ascending (= alphabetical). */
  private readonly childRows: Adjacency;
  private sortedAll: readonly string[] | undefined;
  private cyclicComponentCache: readonly Int32Array[] | undefined;

  /**
   * Builds the graph of the analyzed definitions. The first definition of a key wins
   * (duplicates are reported as AL004 elsewhere); deps that resolve to an undefined key
   * become placeholder nodes; deps that resolve to nothing (`key` undefined) are ignored.
   */
  static fromDefinitions(assets: readonly AssetDefinition[], checks: readonly CheckDefinition[]): AssetGraph {
    const sorted = isSortedByKey(assets);
    const definitionByKey = firstDefinitions(assets, sorted);
    const placeholderKeys = new Set<string>();
    let edgeCount = 0;
    for (const asset of definitionByKey.values()) {
      for (const dep of asset.deps) {
        if (dep.key === undefined) continue;
        edgeCount++;
        if (!definitionByKey.has(dep.key)) placeholderKeys.add(dep.key);
      }
    }
    const keyList = sortedKeys(definitionByKey, placeholderKeys, sorted);
    const indexByKey = new Map<string, number>();
    for (let i = 0; i < keyList.length; i++) indexByKey.set(keyList[i], i);
    const from = new Int32Array(edgeCount);
    const to = new Int32Array(edgeCount);
    let edge = 0;
    for (const asset of definitionByKey.values()) {
      const child = indexByKey.get(asset.key)!;
      for (const dep of asset.deps) {
        if (dep.key === undefined) continue;
        from[edge] = indexByKey.get(dep.key)!;
        to[edge++] = child;
      }
    }
    const definitions = keyList.map((key) => definitionByKey.get(key));
    return new AssetGraph(keyList, indexByKey, definitions, from, to, DefinitionIndex.fromDefinitions(assets, checks));
  }

  private constructor(
    /** Every key, sorted; a node's index is its position here. */
    private readonly keyList: readonly string[],
    private readonly indexByKey: ReadonlyMap<string, number>,
    /** undefined marks a placeholder: referenced by a dep, defined nowhere. */
    private readonly definitionByIndex: readonly (AssetDefinition | undefined)[],
    edgeFrom: Int32Array,
    edgeTo: Int32Array,
    /** Every definition (duplicates too) and every check of the graph's keys. */
    private readonly index: DefinitionIndex,
  ) {
    this.parentRows = buildAdjacency(keyList.length, edgeTo, edgeFrom);
    this.childRows = buildAdjacency(keyList.length, edgeFrom, edgeTo);
  }

  /** The number of nodes, placeholders included. */
  get size(): number {
    return this.keyList.length;
  }

  /** Every key, placeholders included, sorted. */
  keys(): string[] {
    return this.keyList.slice();
  }

  /** True when the key is a node (defined or placeholder). */
  has(key: string): boolean {
    return this.indexByKey.has(key);
  }

  /** The definition of a key; undefined for placeholders and unknown keys. */
  definition(key: string): AssetDefinition | undefined {
    const index = this.indexByKey.get(key);
    return index === undefined ? undefined : this.definitionByIndex[index];
  }

  /** Every definition of a key, the graph's first (more than one is AL004); [] for placeholders and unknown keys. */
  definitionsOf(key: string): AssetDefinition[] {
    return this.index.definitionsOf(key).slice();
  }

  /** True when the key is referenced by a dep but defined by no asset or source. */
  isPlaceholder(key: string): boolean {
    const index = this.indexByKey.get(key);
    return index !== undefined && this.definitionByIndex[index] === undefined;
  }

  /** The direct upstream keys, sorted ([] for unknown keys; includes the key itself on a self-loop). */
  parents(key: string): string[] {
    return this.keysAt(this.neighbours(key, this.parentRows));
  }

  /** The direct downstream keys, sorted ([] for unknown keys; includes the key itself on a self-loop). */
  children(key: string): string[] {
    return this.keysAt(this.neighbours(key, this.childRows));
  }

  /** Upstream keys within `depth` levels (all when omitted), sorted, never the key itself. */
  ancestors(key: string, depth?: number): string[] {
    const index = this.indexByKey.get(key);
    if (index === undefined) return [];
    return this.keysAt(this.reach([index], this.parentRows, depth, false));
  }

  /** Downstream keys within `depth` levels (all when omitted), sorted, never the key itself. */
  descendants(key: string, depth?: number): string[] {
    const index = this.indexByKey.get(key);
    if (index === undefined) return [];
    return this.keysAt(this.reach([index], this.childRows, depth, false));
  }

  /** The given keys plus their ancestors within `depth` levels (all when omitted), sorted; unknown keys are skipped. */
  withAncestors(keys: Iterable<string>, depth?: number): string[] {
    return this.keysAt(this.reach(this.indicesOf(keys), this.parentRows, depth, true));
  }

  /** The given keys plus their descendants within `depth` levels (all when omitted), sorted; unknown keys are skipped. */
  withDescendants(keys: Iterable<string>, depth?: number): string[] {
    return this.keysAt(this.reach(this.indicesOf(keys), this.childRows, depth, true));
  }

  /** The checks that target the key, sorted by name. */
  checksOf(key: string): CheckDefinition[] {
    return this.index.checksOf(key).slice();
  }

  /**
   * A stable topological order of `keys` (all keys when omitted; unknown keys skipped):
   * Kahn's algorithm taking the alphabetically smallest ready key first, so the order
   * never flickers between analyses. Order is also respected *through* keys left out, so
   * in a→b→c, toposort(["c","a"]) is ["a","c"]. Keys that can never become ready — in a
   * cycle or downstream of one — are appended at the end in alphabetical order.
   */
  toposort(keys?: Iterable<string>): string[] {
    if (keys === undefined) {
      this.sortedAll ??= this.keysAt(this.orderOf(Int32Array.from(this.keyList.keys())));
      return this.sortedAll.slice();
    }
    return this.keysAt(this.orderOf(this.indicesOf(keys)));
  }

  /**
   * One cycle per strongly connected component with more than one node or a self-loop:
   * a path along the edges (upstream → downstream) that starts and ends at the component's
   * alphabetically smallest key, e.g. ["a","b","c","a"] — the shortest such path, with
   * ties broken alphabetically. Sorted by start. A component may hold more keys than the
   * path shows; `cyclicComponents` lists them all (AL001 flags every member).
   */
  cycles(): string[][] {
    return this.cyclicComponentIndices().map((component) =>
      this.keysAt(shortestCycleThrough(this.childRows, component)),
    );
  }

  /** The members of each component `cycles` reports, each sorted, sorted by first member. */
  cyclicComponents(): string[][] {
    return this.cyclicComponentIndices().map((component) => this.keysAt(component));
  }

  /** The graph induced by `keys` (unknown keys skipped): those nodes, the edges among them, and their checks. */
  subgraph(keys: Iterable<string>): AssetGraph {
    const kept = this.indicesOf(keys);
    const newIndex = new Int32Array(this.keyList.length).fill(-1);
    kept.forEach((node, index) => (newIndex[node] = index));
    const keyList = Array.from(kept, (node) => this.keyList[node]);
    const indexByKey = new Map(keyList.map((key, index) => [key, index]));
    const from: number[] = [];
    const to: number[] = [];
    const assets: AssetDefinition[] = [];
    const checks: CheckDefinition[] = [];
    for (const node of kept) {
      for (const parent of rowOf(this.parentRows, node)) {
        if (newIndex[parent] === -1) continue;
        from.push(newIndex[parent]);
        to.push(newIndex[node]);
      }
      // Kept nodes ascend by key, so these stay in the index's order.
      assets.push(...this.index.definitionsOf(this.keyList[node]));
      checks.push(...this.index.checksOf(this.keyList[node]));
    }
    const definitions = Array.from(kept, (node) => this.definitionByIndex[node]);
    const index = new DefinitionIndex(assets, checks);
    return new AssetGraph(keyList, indexByKey, definitions, Int32Array.from(from), Int32Array.from(to), index);
  }

  private keysAt(indices: ArrayLike<number>): string[] {
    const keys = new Array<string>(indices.length);
    for (let i = 0; i < indices.length; i++) keys[i] = this.keyList[indices[i]];
    return keys;
  }

  private indicesOf(keys: Iterable<string>): Int32Array {
    const found: number[] = [];
    for (const key of keys) {
      const index = this.indexByKey.get(key);
      if (index !== undefined) found.push(index);
    }
    return sortedUnique(Int32Array.from(found));
  }

  private orderOf(members: Int32Array): Int32Array {
    return topologicalOrder(this.keyList.length, this.parentRows, this.childRows, members);
  }

  private neighbours(key: string, adjacency: Adjacency): Int32Array {
    const index = this.indexByKey.get(key);
    return index === undefined ? new Int32Array(0) : rowOf(adjacency, index);
  }

  /** The nodes within `depth` levels of `starts` along `adjacency`, ascending. */
  private reach(
    starts: ArrayLike<number>,
    adjacency: Adjacency,
    depth: number | undefined,
    includeStarts: boolean,
  ): Int32Array {
    const maxDepth = depth ?? Number.POSITIVE_INFINITY;
    if (!(maxDepth >= 0) || (Number.isFinite(maxDepth) && !Number.isInteger(maxDepth))) {
      throw new RangeError(`depth must be a whole number of levels, 0 or more (got ${depth})`);
    }
    return reachable(this.keyList.length, adjacency, starts, maxDepth, includeStarts);
  }

  private cyclicComponentIndices(): readonly Int32Array[] {
    this.cyclicComponentCache ??= cyclicComponents(this.keyList.length, this.childRows);
    return this.cyclicComponentCache;
  }
}

/**
 * Each key's first definition. In key order when the list is sorted by key (the snapshot's
 * lists are): then the first of each run, without a write per duplicate.
 */
function firstDefinitions(assets: readonly AssetDefinition[], sortedByKey: boolean): Map<string, AssetDefinition> {
  const definitionByKey = new Map<string, AssetDefinition>();
  if (sortedByKey) {
    let previous: string | undefined;
    for (const asset of assets) if (asset.key !== previous) definitionByKey.set((previous = asset.key), asset);
    return definitionByKey;
  }
  // Backwards, so the first definition of a key is the one left in the map.
  for (let i = assets.length - 1; i >= 0; i--) definitionByKey.set(assets[i].key, assets[i]);
  return definitionByKey;
}

/** Every node's key, sorted; the defined keys are in order already when the assets were sorted by key. */
function sortedKeys(
  definitionByKey: ReadonlyMap<string, AssetDefinition>,
  placeholderKeys: ReadonlySet<string>,
  sortedByKey: boolean,
): string[] {
  // The default sort compares UTF-16 code units, exactly like compareKeyStrings, only faster.
  if (!sortedByKey) return [...definitionByKey.keys(), ...placeholderKeys].sort();
  const defined = [...definitionByKey.keys()];
  if (placeholderKeys.size === 0) return defined;
  const placeholders = [...placeholderKeys].sort();
  const merged: string[] = [];
  let d = 0;
  let p = 0;
  while (d < defined.length && p < placeholders.length)
    merged.push(defined[d] < placeholders[p] ? defined[d++] : placeholders[p++]);
  while (d < defined.length) merged.push(defined[d++]);
  while (p < placeholders.length) merged.push(placeholders[p++]);
  return merged;
}

function isSortedByKey(assets: readonly AssetDefinition[]): boolean {
  for (let i = 1; i < assets.length; i++) if (assets[i - 1].key > assets[i].key) return false;
  return true;
}
