import { combineVersions, tokenHash } from "../codeVersion";
import type { CandidateCall, FileFacts, TopLevelDeclaration } from "../facts";
import type { SymbolResolver } from "./resolver";

/** Helpers followed from a definition before giving up: enough for real code, bounded for generated code. */
const MAX_HELPERS = 200;

/**
 * Code versions that include the helpers a definition calls (same file or imported), so
 * editing a shared `cleanPhone()` marks every asset using it as code-changed. Each helper's
 * own token hash is cached per file version; only the (cheap) combination is redone per link.
 */
export class HelperVersions {
  private readonly ownHashes = new WeakMap<FileFacts, Map<string, string>>();
  private readonly initialised = new WeakMap<FileFacts, ReadonlySet<string>>();

  constructor(private readonly files: () => ReadonlyMap<string, FileFacts>) {}

  /** The definition's version: its own tokens plus every helper it reaches, transitively. */
  versionOf(file: string, call: CandidateCall, resolver: SymbolResolver): string {
    if (call.references.length === 0) return call.ownVersion;
    const helperHashes: string[] = [];
    // Each declared name has its own declaration object, so the objects identify the helpers.
    const seen = new Set<TopLevelDeclaration>();
    // The (file, name) pairs still to follow, as two parallel stacks.
    const usedIn: string[] = [];
    const names: string[] = [];
    for (const name of call.references) {
      usedIn.push(file);
      names.push(name);
    }
    const files = this.files();
    while (names.length > 0 && seen.size < MAX_HELPERS) {
      const origin = resolver.resolveLocal(usedIn.pop()!, names.pop()!);
      if (origin?.kind !== "declaration") continue;
      const facts = files.get(origin.file);
      const declaration = facts?.declarations.get(origin.local);
      if (!facts || !declaration || seen.has(declaration)) continue;
      seen.add(declaration);
      // Another definition (a dep given by reference) is data, not code this one runs.
      if (this.initialisedNames(facts).has(origin.local)) continue;
      helperHashes.push(this.ownHash(facts, origin.local, declaration.start, declaration.end));
      for (const next of declaration.references) {
        usedIn.push(origin.file);
        names.push(next);
      }
    }
    return combineVersions(call.ownVersion, helperHashes);
  }

  /** The names the file's candidate calls initialise (`const x = asset(...)`), cached per file version. */
  initialisedNames(facts: FileFacts): ReadonlySet<string> {
    let names = this.initialised.get(facts);
    if (!names) {
      const found = new Set<string>();
      for (const call of facts.calls) if (call.declaredAs !== undefined) found.add(call.declaredAs);
      this.initialised.set(facts, (names = found));
    }
    return names;
  }

  /** The token hash of a top-level declaration of the file (cached per file version). */
  declarationHash(facts: FileFacts, name: string): string | undefined {
    const declaration = facts.declarations.get(name);
    return declaration && this.ownHash(facts, name, declaration.start, declaration.end);
  }

  private ownHash(facts: FileFacts, name: string, start: number, end: number): string {
    let hashes = this.ownHashes.get(facts);
    if (!hashes) {
      hashes = new Map();
      this.ownHashes.set(facts, hashes);
    }
    let hash = hashes.get(name);
    if (hash === undefined) {
      hash = tokenHash(facts.text, start, end);
      hashes.set(name, hash);
    }
    return hash;
  }
}
