/**
 * The per-key questions about definitions (every definition of a key, its checks, its parents)
 * answered from the sorted definition lists by binary search: nothing to build, so a snapshot
 * can answer them after a keystroke without building its whole graph. The graph, the linker and
 * the language server all ask through this class, so they cannot disagree.
 */
import { compareKeyStrings, equalRange } from "./assetKey";
import type { AssetDefinition, CheckDefinition } from "./definitions";

const keyOfAsset = (asset: AssetDefinition): string => asset.key;
/** Checks without a resolved target sort first, as "" (no valid key is empty). */
const targetOfCheck = (check: CheckDefinition): string => check.assetKey ?? "";

export class DefinitionIndex {
  /**
   * Over lists already sorted: `assets` by key (definitions of one key in the order that makes
   * the first one the graph's), `checks` by target key, then name. Neither is copied.
   */
  constructor(
    private readonly assets: readonly AssetDefinition[],
    private readonly checks: readonly CheckDefinition[],
  ) {}

  /**
   * The index of lists in any order: sorted copies when needed (stable, so the first definition
   * of a key stays first).
   */
  static fromDefinitions(assets: readonly AssetDefinition[], checks: readonly CheckDefinition[]): DefinitionIndex {
    return new DefinitionIndex(sortedBy(assets, byKey), sortedBy(checks, byTargetThenName));
  }

  /** Every definition of a key (more than one is AL004), first definition first; [] when undefined. */
  definitionsOf(key: string): readonly AssetDefinition[] {
    const [start, end] = equalRange(this.assets, key, keyOfAsset);
    return this.assets.slice(start, end);
  }

  /** The definition that is the key's node in the graph: the first one. */
  definition(key: string): AssetDefinition | undefined {
    const [start, end] = equalRange(this.assets, key, keyOfAsset);
    return start < end ? this.assets[start] : undefined;
  }

  /** The checks targeting a key, sorted by name (same names in the order given). */
  checksOf(key: string): readonly CheckDefinition[] {
    const [start, end] = equalRange(this.checks, key, targetOfCheck);
    const found = this.checks.slice(start, end);
    // "" is also where checks without a target sort: only those naming "" itself count.
    return key === "" ? found.filter((check) => check.assetKey === key) : found;
  }

  /**
   * The direct upstream keys of a key, sorted: the resolved deps of its definition, placeholders
   * included, the key itself too on a self-loop (as AssetGraph.parents); [] when undefined.
   */
  parents(key: string): string[] {
    const definition = this.definition(key);
    if (!definition) return [];
    const keys = new Set<string>();
    for (const dep of definition.deps) if (dep.key !== undefined) keys.add(dep.key);
    return [...keys].sort(compareKeyStrings);
  }
}

function byKey(a: AssetDefinition, b: AssetDefinition): number {
  return compareKeyStrings(a.key, b.key);
}

function byTargetThenName(a: CheckDefinition, b: CheckDefinition): number {
  return compareKeyStrings(targetOfCheck(a), targetOfCheck(b)) || compareKeyStrings(a.name, b.name);
}

/** The list itself when already in order (the snapshot's lists are), else a stably sorted copy. */
function sortedBy<T>(list: readonly T[], order: (a: T, b: T) => number): readonly T[] {
  for (let i = 1; i < list.length; i++) if (order(list[i - 1], list[i]) > 0) return list.slice().sort(order);
  return list;
}
