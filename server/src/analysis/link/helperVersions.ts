import { combineVersions, tokenHash } from "../codeVersion";
import type { CandidateCall, FileFacts, TopLevelDeclaration } from "../facts";
import { SymbolResolver } from "./resolver";

/** Helpers followed from a definition before giving up: enough for real code, bounded for generated code. */
const MAX_HELPERS = 200;

/** A top-level declaration a definition's code runs, and the file it is declared in. */
interface Helper {
  readonly facts: FileFacts;
  readonly name: string;
  readonly declaration: TopLevelDeclaration;
}

/** What a code version is hashed from: facts never change once scanned, so hashing later gives the same bytes. */
interface VersionInputs {
  readonly facts: FileFacts;
  readonly call: CandidateCall;
  readonly helpers: readonly Helper[];
}

/**
 * What a link made without tracking leaves to be done when a version is first read: the helpers
 * are found then, over the facts as they were at the link (see DeferredHelpers).
 */
interface DeferredInputs {
  readonly facts: FileFacts;
  readonly call: CandidateCall;
  readonly file: string;
  readonly deferred: DeferredHelpers;
}

const NO_HELPERS: readonly Helper[] = [];

/** The token hashes of one file version's calls and declarations, as they are first asked for. */
interface FileHashes {
  readonly calls: Map<CandidateCall, string>;
  readonly declarations: Map<string, string>;
}

/**
 * Per file version, for every analysis in the process: a hash depends only on the facts' text,
 * and impact's base analysis takes the working analysis' facts of every file HEAD left alone.
 */
const hashesByFacts = new WeakMap<FileFacts, FileHashes>();

function hashesOf(facts: FileFacts): FileHashes {
  let hashes = hashesByFacts.get(facts);
  if (!hashes) {
    hashes = { calls: new Map(), declarations: new Map() };
    hashesByFacts.set(facts, hashes);
  }
  return hashes;
}

/** The hash of the call's own tokens. */
function callHash(facts: FileFacts, call: CandidateCall): string {
  return cachedHash(hashesOf(facts).calls, call, facts.text, call.start, call.end);
}

/** The hash of `declaration`'s tokens, declared as `name` in `facts`. */
function declarationTokensHash(facts: FileFacts, name: string, declaration: TopLevelDeclaration): string {
  return cachedHash(hashesOf(facts).declarations, name, facts.text, declaration.start, declaration.end);
}

function cachedHash<K>(hashes: Map<K, string>, key: K, text: string, start: number, end: number): string {
  let hash = hashes.get(key);
  if (hash === undefined) {
    hash = tokenHash(text, start, end);
    hashes.set(key, hash);
  }
  return hash;
}

/**
 * A definition's code version, hashed when first read: `assetline check` and the editor's
 * diagnostics never read one, and hashing the tokens of every definition (its SQL included)
 * was a tenth of the cold analysis. Which helpers count is decided by a tracking link (it reads
 * other files' facts, which the link's dependencies must record); a link that records nothing
 * leaves that to the first read too (DeferredHelpers).
 */
export class LazyCodeVersion {
  /** The inputs until the first read, then the version (so the inputs can be collected). */
  private state: VersionInputs | DeferredInputs | string;

  constructor(inputs: VersionInputs | DeferredInputs) {
    this.state = inputs;
  }

  get value(): string {
    if (typeof this.state === "string") return this.state;
    const { facts, call } = this.state;
    const helpers = "helpers" in this.state ? this.state.helpers : this.state.deferred.helpersOf(this.state.file, call);
    const own = callHash(facts, call);
    const version =
      call.references.length === 0
        ? own
        : combineVersions(
            own,
            helpers.map((helper) => declarationTokensHash(helper.facts, helper.name, helper.declaration)),
          );
    this.state = version;
    return version;
  }

  /**
   * Takes the helpers a tracking link of the same facts found (`traced`, unread), when this
   * version still waits for its own: the same answer, and the link's facts can be let go.
   */
  settleWith(traced: LazyCodeVersion): void {
    const own = this.state;
    const found = traced.state;
    if (typeof own === "string" || "helpers" in own || typeof found === "string") return;
    if (found.call === own.call && found.facts === own.facts) this.state = found;
  }
}

const LAZY_VERSION = Symbol("lazyCodeVersion");

interface HoldsLazyVersion {
  readonly [LAZY_VERSION]: LazyCodeVersion;
}

/**
 * The facts of one untracked link, and a resolver over them made when the first deferred version
 * is read: a link no edit follows (the CLI's) need not find the helpers of every definition, as
 * `check` and the editor's diagnostics read no version. The answer is the one the link would have
 * found, since the resolver answers as a fresh lookup would, over the same facts.
 */
export class DeferredHelpers {
  private resolver: SymbolResolver | undefined;

  constructor(
    /** A copy: the workspace's own map changes with the next edit. */
    private readonly files: ReadonlyMap<string, FileFacts>,
    private readonly helperVersions: HelperVersions,
  ) {}

  helpersOf(file: string, call: CandidateCall): readonly Helper[] {
    this.resolver ??= new SymbolResolver(this.files);
    return this.helperVersions.helpersOf(this.files, file, call, this.resolver);
  }
}

/** See LazyCodeVersion.settleWith: `traced` is the same definition from a tracking link of the same facts. */
export function settleCodeVersion(definition: object, traced: object): void {
  const own = (definition as Partial<HoldsLazyVersion>)[LAZY_VERSION];
  const found = (traced as Partial<HoldsLazyVersion>)[LAZY_VERSION];
  if (own && found) own.settleWith(found);
}

/**
 * One getter shared by every definition: a getter written in each object literal is a closure
 * per object, which puts every definition in dictionary mode (~1 KB each instead of ~150 bytes).
 */
const CODE_VERSION: PropertyDescriptor = {
  enumerable: true,
  get(this: HoldsLazyVersion): string {
    return this[LAZY_VERSION].value;
  },
};

/**
 * Gives `definition` a read-only, enumerable `codeVersion` that hashes on first read (spreads,
 * JSON and structured clones read it like a value). The version itself is kept in a
 * non-enumerable property, which none of those copy.
 */
export function defineCodeVersion<T extends object>(
  definition: T,
  version: LazyCodeVersion,
): asserts definition is T & { readonly codeVersion: string } {
  Object.defineProperty(definition, LAZY_VERSION, { value: version });
  Object.defineProperty(definition, "codeVersion", CODE_VERSION);
}

/**
 * Code versions that include the helpers a definition calls (same file or imported), so
 * editing a shared `cleanPhone()` marks every asset using it as code-changed. Each helper's
 * own token hash is cached per file version; only the (cheap) combination is redone per link.
 */
export class HelperVersions {
  private readonly initialised = new WeakMap<FileFacts, ReadonlySet<string>>();
  // The walk's scratch, reused by every definition (15,000 at 3,000 files): declarations met, and
  // the (file, name) pairs still to follow as two parallel stacks.
  private readonly seen = new Set<TopLevelDeclaration>();
  private readonly usedIn: string[] = [];
  private readonly names: string[] = [];

  /**
   * The definition's version: its own tokens plus every helper it reaches, transitively. The
   * helpers are found now, through `resolver` (so the link records the files they come from), or,
   * given `deferred` (a link that records nothing), when the version is first read; the tokens
   * are hashed then either way.
   */
  versionOf(
    files: ReadonlyMap<string, FileFacts>,
    file: string,
    call: CandidateCall,
    resolver: SymbolResolver,
    deferred?: DeferredHelpers,
  ): LazyCodeVersion {
    const facts = files.get(file);
    if (!facts) throw new Error(`no facts for ${file}, whose call is being linked`);
    if (call.references.length === 0) return new LazyCodeVersion({ facts, call, helpers: NO_HELPERS });
    if (deferred) return new LazyCodeVersion({ facts, call, file, deferred });
    return new LazyCodeVersion({ facts, call, helpers: this.helpersOf(files, file, call, resolver) });
  }

  /** The helpers the call reaches through `resolver`, transitively (at most MAX_HELPERS). */
  helpersOf(
    files: ReadonlyMap<string, FileFacts>,
    file: string,
    call: CandidateCall,
    resolver: SymbolResolver,
  ): readonly Helper[] {
    const helpers: Helper[] = [];
    const { seen, usedIn, names } = this;
    seen.clear();
    usedIn.length = 0;
    names.length = 0;
    for (const name of call.references) {
      usedIn.push(file);
      names.push(name);
    }
    while (names.length > 0 && seen.size < MAX_HELPERS) {
      const origin = resolver.resolveLocal(usedIn.pop()!, names.pop()!);
      if (origin?.kind !== "declaration") continue;
      const declaringFacts = files.get(origin.file);
      const declaration = declaringFacts?.declarations.get(origin.local);
      if (!declaringFacts || !declaration || seen.has(declaration)) continue;
      seen.add(declaration);
      // Another definition (a dep given by reference) is data, not code this one runs.
      if (this.initialisedNames(declaringFacts).has(origin.local)) continue;
      helpers.push({ facts: declaringFacts, name: origin.local, declaration });
      for (const next of declaration.references) {
        usedIn.push(origin.file);
        names.push(next);
      }
    }
    return helpers.length === 0 ? NO_HELPERS : helpers;
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
    return declaration && declarationTokensHash(facts, name, declaration);
  }
}
