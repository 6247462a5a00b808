import type { FileFacts, ModuleRef } from "../facts";
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
 * Follows imports and re-exports across workspace files (aliases, renames, barrels,
 * `export *`, namespaces) until a name reaches the SDK or a declaration. Memoised for one
 * linking pass; cycles in re-exports resolve to nothing instead of looping.
 */
export class SymbolResolver {
  private readonly exportMemo = new Map<string, Origin | undefined>();
  private readonly inProgress = new Set<string>();

  constructor(private readonly files: ReadonlyMap<string, FileFacts>) {}

  resolveModule(ref: ModuleRef): ResolvedModule | undefined {
    const target = ref.target;
    if (target.kind === "assetline") return { kind: "sdk" };
    if (target.kind === "external") return undefined;
    const file = resolveRelativeModule(target.path, (candidate) => this.files.has(candidate));
    return file ? { kind: "file", file } : undefined;
  }

  /** What `name`, as used inside `file`, refers to. */
  resolveLocal(file: string, name: string): Origin | undefined {
    const facts = this.files.get(file);
    if (!facts) return undefined;
    const binding = facts.imports.get(name);
    if (binding) return this.resolveImported(binding.module, binding.imported);
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
    const memoKey = `${file}\u0000${name}`;
    if (this.exportMemo.has(memoKey)) return this.exportMemo.get(memoKey);
    if (this.inProgress.has(memoKey)) return undefined;
    this.inProgress.add(memoKey);
    const origin = this.computeExport(file, name);
    this.inProgress.delete(memoKey);
    this.exportMemo.set(memoKey, origin);
    return origin;
  }

  private computeExport(file: string, name: string): Origin | undefined {
    const facts = this.files.get(file);
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
