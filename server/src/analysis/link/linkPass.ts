import { problemWithKey, problemWithName, quoteVisibly } from "../../model/assetKey";
import { NO_COLUMNS } from "../../model/columns";
import type {
  AnalysisDiagnostic,
  AssetDefinition,
  CheckDefinition,
  DependencyRef,
  SourceLocation,
} from "../../model/definitions";
import type { CandidateCall, FileFacts, ModuleRef, TargetRef } from "../facts";
import { sameAsset, sameCheck } from "./definitionEquality";
import {
  DeferredHelpers,
  defineCodeVersion,
  type HelperVersions,
  type LazyCodeVersion,
  settleCodeVersion,
} from "./helperVersions";
import { internKey } from "./internedKeys";
import { DependencyTracker, type Origin, SymbolResolver } from "./resolver";

/**
 * What linking finds in one file: which of its calls are the SDK's, their keys, deps and
 * versions, and the problems only linking reveals. Computed from the facts of this file
 * and of the files it reaches through imports (`dependsOn`), nothing else, so an edit only
 * re-links the files that depend on the edited one.
 */
export interface FileLink {
  readonly file: string;
  /** The facts this was computed from (a re-scan producing new facts makes it stale). */
  readonly facts: FileFacts;
  /**
   * Workspace paths whose facts (or absence) the result depends on, this file included;
   * undefined when the pass did not track them (see LinkPass).
   */
  readonly dependsOn: readonly string[] | undefined;
  /** In the order linking produced them (call order). */
  readonly assets: readonly AssetDefinition[];
  readonly checks: readonly CheckDefinition[];
  /** AL006, AL009 and AL010 problems of confirmed definitions, in call order. */
  readonly diagnostics: readonly AnalysisDiagnostic[];
  /** Dep and check targets given by reference that resolve to nothing we know. */
  readonly unresolvedTargets: ReadonlyMap<DependencyRef | CheckDefinition, string>;
}

const NO_UNRESOLVED_TARGETS = new Map<DependencyRef | CheckDefinition, string>();

type LinkedDefinitions = {
  assets: AssetDefinition[];
  checks: CheckDefinition[];
  diagnostics: AnalysisDiagnostic[];
  unresolvedTargets: Map<DependencyRef | CheckDefinition, string>;
};

type SdkCall = {
  readonly file: string;
  readonly call: CandidateCall;
  readonly kind: "asset" | "source" | "check";
  /**
   * An asset's or source's key when it is static and valid, interned; worked out once here for
   * the file's own link and for every dep by reference that names the call's const.
   */
  readonly key: string | undefined;
};

/** A file's SDK calls, and the keys of the consts among them (built when a dep by reference first asks). */
interface FileSdkCalls {
  readonly calls: readonly SdkCall[];
  keys: Map<string, string> | undefined;
}

interface Tracked<T> {
  readonly value: T;
  readonly deps: ReadonlySet<string>;
}

const NO_DEPS: ReadonlySet<string> = new Set();

/** Up to this many SDK calls in a file, a dep by reference finds its key by a scan of them. */
const FEW_CALLS = 8;

/**
 * One linking pass over a fixed set of facts: links files one at a time, sharing what one
 * file's link learns about another (which calls are definitions, their keys) across files.
 *
 * Tracking the paths each link reads (`dependsOn`) is what lets edits re-link only the files
 * an edit can affect; it costs a set per lookup and a replay per memo hit, so a pass that no
 * edit will follow (the first, whole-workspace link) is made without it, and the paths are
 * traced later, when edits need them (`dependenciesOf`).
 */
export class LinkPass {
  private readonly tracker: DependencyTracker | undefined;
  private readonly resolver: SymbolResolver;
  private readonly sdkCallsMemo = new Map<string, Tracked<FileSdkCalls>>();
  /** Without tracking, helpers are found when a version is first read, over a copy of these facts. */
  private deferredHelpers: DeferredHelpers | undefined;

  constructor(
    private readonly files: ReadonlyMap<string, FileFacts>,
    private readonly helperVersions: HelperVersions,
    { track }: { readonly track: boolean },
  ) {
    this.tracker = track ? new DependencyTracker() : undefined;
    this.resolver = new SymbolResolver(files, this.tracker);
  }

  /**
   * Links one file. Definitions equal to those of `previous` (the file's last link) at the
   * same position are returned as the very same objects, so whatever was derived from them
   * (indexes, diagnostics) stays valid and consumers can tell what changed by identity.
   */
  linkFile(file: string, previous?: FileLink): FileLink | undefined {
    const facts = this.files.get(file);
    if (!facts) return undefined;
    let value: LinkedDefinitions;
    let dependsOn: string[] | undefined;
    if (this.tracker) ({ value, dependsOn } = this.tracked(file));
    else value = this.compute(file);
    if (previous) reuseUnchanged(previous, value);
    // Most files have no unresolved targets: share one empty map rather than keep thousands.
    if (value.unresolvedTargets.size === 0) value.unresolvedTargets = NO_UNRESOLVED_TARGETS;
    const { assets, checks, diagnostics, unresolvedTargets } = value;
    return { file, facts, dependsOn, assets, checks, diagnostics, unresolvedTargets };
  }

  /**
   * The paths the link of `file` reads (what `dependsOn` would have been), for `link`, made by
   * an untracked pass over the same facts; a tracking pass only. The helpers found on the way
   * settle the versions `link` left to be read (see LazyCodeVersion.settleWith).
   */
  dependenciesOf(file: string, link: FileLink): string[] {
    const { value, dependsOn } = this.tracked(file);
    link.assets.forEach((asset, i) => settleCodeVersion(asset, value.assets[i] ?? asset));
    link.checks.forEach((check, i) => settleCodeVersion(check, value.checks[i] ?? check));
    return dependsOn;
  }

  private tracked(file: string): { value: LinkedDefinitions; dependsOn: string[] } {
    if (!this.tracker) throw new Error("LinkPass: dependencies asked of a pass made without tracking");
    const { value, deps } = this.tracker.collect(() => this.compute(file));
    deps.add(file);
    return { value, dependsOn: [...deps] };
  }

  private compute(file: string): LinkedDefinitions {
    const diagnostics: AnalysisDiagnostic[] = [];
    const sdkCalls = this.sdkCallsOf(file);
    const pending: Array<{ sdkCall: SdkCall; key: string; keyLocation: SourceLocation }> = [];
    // Indexed loops (here, as in the rest of the whole link): unoptimised `for…of`, which is what
    // most of a single pass runs, allocates an iterator result per item.
    for (let i = 0; i < sdkCalls.length; i++) {
      const sdkCall = sdkCalls[i]!;
      const { call } = sdkCall;
      reportShapeProblems(sdkCall, diagnostics);
      if (sdkCall.kind === "check" || call.config.dynamicName) continue;
      const keyLocation = call.config.name?.location ?? call.declaredAsLocation ?? call.location;
      if (sdkCall.key !== undefined) {
        pending.push({ sdkCall, key: sdkCall.key, keyLocation });
        continue;
      }
      const key = call.config.name?.value ?? call.declaredAs;
      if (key === undefined) {
        diagnostics.push(
          notStatic(
            call.location,
            call.enclosingFunction
              ? `${sdkCall.kind}() inside ${call.enclosingFunction} has no literal \`name\`, so its key is only known when the code runs; give it \`name: "..."\` or declare it as a top-level const`
              : `${sdkCall.kind}() is not assigned to a const and has no \`name\`; write \`export const my_asset = ${sdkCall.kind}(...)\` or add \`name: "..."\``,
          ),
        );
        continue;
      }
      // Not undefined: the key would have been valid (sdkCall.key).
      const message = `The asset key ${quoteVisibly(key)} is not valid: ${problemWithKey(key)}`;
      diagnostics.push(invalidName(keyLocation, key, message));
    }

    const unresolvedTargets = new Map<DependencyRef | CheckDefinition, string>();
    const assets: AssetDefinition[] = [];
    for (let i = 0; i < pending.length; i++) {
      const { sdkCall, key, keyLocation } = pending[i]!;
      const { call } = sdkCall;
      const targets = call.config.deps;
      const deps: DependencyRef[] = [];
      for (let j = 0; j < targets.length; j++) {
        const target = targets[j]!;
        const depKey = this.keyOfTarget(file, target);
        const dep: DependencyRef = {
          key: depKey,
          via: target.kind === "string" ? "string" : "reference",
          text: target.kind === "string" ? target.key : target.text,
          location: target.location,
        };
        if (depKey === undefined) unresolvedTargets.set(dep, this.unresolvedProblem(file, target));
        deps.push(dep);
      }
      const isSource = sdkCall.kind === "source";
      const asset: Omit<AssetDefinition, "codeVersion"> = {
        key,
        kind: isSource ? "source" : "asset",
        location: call.location,
        keyLocation,
        exportName: call.declaredAs,
        exported: call.exported,
        deps,
        group: call.config.group,
        owners: call.config.owners,
        kinds: call.config.kinds,
        tags: call.config.tags,
        description: call.config.description,
        freshness: call.config.freshness,
        automation: isSource ? [] : call.config.automation,
        reads: isSource ? [] : call.effects.reads,
        writes: isSource ? [] : call.effects.writes,
        columns: isSource ? NO_COLUMNS : call.effects.columns,
      };
      defineCodeVersion(asset, this.versionOf(file, call));
      assets.push(asset);
    }

    const checks: CheckDefinition[] = [];
    for (let i = 0; i < sdkCalls.length; i++) {
      const sdkCall = sdkCalls[i]!;
      const { call } = sdkCall;
      if (sdkCall.kind !== "check" || !call.checkTarget) continue;
      const name = call.config.name?.value ?? call.declaredAs ?? "check";
      const invalid = problemWithName(name);
      if (invalid) {
        const location = call.config.name?.location ?? call.location;
        const message = `The check name ${quoteVisibly(name)} is not valid: ${invalid}`;
        diagnostics.push(invalidName(location, name, message));
        continue;
      }
      const target = this.keyOfTarget(file, call.checkTarget);
      const check: Omit<CheckDefinition, "codeVersion"> = {
        name: internKey(name),
        assetKey: target,
        targetText: call.checkTarget.kind === "string" ? call.checkTarget.key : call.checkTarget.text,
        targetLocation: call.checkTarget.location,
        location: call.location,
        exportName: call.declaredAs,
        exported: call.exported,
        blocking: call.config.blocking,
        description: call.config.description,
      };
      defineCodeVersion(check, this.versionOf(file, call));
      if (target === undefined) unresolvedTargets.set(check, this.unresolvedProblem(file, call.checkTarget));
      checks.push(check);
    }
    return { assets, checks, diagnostics, unresolvedTargets };
  }

  private versionOf(file: string, call: CandidateCall): LazyCodeVersion {
    if (!this.tracker) this.deferredHelpers ??= new DeferredHelpers(new Map(this.files), this.helperVersions);
    return this.helperVersions.versionOf(this.files, file, call, this.resolver, this.deferredHelpers);
  }

  /** The key a dep or check target names; undefined when it resolves to nothing we know (see unresolvedProblem). */
  private keyOfTarget(file: string, target: TargetRef): string | undefined {
    if (target.kind === "string") return internKey(target.key);
    const origin = originOfRef(this.resolver, file, target);
    return origin?.kind === "declaration" ? this.keysOf(origin.file, origin.local) : undefined;
  }

  /**
   * Why keyOfTarget found no key. Resolves the target again, which answers as the first time
   * (SymbolResolver), so the common case, a target that resolves, allocates no answer object.
   */
  private unresolvedProblem(file: string, target: TargetRef): string {
    // A key given as a string always resolves (to itself); only references get here.
    if (target.kind === "string") throw new Error("LinkPass: a string target has no resolution problem");
    const origin = originOfRef(this.resolver, file, target);
    if (origin?.kind === "declaration")
      return `\`${target.text}\` is declared in ${origin.file} but is not an asset or source`;
    return `\`${target.text}\` does not resolve to an asset or source in this workspace`;
  }

  /** The file's calls that resolve to `asset`/`source`/`check` of the SDK, in call order. */
  private sdkCallsOf(file: string): readonly SdkCall[] {
    return this.memoised(this.sdkCallsMemo, file, this.findSdkCalls).calls;
  }

  /** The key of the asset or source the file's const `local` declares (for deps by reference). */
  private keysOf(file: string, local: string): string | undefined {
    const found = this.memoised(this.sdkCallsMemo, file, this.findSdkCalls);
    const calls = found.calls;
    // Most files define a handful: looking through them costs less than a map per file. From the
    // end, as the map keeps the last of two consts of one name (the compiler's error, not ours).
    if (calls.length <= FEW_CALLS) {
      for (let i = calls.length - 1; i >= 0; i--) {
        const { call, key } = calls[i]!;
        if (key !== undefined && call.declaredAs === local) return key;
      }
      return undefined;
    }
    if (!found.keys) {
      found.keys = new Map();
      for (const { call, key } of found.calls)
        if (key !== undefined && call.declaredAs !== undefined) found.keys.set(call.declaredAs, key);
    }
    return found.keys.get(local);
  }

  private readonly findSdkCalls = (file: string): FileSdkCalls => {
    const calls: SdkCall[] = [];
    const facts = this.files.get(file);
    if (facts) {
      for (let i = 0; i < facts.calls.length; i++) {
        const call = facts.calls[i]!;
        const rootOrigin = this.resolver.resolveLocal(file, call.callee.root);
        const origin =
          call.callee.member === undefined ? rootOrigin : this.resolver.resolveMember(rootOrigin, call.callee.member);
        if (origin?.kind !== "sdk") continue;
        const kind = origin.name;
        if (kind === "asset" || kind === "source" || kind === "check")
          calls.push({ file, call, kind, key: staticKey(kind, call) });
      }
    }
    return { calls, keys: undefined };
  };

  /** `compute(file)`, once per pass (a function made once, not a closure per call: this runs per dep). */
  private memoised<T>(memo: Map<string, Tracked<T>>, file: string, compute: (file: string) => T): T {
    const hit = memo.get(file);
    const tracker = this.tracker;
    if (hit) {
      tracker?.touchAll(hit.deps);
      return hit.value;
    }
    if (!tracker) {
      const value = compute(file);
      memo.set(file, { value, deps: NO_DEPS });
      return value;
    }
    const tracked = tracker.collect(() => compute(file));
    tracked.deps.add(file);
    tracker.touch(file);
    memo.set(file, tracked);
    return tracked.value;
  }
}

/**
 * Everything the link of *another* file can read from this file's facts: its imports and
 * exports (resolution), which consts its candidate calls initialise and under which name
 * (keys of deps by reference), and the names, references and token hashes of declarations
 * that are not definitions (helper code versions). When an edit leaves this unchanged, as
 * it does inside SQL strings, deps lists and most function bodies, the files that import
 * this one do not need re-linking.
 */
export function linkSurface(facts: FileFacts, helperVersions: HelperVersions): string {
  const parts: string[] = [];
  for (const [local, binding] of facts.imports)
    parts.push(`i${local}\u0000${binding.imported}\u0000${moduleKey(binding.module)}`);
  for (const [name, exported] of facts.exports) {
    parts.push(
      exported.kind === "local"
        ? `e${name}\u0000${exported.local}`
        : `r${name}\u0000${exported.imported}\u0000${moduleKey(exported.module)}`,
    );
  }
  for (const star of facts.starExports) parts.push(`*${moduleKey(star)}`);
  for (const call of facts.calls) {
    parts.push(
      `c${call.callee.root}\u0000${call.callee.member ?? ""}\u0000${call.declaredAs ?? ""}\u0000${call.config.dynamicName}\u0000${call.config.name?.value ?? ""}`,
    );
  }
  const initialised = helperVersions.initialisedNames(facts);
  for (const [name, declaration] of facts.declarations) {
    const hash = initialised.has(name) ? "" : helperVersions.declarationHash(facts, name);
    parts.push(`d${name}\u0000${declaration.references.join(",")}\u0000${hash}`);
  }
  return parts.join("\u0001");
}

function moduleKey(ref: ModuleRef): string {
  const target = ref.target;
  return `${ref.specifier}\u0000${target.kind === "relative" ? target.path : target.kind}`;
}

/** An asset's or source's key when it is known statically and valid (interned), else undefined. */
function staticKey(kind: SdkCall["kind"], call: CandidateCall): string | undefined {
  if (kind === "check" || call.config.dynamicName) return undefined;
  const key = call.config.name?.value ?? call.declaredAs;
  return key !== undefined && problemWithKey(key) === undefined ? internKey(key) : undefined;
}

/** Swaps in the previous link's objects for definitions that did not change (same problems included). */
function reuseUnchanged(previous: FileLink, next: LinkedDefinitions): void {
  const unresolved = next.unresolvedTargets;
  next.assets.forEach((asset, i) => {
    const old = previous.assets[i];
    if (!old || !sameAsset(old, asset)) return;
    for (let j = 0; j < asset.deps.length; j++) {
      if (unresolved.get(asset.deps[j]!) !== previous.unresolvedTargets.get(old.deps[j]!)) return;
    }
    for (let j = 0; j < asset.deps.length; j++) {
      const problem = unresolved.get(asset.deps[j]!);
      if (problem === undefined) continue;
      unresolved.delete(asset.deps[j]!);
      unresolved.set(old.deps[j]!, problem);
    }
    next.assets[i] = old;
  });
  next.checks.forEach((check, i) => {
    const old = previous.checks[i];
    if (!old || !sameCheck(old, check) || unresolved.get(check) !== previous.unresolvedTargets.get(old)) return;
    const problem = unresolved.get(check);
    if (problem !== undefined) {
      unresolved.delete(check);
      unresolved.set(old, problem);
    }
    next.checks[i] = old;
  });
}

function originOfRef(
  resolver: SymbolResolver,
  file: string,
  target: TargetRef & { kind: "identifier" },
): Origin | undefined {
  const root = resolver.resolveLocal(file, target.root);
  return target.member === undefined ? root : resolver.resolveMember(root, target.member);
}

function reportShapeProblems(sdkCall: SdkCall, into: AnalysisDiagnostic[]): void {
  const { call, kind } = sdkCall;
  const expected = kind === "check" ? "target-first" : "config-first";
  if (call.shape !== expected && call.shape !== "unrecognised") {
    into.push(
      notStatic(
        call.location,
        kind === "check"
          ? 'check() takes the asset first, then its config: `check(my_asset, { name: "..." }, async (ctx) => ...)`'
          : `${kind}() takes its config object first: \`${kind}({ name: "..." }${kind === "asset" ? ", async (ctx) => ..." : ""})\``,
      ),
    );
    return;
  }
  // Inside a function the problem is the factory itself, so say that rather than only "write a literal".
  const factoryHint = call.enclosingFunction
    ? `. This ${kind}() is inside ${call.enclosingFunction}, an asset factory: declare each asset as its own top-level const with a literal name`
    : "";
  for (let i = 0; i < call.shapeProblems.length; i++) {
    const problem = call.shapeProblems[i]!;
    if (problem.invalidAutomation !== undefined)
      into.push(invalidAutomation(problem.location, problem.invalidAutomation, problem.message));
    else into.push(notStatic(problem.location, problem.message + factoryHint));
  }
}

function invalidAutomation(location: SourceLocation, condition: string, message: string): AnalysisDiagnostic {
  const data = { kind: "invalidAutomation", condition } as const;
  return { code: "AL010", severity: "warning", location, message, related: [], data };
}

function notStatic(location: SourceLocation, message: string): AnalysisDiagnostic {
  return { code: "AL006", severity: "warning", location, message, related: [], data: { kind: "notStatic" } };
}

function invalidName(location: SourceLocation, name: string, message: string): AnalysisDiagnostic {
  return { code: "AL009", severity: "error", location, message, related: [], data: { kind: "invalidName", name } };
}
