import { combineVersions, tokenHash } from "../codeVersion";
import type { CandidateCall, FileFacts } from "../facts";
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

  constructor(private readonly files: () => ReadonlyMap<string, FileFacts>) {}

  /** The definition's version: its own tokens plus every helper it reaches, transitively. */
  versionOf(file: string, call: CandidateCall, resolver: SymbolResolver): string {
    const helperHashes: string[] = [];
    const seen = new Set<string>();
    const queue: Array<{ file: string; name: string }> = call.references.map((name) => ({ file, name }));
    while (queue.length > 0 && seen.size < MAX_HELPERS) {
      const { file: usedIn, name } = queue.pop()!;
      const origin = resolver.resolveLocal(usedIn, name);
      if (origin?.kind !== "declaration") continue;
      const id = `${origin.file}\u0000${origin.local}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const facts = this.files().get(origin.file);
      const declaration = facts?.declarations.get(origin.local);
      if (!facts || !declaration) continue;
      // Another definition (a dep given by reference) is data, not code this one runs.
      if (facts.calls.some((other) => other.declaredAs === origin.local)) continue;
      helperHashes.push(this.ownHash(facts, origin.local, declaration.start, declaration.end));
      for (const next of declaration.references) queue.push({ file: origin.file, name: next });
    }
    return combineVersions(call.ownVersion, helperHashes);
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
