/**
 * One side of an impact comparison indexed for the diff and the downstream walk, patched in
 * place from one snapshot to the next so an edit costs the definitions it replaced.
 */
import { compareKeyStrings as compare, equalRange } from "./assetKey";
import { ColumnCatalog, producedResources } from "./columnCatalog";
import type { AssetDefinition, ResourceId } from "./definitions";
import type { ImpactSide } from "./impactChanges";

/** Past this many definitions replaced, indexing a side afresh is as cheap as patching it. */
const PATCH_LIMIT = 500;

/**
 * One side indexed: first definitions by key, producers and readers of resources, columns, and
 * each key's downstream. A later snapshot of the same workspace patches it (`next`): between two
 * analyses only the edited files' definitions are new objects, so a keystroke re-indexes those.
 */
export class SideIndex {
  readonly byKey = new Map<string, AssetDefinition>();
  readonly producers = new Map<ResourceId, AssetDefinition[]>();
  readonly readers = new Map<ResourceId, AssetDefinition[]>();
  readonly depUsers = new Map<string, AssetDefinition[]>();
  private catalog: ColumnCatalog | undefined;
  private readonly downstream = new Map<string, readonly string[]>();
  /** Each key's place in `byKey`, built on first use; a patch drops it. */
  private positions: Map<string, number> | undefined;
  /** Patches applied since it was built; with `touched`, what an answer remembered against it can trust. */
  patches = 0;
  /** The keys whose first definition the last patch replaced, added or removed. */
  touched: ReadonlySet<string> = new Set();
  /** Bumped by a patch that changes what is downstream of what (keys, deps, reads, writes). */
  edges = 0;

  constructor(side: ImpactSide) {
    this.sideValue = side;
    for (const asset of side.assets) if (!this.byKey.has(asset.key)) this.byKey.set(asset.key, asset);
    for (const asset of this.byKey.values()) this.index(asset, +1);
  }

  private sideValue: ImpactSide;

  get side(): ImpactSide {
    return this.sideValue;
  }

  /** `assets` (first definitions of this index) in the order the index holds them, as iterating `byKey` gives. */
  inOrder(assets: readonly AssetDefinition[]): AssetDefinition[] {
    if (!this.positions) {
      this.positions = new Map();
      for (const key of this.byKey.keys()) this.positions.set(key, this.positions.size);
    }
    const positions = this.positions;
    return [...assets].sort((a, b) => positions.get(a.key)! - positions.get(b.key)!);
  }

  /** Built on first use: the working side needs it only for the assets that changed. */
  get columns(): ColumnCatalog {
    return (this.catalog ??= new ColumnCatalog(this.byKey.values()));
  }

  /**
   * The index of `side`: `previous` patched in place when `side` is a later snapshot of the
   * same workspace with few definitions replaced, else a new index. `previous` must not be
   * used for its old side again.
   */
  static next(previous: SideIndex | undefined, side: ImpactSide): SideIndex {
    if (!previous) return new SideIndex(side);
    if (previous.side === side) return previous;
    const { gone, added } = replacedBetween(previous.side.assets, side.assets);
    if (gone.length + added.length > PATCH_LIMIT) return new SideIndex(side);
    previous.patch(side, gone, added);
    return previous;
  }

  /** Assets depending on `key` or reading what it produces, sorted; memoised until a patch touches them. */
  childrenOf(key: string): readonly string[] {
    let children = this.downstream.get(key);
    if (!children) {
      const found = new Set<string>();
      for (const user of this.depUsers.get(key) ?? []) found.add(user.key);
      const definition = this.byKey.get(key);
      if (definition)
        for (const resource of producedResources(definition))
          for (const reader of this.readers.get(resource) ?? []) found.add(reader.key);
      found.delete(key);
      children = [...found].sort(compare);
      this.downstream.set(key, children);
    }
    return children;
  }

  private patch(side: ImpactSide, gone: readonly AssetDefinition[], added: readonly AssetDefinition[]): void {
    this.sideValue = side;
    const keys = new Set([...gone, ...added].map((asset) => asset.key));
    // The first definition of each touched key in the new snapshot's order (sorted by key).
    const firsts = new Map<string, AssetDefinition>();
    for (const key of keys) {
      const [start, end] = equalRange(side.assets, key, (asset) => asset.key);
      if (start < end) firsts.set(key, side.assets[start]!);
    }
    const unindexed: AssetDefinition[] = [];
    const indexed: AssetDefinition[] = [];
    const touched = new Set<string>();
    for (const key of keys) {
      const before = this.byKey.get(key);
      const after = firsts.get(key);
      if (before === after) continue;
      touched.add(key);
      if (!before || !after || edgesOf(before) !== edgesOf(after)) this.edges += 1;
      if (before) {
        this.index(before, -1);
        unindexed.push(before);
      }
      if (after) {
        this.byKey.set(key, after);
        this.index(after, +1);
        indexed.push(after);
      } else this.byKey.delete(key);
    }
    this.catalog?.patch(unindexed, indexed);
    for (const asset of [...unindexed, ...indexed]) this.forgetDownstreamAround(asset);
    this.touched = touched;
    this.patches += 1;
    this.positions = undefined;
  }

  /** Adds (+1) or removes (-1) a first definition's entries; order within a list does not matter to any reader. */
  private index(asset: AssetDefinition, sign: 1 | -1): void {
    const change = sign > 0 ? push : pull;
    for (const resource of producedResources(asset)) change(this.producers, resource, asset);
    for (const read of asset.reads) change(this.readers, read.resource, asset);
    for (const dep of asset.deps) if (dep.key !== undefined) change(this.depUsers, dep.key, asset);
  }

  /** The downstream lists a definition takes part in: its own, its deps', and its read resources' producers'. */
  private forgetDownstreamAround(asset: AssetDefinition): void {
    this.downstream.delete(asset.key);
    for (const dep of asset.deps) if (dep.key !== undefined) this.downstream.delete(dep.key);
    for (const read of asset.reads)
      for (const producer of this.producers.get(read.resource) ?? []) this.downstream.delete(producer.key);
  }
}

/**
 * The definitions of `before` that `after` no longer has, and those it has anew, by identity (an
 * unedited file keeps its definition objects). Both lists are sorted by key, so one walk in step
 * finds them comparing references; where the orders disagree (ties), an object lands on both
 * sides and is taken off again, so the answer is right whatever the order, only longer to find.
 */
export function replacedBetween(
  before: readonly AssetDefinition[],
  after: readonly AssetDefinition[],
): { gone: AssetDefinition[]; added: AssetDefinition[] } {
  const gone: AssetDefinition[] = [];
  const added: AssetDefinition[] = [];
  let i = 0;
  let j = 0;
  while (i < before.length && j < after.length) {
    const old = before[i]!;
    const next = after[j]!;
    if (old === next) {
      i += 1;
      j += 1;
      continue;
    }
    const order =
      compare(old.key, next.key) ||
      compare(old.location.file, next.location.file) ||
      old.location.range.start.line - next.location.range.start.line;
    if (order <= 0) gone.push(before[i++]!);
    if (order >= 0) added.push(after[j++]!);
  }
  while (i < before.length) gone.push(before[i++]!);
  while (j < after.length) added.push(after[j++]!);
  if (gone.length === 0 || added.length === 0) return { gone, added };
  const fresh = new Set(added);
  const both = new Set(gone.filter((asset) => fresh.has(asset)));
  if (both.size === 0) return { gone, added };
  return { gone: gone.filter((asset) => !both.has(asset)), added: added.filter((asset) => !both.has(asset)) };
}

/** What of a definition the index's downstream lists are made of: its deps, reads and what it produces. */
function edgesOf(asset: AssetDefinition): string {
  const deps = asset.deps.map((dep) => dep.key ?? "").sort();
  const reads = asset.reads.map((read) => read.resource).sort();
  return JSON.stringify([deps, reads, producedResources(asset).sort()]);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function pull<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key)?.filter((item) => item !== value);
  if (list && list.length > 0) map.set(key, list);
  else map.delete(key);
}
