import type { AssetDefinition, DependencyRef } from "../../model/definitions";
import type { KeyIndex } from "../diagnostics/graphDiagnostics";
import { sameStrings } from "./sortedLists";

/** What happened to the keys a re-link touched. */
export interface KeyChanges {
  /** Keys that became defined or undefined. */
  readonly defined: ReadonlySet<string>;
  /** Keys that became or stopped being placeholders. */
  readonly placeholders: ReadonlySet<string>;
  /** Each touched key with its definitions before and after (AL004 is about these). */
  readonly redefined: ReadonlyArray<readonly [string, readonly AssetDefinition[], readonly AssetDefinition[]]>;
  /** Edges (dep key, key) the new first definitions added. */
  readonly addedEdges: ReadonlyArray<readonly [string, string]>;
  /** True when the graph's edges or nodes changed. */
  readonly edgesChanged: boolean;
}

/**
 * The graph's nodes as the linker keeps them between snapshots: each key's definitions (the
 * first is the node's; the others are AL004), and the placeholders, keys that first
 * definitions depend on and nothing defines.
 */
export class LinkedKeys {
  private definitionsByKey = new Map<string, readonly AssetDefinition[]>();
  /**
   * How many deps of first definitions name each key: a named, undefined key is a placeholder.
   * Only updates need the counts: counted at the first one.
   */
  private counted: Map<string, number> | undefined;
  private placeholders = new Set<string>();

  readonly index: KeyIndex = {
    isDefined: (key) => this.definitionsByKey.has(key),
    isPlaceholder: (key) => this.placeholders.has(key),
    definedKeys: () => this.definitionsByKey.keys(),
  };

  /** Starts over from every key's definitions, sorted (DefinitionLists.reset); keeps the map. */
  reset(definitionsByKey: Map<string, readonly AssetDefinition[]>): void {
    this.definitionsByKey = definitionsByKey;
    this.counted = undefined;
    const placeholders = (this.placeholders = new Set());
    // forEach and an indexed loop: see WorkspaceLinker.checkEveryDefinition.
    definitionsByKey.forEach((list) => {
      const deps = list[0]!.deps;
      for (let i = 0; i < deps.length; i++) {
        const key = deps[i]!.key;
        if (key !== undefined && !definitionsByKey.has(key)) placeholders.add(key);
      }
    });
  }

  /** Counts now what the first update would otherwise count. */
  prepareForEdits(): void {
    this.firstDefinitionRefs();
  }

  /** Calls `visit` with every defined key's definitions, in the order the keys were first defined. */
  forEachKey(visit: (definitions: readonly AssetDefinition[], key: string) => void): void {
    this.definitionsByKey.forEach(visit);
  }

  /** The definition that is the key's node (the first), if any. */
  first(key: string): AssetDefinition | undefined {
    return this.definitionsByKey.get(key)?.[0];
  }

  /** Every node: defined keys, then placeholders. */
  nodes(): readonly string[] {
    return [...this.definitionsByKey.keys(), ...this.placeholders];
  }

  /** What a node depends on: its first definition's deps (none for a placeholder). */
  depsOf(key: string): readonly DependencyRef[] {
    return this.first(key)?.deps ?? NO_DEPS;
  }

  /** Takes the new definitions of the keys (`definitionsOf`, from the patched sorted list). */
  update(keys: Iterable<string>, definitionsOf: (key: string) => readonly AssetDefinition[] | undefined): KeyChanges {
    this.firstDefinitionRefs();
    const defined = new Set<string>();
    const refsTouched = new Set<string>();
    const redefined: Array<[string, readonly AssetDefinition[], readonly AssetDefinition[]]> = [];
    const addedEdges: Array<[string, string]> = [];
    let edgesChanged = false;
    for (const key of keys) {
      const before = this.definitionsByKey.get(key);
      const after = definitionsOf(key);
      if (after) this.definitionsByKey.set(key, after);
      else this.definitionsByKey.delete(key);
      if (!before !== !after) defined.add(key);
      const oldFirst = before?.[0];
      const newFirst = after?.[0];
      if (oldFirst !== newFirst) {
        const oldDeps = oldFirst ? depKeys(oldFirst) : [];
        const newDeps = newFirst ? depKeys(newFirst) : [];
        if (oldFirst) this.countRefs(oldFirst, -1, refsTouched);
        if (newFirst) this.countRefs(newFirst, +1, refsTouched);
        if (!sameStrings(oldDeps, newDeps)) {
          edgesChanged = true;
          const had = new Set(oldDeps);
          for (const dep of newDeps) if (!had.has(dep)) addedEdges.push([dep, key]);
        }
      }
      redefined.push([key, before ?? [], after ?? []]);
    }
    const placeholders = this.updatePlaceholders([...refsTouched, ...defined]);
    // A node appearing or disappearing changes the graph's node set, which the level check must see.
    if (defined.size > 0 || placeholders.size > 0) edgesChanged = true;
    return { defined, placeholders, redefined, addedEdges, edgesChanged };
  }

  /** Re-decides which of `keys` are placeholders; returns those that changed. */
  private updatePlaceholders(keys: Iterable<string>): Set<string> {
    const changed = new Set<string>();
    for (const key of keys) {
      const now = !this.definitionsByKey.has(key) && (this.firstDefinitionRefs().get(key) ?? 0) > 0;
      if (now === this.placeholders.has(key)) continue;
      if (now) this.placeholders.add(key);
      else this.placeholders.delete(key);
      changed.add(key);
    }
    return changed;
  }

  private firstDefinitionRefs(): Map<string, number> {
    if (this.counted) return this.counted;
    this.counted = new Map();
    for (const list of this.definitionsByKey.values()) this.countRefs(list[0]!, +1);
    return this.counted;
  }

  private countRefs(first: AssetDefinition, sign: 1 | -1, touched?: Set<string>): void {
    const counts = this.firstDefinitionRefs();
    for (const dep of first.deps) {
      if (dep.key === undefined) continue;
      const count = (counts.get(dep.key) ?? 0) + sign;
      if (count === 0) counts.delete(dep.key);
      else counts.set(dep.key, count);
      touched?.add(dep.key);
    }
  }
}

const NO_DEPS: readonly DependencyRef[] = [];

function depKeys(asset: AssetDefinition): string[] {
  const keys: string[] = [];
  for (const dep of asset.deps) if (dep.key !== undefined) keys.push(dep.key);
  return keys;
}
