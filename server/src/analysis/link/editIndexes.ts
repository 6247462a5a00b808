import type { AssetDefinition, CheckDefinition, ResourceId } from "../../model/definitions";
import type { FileLink } from "./linkPass";

/**
 * Values by key, each key's values distinct and in the order they were added (as a Set keeps
 * them): an array of the exact length while there are few (most keys have one or two; ~40,800
 * Sets held ~8 MB at 3,000 files), a Set once there are many (a module every file imports).
 */
export type SmallSetMap<K, V> = Map<K, V[] | Set<V>>;

/** More values than this for one key are kept in a Set. */
const ARRAY_LIMIT = 8;

/** Adds (+1) or removes (-1) `value` under `key`; a key left with no value is removed. */
export function changeSmallSet<K, V>(map: SmallSetMap<K, V>, key: K, value: V, sign: 1 | -1): void {
  const values = map.get(key);
  if (sign > 0) {
    if (values === undefined) map.set(key, [value]);
    else if (values instanceof Set) values.add(value);
    else if (!values.includes(value)) {
      // concat allocates the exact length; push would reserve 17 more slots (~150 bytes).
      map.set(key, values.length < ARRAY_LIMIT ? values.concat([value]) : new Set(values).add(value));
    }
    return;
  }
  if (values === undefined) return;
  if (values instanceof Set) values.delete(value);
  else {
    const at = values.indexOf(value);
    if (at >= 0) values.splice(at, 1);
  }
  if ((values instanceof Set ? values.size : values.length) === 0) map.delete(key);
}

/**
 * What only edits need to know (which files read a path, which assets read a resource or name a
 * key, which checks target a key): built at the first edit, so a one-shot analysis (the CLI)
 * does not pay for it.
 */
export interface EditIndexes {
  /** Path → the files whose link read it. */
  readonly dependents: SmallSetMap<string, string>;
  /** Resource → the assets reading it (AL003 depends on its producers). */
  readonly readers: SmallSetMap<ResourceId, AssetDefinition>;
  /** Key → the assets with a dep on it (AL002, and the graph's children). */
  readonly depUsers: SmallSetMap<string, AssetDefinition>;
  /** Key → the checks targeting it (AL005). */
  readonly checksByTarget: SmallSetMap<string, CheckDefinition>;
}

/** The indexes of a linked workspace. */
export function buildEditIndexes(
  links: ReadonlyMap<string, FileLink>,
  assets: readonly AssetDefinition[],
  checks: readonly CheckDefinition[],
): EditIndexes {
  const indexes: EditIndexes = {
    dependents: new Map(),
    readers: new Map(),
    depUsers: new Map(),
    checksByTarget: new Map(),
  };
  for (const [file, link] of links) indexDependsOn(file, link, +1, indexes);
  for (const asset of assets) indexReadsAndDeps(asset, +1, indexes);
  for (const check of checks) indexCheck(check, +1, indexes);
  return indexes;
}

/** Adds (+1) or removes (-1) the paths a file's link read. */
export function indexDependsOn(file: string, link: FileLink, sign: 1 | -1, indexes: EditIndexes): void {
  if (!link.dependsOn) throw new Error(`the link of ${file} was made without tracking what it reads`);
  for (const path of link.dependsOn) changeSmallSet(indexes.dependents, path, file, sign);
}

export function indexReadsAndDeps(asset: AssetDefinition, sign: 1 | -1, indexes: EditIndexes): void {
  for (const read of asset.reads) changeSmallSet(indexes.readers, read.resource, asset, sign);
  for (const dep of asset.deps) if (dep.key !== undefined) changeSmallSet(indexes.depUsers, dep.key, asset, sign);
}

export function indexCheck(check: CheckDefinition, sign: 1 | -1, indexes: EditIndexes): void {
  if (check.assetKey !== undefined) changeSmallSet(indexes.checksByTarget, check.assetKey, check, sign);
}
