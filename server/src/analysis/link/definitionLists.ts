import { compareKeyStrings as compare } from "../../model/assetKey";
import { DefinitionIndex } from "../../model/definitionIndex";
import type { AssetDefinition, CheckDefinition } from "../../model/definitions";
import type { FileLink } from "./linkPass";
import { appendAll, lowerBound, patchSorted, replaceSorted } from "./sortedLists";

/** One file's or many files' definitions before and after a re-link (see pairUp). */
export interface Replacements<T> {
  readonly replaced: Array<[T, T]>;
  readonly removed: T[];
  readonly added: T[];
}

export interface Relinked {
  readonly assets: Replacements<AssetDefinition>;
  readonly checks: Replacements<CheckDefinition>;
}

/** The definitions a re-link took away (removed, or replaced by another object) and brought. */
export interface DefinitionDelta {
  readonly goneAssets: readonly AssetDefinition[];
  readonly newAssets: readonly AssetDefinition[];
  readonly goneChecks: readonly CheckDefinition[];
  readonly newChecks: readonly CheckDefinition[];
}

export function emptyRelinked(): Relinked {
  return { assets: { replaced: [], removed: [], added: [] }, checks: { replaced: [], removed: [], added: [] } };
}

/**
 * The sorted file, asset and check lists a snapshot hands out, patched between snapshots.
 * A list handed out is never changed again: it is copied before its first change.
 */
export class DefinitionLists {
  private files: string[] = [];
  private assets: AssetDefinition[] = [];
  private checks: CheckDefinition[] = [];
  /** True once the list was handed out with a snapshot. */
  private filesShared = false;
  private assetsShared = false;
  private checksShared = false;
  /** A definition's position in its file's link, the last tie-breaker of the sort orders. */
  private readonly ordinals = new WeakMap<AssetDefinition | CheckDefinition, number>();

  /** By key, file, line, then call order. */
  readonly assetOrder = (a: AssetDefinition, b: AssetDefinition): number =>
    compare(a.key, b.key) ||
    compare(a.location.file, b.location.file) ||
    a.location.range.start.line - b.location.range.start.line ||
    this.ordinals.get(a)! - this.ordinals.get(b)!;

  /** By target key, name, file, then call order. */
  readonly checkOrder = (a: CheckDefinition, b: CheckDefinition): number =>
    compare(a.assetKey ?? "", b.assetKey ?? "") ||
    compare(a.name, b.name) ||
    compare(a.location.file, b.location.file) ||
    this.ordinals.get(a)! - this.ordinals.get(b)!;

  /** Records the call order of a link's definitions; before they are sorted. */
  noteLink(link: FileLink): void {
    // Indexed loops: see WorkspaceLinker.checkEveryDefinition.
    const { assets, checks } = link;
    for (let i = 0; i < assets.length; i++) this.ordinals.set(assets[i]!, i);
    for (let i = 0; i < checks.length; i++) this.ordinals.set(checks[i]!, i);
  }

  /**
   * Starts over from every file's link (each noted already), in the order of the sorted `files`.
   * Returns each key's definitions, sorted, keys in the order first met (what LinkedKeys starts from).
   */
  reset(files: string[], links: readonly FileLink[]): Map<string, AssetDefinition[]> {
    this.files = files;
    this.assetsShared = this.checksShared = this.filesShared = false;
    // Grouped by key in file order, then the keys sorted by the built-in sort (code units, as
    // `compare`): most keys have one definition, so this avoids nearly every call of assetOrder.
    const grouped = new Map<string, AssetDefinition[]>();
    const checks: CheckDefinition[] = [];
    // Indexed loops: see WorkspaceLinker.checkEveryDefinition.
    for (let i = 0; i < links.length; i++) {
      const link = links[i]!;
      for (let j = 0; j < link.assets.length; j++) {
        const asset = link.assets[j]!;
        const same = grouped.get(asset.key);
        if (same) same.push(asset);
        else grouped.set(asset.key, [asset]);
      }
      appendAll(checks, link.checks);
    }
    const assets: AssetDefinition[] = [];
    const keys = [...grouped.keys()].sort();
    for (let i = 0; i < keys.length; i++) {
      const definitions = grouped.get(keys[i]!)!;
      if (definitions.length > 1) definitions.sort(this.assetOrder);
      appendAll(assets, definitions);
    }
    this.assets = assets;
    this.checks = checks.sort(this.checkOrder);
    return grouped;
  }

  get sortedAssets(): readonly AssetDefinition[] {
    return this.assets;
  }

  get sortedChecks(): readonly CheckDefinition[] {
    return this.checks;
  }

  /** Lists or unlists a path, as it now `exists` or not. */
  updateFile(path: string, exists: boolean): void {
    const index = lowerBound(this.files, path, compare);
    const listed = index < this.files.length && this.files[index] === path;
    if (exists === listed) return;
    if (this.filesShared) this.files = this.files.slice();
    this.filesShared = false;
    if (exists) this.files.splice(index, 0, path);
    else this.files.splice(index, 1);
  }

  /** Same-position replacements in place, the rest removed and inserted. */
  patch({ assets, checks }: Relinked): DefinitionDelta {
    if (assets.replaced.length + assets.removed.length + assets.added.length > 0) {
      if (this.assetsShared) this.assets = this.assets.slice();
      this.assetsShared = false;
      replaceSorted(this.assets, assets.replaced, this.assetOrder);
      this.assets = patchSorted(this.assets, assets.removed, assets.added, this.assetOrder);
    }
    if (checks.replaced.length + checks.removed.length + checks.added.length > 0) {
      if (this.checksShared) this.checks = this.checks.slice();
      this.checksShared = false;
      replaceSorted(this.checks, checks.replaced, this.checkOrder);
      this.checks = patchSorted(this.checks, checks.removed, checks.added, this.checkOrder);
    }
    return {
      goneAssets: [...assets.removed, ...assets.replaced.map(([old]) => old)],
      newAssets: [...assets.added, ...assets.replaced.map(([, next]) => next)],
      goneChecks: [...checks.removed, ...checks.replaced.map(([old]) => old)],
      newChecks: [...checks.added, ...checks.replaced.map(([, next]) => next)],
    };
  }

  /** The definitions of a key, in the sorted order (a contiguous run of the sorted list); undefined when none. */
  definitionsOf(key: string): readonly AssetDefinition[] | undefined {
    const run = new DefinitionIndex(this.assets, this.checks).definitionsOf(key);
    return run.length > 0 ? run : undefined;
  }

  /** The lists for a snapshot: from now on they must not change. */
  share(): { files: readonly string[]; assets: readonly AssetDefinition[]; checks: readonly CheckDefinition[] } {
    this.assetsShared = this.checksShared = this.filesShared = true;
    return { files: this.files, assets: this.assets, checks: this.checks };
  }
}
