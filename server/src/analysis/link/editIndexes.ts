import type { AssetDefinition, CheckDefinition, ResourceId } from "../../model/definitions";
import type { FileLink } from "./linkPass";
import { addToSetMap } from "./sortedLists";

/**
 * What only edits need to know (which files read a path, which assets read a resource or name a
 * key, which checks target a key): built at the first edit, so a one-shot analysis (the CLI)
 * does not pay for it.
 */
export interface EditIndexes {
  /** Path → the files whose link read it. */
  readonly dependents: Map<string, Set<string>>;
  /** Resource → the assets reading it (AL003 depends on its producers). */
  readonly readers: Map<ResourceId, Set<AssetDefinition>>;
  /** Key → the assets with a dep on it (AL002, and the graph's children). */
  readonly depUsers: Map<string, Set<AssetDefinition>>;
  /** Key → the checks targeting it (AL005). */
  readonly checksByTarget: Map<string, Set<CheckDefinition>>;
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
  for (const path of link.dependsOn) addToSetMap(indexes.dependents, path, file, sign);
}

export function indexReadsAndDeps(asset: AssetDefinition, sign: 1 | -1, indexes: EditIndexes): void {
  for (const read of asset.reads) addToSetMap(indexes.readers, read.resource, asset, sign);
  for (const dep of asset.deps) if (dep.key !== undefined) addToSetMap(indexes.depUsers, dep.key, asset, sign);
}

export function indexCheck(check: CheckDefinition, sign: 1 | -1, indexes: EditIndexes): void {
  if (check.assetKey !== undefined) addToSetMap(indexes.checksByTarget, check.assetKey, check, sign);
}
