import type { FileFacts, ImportBinding, ModuleRef } from "../facts";
import { resolveRelativeModule } from "../scan/modules";

/** Names the `assetline` module exports (what `export * from "assetline"` brings along). */
const SDK_EXPORTS = new Set(["asset", "check", "source", "sql", "isAssetlineDefinition"]);

/** Where a name used in some file finally comes from. */
export type Origin =
  | { readonly kind: "sdk"; readonly name: string }
  | { readonly kind: "declaration"; readonly file: string; readonly local: string }
  | { readonly kind: "namespace"; readonly module: ResolvedModule };

export type ResolvedModule = { readonly kind: "sdk" } | { readonly kind: "file"; readonly file: string };

/**
 * Records which workspace paths a computation looked at: files whose facts it read, and
 * paths it probed that do not exist (a file created there later changes the answer).
 * Computations nest; a path is recorded in every open one, so an outer result depends on
 * whatever its inner (possibly memoised) steps depended on.
 */
export class DependencyTracker {
  private readonly open: Set<string>[] = [];

  touch(path: string): void {
    for (let i = 0; i < this.open.length; i++) this.open[i]!.add(path);
  }

  /** Replays the dependencies of a memoised result into the open computations. */
  touchAll(paths: ReadonlySet<string>): void {
    if (this.open.length === 0) return;
    for (const path of paths) this.touch(path);
  }

  collect<T>(compute: () => T): { readonly value: T; readonly deps: Set<string> } {
    const deps = new Set<string>();
    this.open.push(deps);
    try {
      return { value: compute(), deps };
    } finally {
      this.open.pop();
    }
  }
}

interface Memo {
  readonly origin: Origin | undefined;
  readonly deps: ReadonlySet<string> | undefined;
}

/** A relative module path's resolution, with the candidate paths probed on the way (in order). */
interface ModuleMemo {
  readonly module: ResolvedModule | undefined;
  readonly probed: readonly string[];
}

const SDK_MODULE: ResolvedModule = { kind: "sdk" };

/**
 * Follows imports and re-exports across workspace files (aliases, renames, barrels,
 * `export *`, namespaces) until a name reaches the SDK or a declaration. Cycles in
 * re-exports resolve to nothing instead of looping.
 *
 * Memoised for one linking pass, but only answers that do not depend on the path they were
 * reached by: a name looked up while resolving a re-export cycle may have been cut short by
 * the cycle, and is recomputed when asked again. Every answer is therefore the same as a
 * fresh lookup, whatever was resolved before, which lets files be linked one at a time.
 */
export class SymbolResolver {
  /** File → exported name → origin. */
  private readonly exportMemo = new Map<string, Map<string, Memo>>();
  /** Every file imports through the same few paths: each is probed once per pass. */
  private readonly moduleMemo = new Map<string, ModuleMemo>();
  /**
   * An untracked pass's answer for each import binding resolved outside any export lookup (so
   * never cut short by a cycle): definitions, their deps and their helpers name the same
   * imports again and again. A tracked answer would have to replay its paths, so no memo there.
   */
  private readonly importMemo = new Map<ImportBinding, Origin | undefined>();
  /** Lookups under way, with their depth, so a cycle cut knows which lookups it affects. */
  private readonly inProgress = new Map<string, number>();
  /** The shallowest in-progress lookup a cycle cut has hit since the innermost lookup began. */
  private shallowestCut = Number.POSITIVE_INFINITY;

  constructor(
    private readonly files: ReadonlyMap<string, FileFacts>,
    private readonly tracker?: DependencyTracker,
  ) {}

  resolveModule(ref: ModuleRef): ResolvedModule | undefined {
    const target = ref.target;
    if (target.kind === "assetline") return SDK_MODULE;
    if (target.kind === "external") return undefined;
    let memo = this.moduleMemo.get(target.path);
    if (!memo) {
      const probed: string[] = [];
      const file = resolveRelativeModule(target.path, (candidate) => {
        probed.push(candidate);
        return this.files.has(candidate);
      });
      // The facts' own path string: every later lookup by it (exports, facts, memos) then finds
      // its key by identity, where the probed path (a concatenation) would be compared character by character.
      const own = file === undefined ? undefined : (this.files.get(file)?.file ?? file);
      memo = { module: own === undefined ? undefined : { kind: "file", file: own }, probed };
      this.moduleMemo.set(target.path, memo);
    }
    if (this.tracker) for (const path of memo.probed) this.tracker.touch(path);
    return memo.module;
  }

  /** What `name`, as used inside `file`, refers to. */
  resolveLocal(file: string, name: string): Origin | undefined {
    const facts = this.factsOf(file);
    if (!facts) return undefined;
    const binding = facts.imports.get(name);
    if (binding) {
      if (this.tracker || this.inProgress.size > 0) return this.resolveImported(binding.module, binding.imported);
      let origin = this.importMemo.get(binding);
      if (origin === undefined && !this.importMemo.has(binding)) {
        origin = this.resolveImported(binding.module, binding.imported);
        this.importMemo.set(binding, origin);
      }
      return origin;
    }
    if (facts.declarations.has(name)) return { kind: "declaration", file, local: name };
    return undefined;
  }

  /** `ns.member` where `ns` resolved to a namespace. */
  resolveMember(namespace: Origin | undefined, member: string): Origin | undefined {
    if (!namespace || namespace.kind !== "namespace") return undefined;
    const module = namespace.module;
    return module.kind === "sdk" ? sdkOrigin(member) : this.resolveExport(module.file, member);
  }

  /** The origin of the name `file` exports as `name`. */
  resolveExport(file: string, name: string): Origin | undefined {
    // Most exports name a const of the file itself, and most are asked for once (by the one file
    // importing it): answered directly, such a lookup reads one file and recurses into nothing, so
    // the memo, the in-progress key and the cycle bookkeeping below would only add to its cost.
    const facts = this.files.get(file);
    const exported = facts?.exports.get(name);
    if (exported?.kind === "local" && !facts!.imports.has(exported.local)) {
      this.tracker?.touch(file);
      return facts!.declarations.has(exported.local) ? { kind: "declaration", file, local: exported.local } : undefined;
    }
    const memo = this.exportMemo.get(file)?.get(name);
    if (memo) {
      if (memo.deps) this.tracker?.touchAll(memo.deps);
      return memo.origin;
    }
    const memoKey = `${file}\u0000${name}`;
    const depth = this.inProgress.get(memoKey);
    if (depth !== undefined) {
      this.shallowestCut = Math.min(this.shallowestCut, depth);
      return undefined;
    }
    const ownDepth = this.inProgress.size;
    this.inProgress.set(memoKey, ownDepth);
    const outerCut = this.shallowestCut;
    this.shallowestCut = Number.POSITIVE_INFINITY;
    let origin: Origin | undefined;
    let deps: Set<string> | undefined;
    try {
      if (this.tracker) ({ value: origin, deps } = this.tracker.collect(() => this.computeExport(file, name)));
      else origin = this.computeExport(file, name);
    } finally {
      this.inProgress.delete(memoKey);
    }
    const cut = this.shallowestCut;
    // Cut only at this lookup or deeper: any path reaching it would have found the same.
    if (cut >= ownDepth) {
      let memos = this.exportMemo.get(file);
      if (!memos) this.exportMemo.set(file, (memos = new Map()));
      memos.set(name, { origin, deps });
    }
    this.shallowestCut = Math.min(outerCut, cut);
    return origin;
  }

  private factsOf(file: string): FileFacts | undefined {
    this.tracker?.touch(file);
    return this.files.get(file);
  }

  private computeExport(file: string, name: string): Origin | undefined {
    const facts = this.factsOf(file);
    if (!facts) return undefined;
    const exported = facts.exports.get(name);
    if (exported?.kind === "local") return this.resolveLocal(file, exported.local);
    if (exported?.kind === "reexport") return this.resolveImported(exported.module, exported.imported);
    if (name === "default") return undefined; // `export *` never forwards the default export
    for (const star of facts.starExports) {
      const module = this.resolveModule(star);
      if (!module) continue;
      const origin = module.kind === "sdk" ? sdkOrigin(name) : this.resolveExport(module.file, name);
      if (origin) return origin;
    }
    return undefined;
  }

  private resolveImported(ref: ModuleRef, imported: string): Origin | undefined {
    const module = this.resolveModule(ref);
    if (!module) return undefined;
    if (imported === "*") return { kind: "namespace", module };
    return module.kind === "sdk" ? sdkOrigin(imported) : this.resolveExport(module.file, imported);
  }
}

function sdkOrigin(name: string): Origin | undefined {
  return SDK_EXPORTS.has(name) ? { kind: "sdk", name } : undefined;
}
