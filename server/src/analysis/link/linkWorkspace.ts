import { AssetKey } from "../../model/assetKey";
import type {
  AnalysisDiagnostic,
  AssetDefinition,
  CheckDefinition,
  DependencyRef,
  SourceLocation,
} from "../../model/definitions";
import type { CandidateCall, FileFacts, TargetRef } from "../facts";
import { HelperVersions } from "./helperVersions";
import { type Origin, SymbolResolver } from "./resolver";

/** Definitions found by linking, with the problems only the whole workspace reveals per call. */
export interface LinkResult {
  readonly assets: AssetDefinition[];
  readonly checks: CheckDefinition[];
  /** AL006 problems of confirmed definitions (the graph-level codes come later). */
  readonly diagnostics: AnalysisDiagnostic[];
  /** Dep and check targets given by reference that resolve to nothing we know. */
  readonly unresolvedTargets: ReadonlyMap<DependencyRef | CheckDefinition, string>;
}

type SdkCall = { readonly file: string; readonly call: CandidateCall; readonly kind: "asset" | "source" | "check" };

/** Turns every file's facts into definitions: which calls are the SDK's, their keys, deps and versions. */
export function linkWorkspace(files: ReadonlyMap<string, FileFacts>, helperVersions: HelperVersions): LinkResult {
  const resolver = new SymbolResolver(files);
  const diagnostics: AnalysisDiagnostic[] = [];
  const sdkCalls = findSdkCalls(files, resolver);

  /** `file \0 const` → key, so deps by reference find the definition they name. */
  const keyByDeclaration = new Map<string, string>();
  const pending: Array<{ sdkCall: SdkCall; key: string; keyLocation: SourceLocation }> = [];
  for (const sdkCall of sdkCalls) {
    const { call, file } = sdkCall;
    reportShapeProblems(sdkCall, diagnostics);
    if (sdkCall.kind === "check" || call.config.dynamicName) continue;
    const key = call.config.name?.value ?? call.declaredAs;
    const keyLocation = call.config.name?.location ?? call.declaredAsLocation ?? call.location;
    if (key === undefined) {
      diagnostics.push(notStatic(call.location, call.enclosingFunction
        ? `${sdkCall.kind}() inside ${call.enclosingFunction} has no literal \`name\`, so its key is only known when the code runs; give it \`name: "..."\` or declare it as a top-level const`
        : `${sdkCall.kind}() is not assigned to a const and has no \`name\`; write \`export const my_asset = ${sdkCall.kind}(...)\` or add \`name: "..."\``));
      continue;
    }
    const invalid = keyProblem(key);
    if (invalid) {
      diagnostics.push(notStatic(keyLocation, `"${key}" is not a valid asset key: ${invalid}`));
      continue;
    }
    if (call.declaredAs !== undefined) keyByDeclaration.set(`${file}\u0000${call.declaredAs}`, key);
    pending.push({ sdkCall, key, keyLocation });
  }

  const unresolvedTargets = new Map<DependencyRef | CheckDefinition, string>();
  const resolveTarget = (file: string, target: TargetRef): { key: string | undefined; problem: string | undefined } => {
    if (target.kind === "string") return { key: target.key, problem: undefined };
    const origin = originOfRef(resolver, file, target);
    if (origin?.kind === "declaration") {
      const key = keyByDeclaration.get(`${origin.file}\u0000${origin.local}`);
      if (key !== undefined) return { key, problem: undefined };
      return { key: undefined, problem: `\`${target.text}\` is declared in ${origin.file} but is not an asset or source` };
    }
    return { key: undefined, problem: `\`${target.text}\` does not resolve to an asset or source in this workspace` };
  };

  const assets: AssetDefinition[] = [];
  for (const { sdkCall, key, keyLocation } of pending) {
    const { call, file } = sdkCall;
    const deps = call.config.deps.map((target): DependencyRef => {
      const { key: depKey, problem } = resolveTarget(file, target);
      const dep: DependencyRef = {
        key: depKey,
        via: target.kind === "string" ? "string" : "reference",
        text: target.kind === "string" ? target.key : target.text,
        location: target.location,
      };
      if (problem) unresolvedTargets.set(dep, problem);
      return dep;
    });
    const isSource = sdkCall.kind === "source";
    assets.push({
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
      codeVersion: helperVersions.versionOf(file, call, resolver),
      reads: isSource ? [] : call.effects.reads,
      writes: isSource ? [] : call.effects.writes,
    });
  }

  const checks: CheckDefinition[] = [];
  for (const sdkCall of sdkCalls) {
    const { call, file } = sdkCall;
    if (sdkCall.kind !== "check" || !call.checkTarget) continue;
    const { key: target, problem } = resolveTarget(file, call.checkTarget);
    const check: CheckDefinition = {
      name: call.config.name?.value ?? call.declaredAs ?? "check",
      asset: target,
      targetText: call.checkTarget.kind === "string" ? call.checkTarget.key : call.checkTarget.text,
      targetLocation: call.checkTarget.location,
      location: call.location,
      exportName: call.declaredAs,
      exported: call.exported,
      blocking: call.config.blocking,
      description: call.config.description,
      codeVersion: helperVersions.versionOf(file, call, resolver),
    };
    if (problem) unresolvedTargets.set(check, problem);
    checks.push(check);
  }
  return { assets, checks, diagnostics, unresolvedTargets };
}

function findSdkCalls(files: ReadonlyMap<string, FileFacts>, resolver: SymbolResolver): SdkCall[] {
  const found: SdkCall[] = [];
  for (const facts of files.values()) {
    for (const call of facts.calls) {
      const rootOrigin = resolver.resolveLocal(facts.file, call.callee.root);
      const origin = call.callee.member === undefined ? rootOrigin : resolver.resolveMember(rootOrigin, call.callee.member);
      if (origin?.kind !== "sdk") continue;
      if (origin.name === "asset" || origin.name === "source" || origin.name === "check") {
        found.push({ file: facts.file, call, kind: origin.name });
      }
    }
  }
  return found;
}

function originOfRef(resolver: SymbolResolver, file: string, target: TargetRef & { kind: "identifier" }): Origin | undefined {
  const root = resolver.resolveLocal(file, target.root);
  return target.member === undefined ? root : resolver.resolveMember(root, target.member);
}

function reportShapeProblems(sdkCall: SdkCall, into: AnalysisDiagnostic[]): void {
  const { call, kind } = sdkCall;
  const expected = kind === "check" ? "target-first" : "config-first";
  if (call.shape !== expected && call.shape !== "unrecognised") {
    into.push(notStatic(call.location, kind === "check"
      ? "check() takes the asset first, then its config: `check(my_asset, { name: \"...\" }, async (ctx) => ...)`"
      : `${kind}() takes its config object first: \`${kind}({ name: "..." }${kind === "asset" ? ", async (ctx) => ..." : ""})\``));
    return;
  }
  // Inside a function the problem is the factory itself, so say that rather than only "write a literal".
  const factoryHint = call.enclosingFunction
    ? `. This ${kind}() is inside ${call.enclosingFunction}, an asset factory: declare each asset as its own top-level const with a literal name`
    : "";
  for (const problem of call.shapeProblems) into.push(notStatic(problem.location, problem.message + factoryHint));
}

function notStatic(location: SourceLocation, message: string): AnalysisDiagnostic {
  return { code: "AL006", severity: "warning", location, message, related: [], data: { kind: "notStatic" } };
}

function keyProblem(key: string): string | undefined {
  try {
    AssetKey.fromUserString(key);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
