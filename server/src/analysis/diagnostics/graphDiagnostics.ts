import type {
  AnalysisDiagnostic,
  AssetDefinition,
  CheckDefinition,
  DependencyRef,
  DiagnosticCode,
  RelatedInformation,
  ResourceId,
  SourceLocation,
} from "../../model/definitions";
import { SEVERITY_OF_CODE } from "../../model/definitions";
import { closestKey } from "./closestKey";

/**
 * AL001–AL005: the problems that need the whole graph to see, one definition (or key, or
 * cycle) at a time, so that an edit recomputes only those it can change. What each one
 * reads from the rest of the workspace is passed in explicitly; the caller knows when that
 * changes.
 */

/** The keys of the graph, as AL002/AL005 see them. */
export interface KeyIndex {
  /** True when some asset or source has the key. */
  isDefined(key: string): boolean;
  /** True when the key is not defined but the first definition of some key depends on it. */
  isPlaceholder(key: string): boolean;
  /** Every defined key, in any order (suggestions do not depend on it). */
  definedKeys(): Iterable<string>;
}

function diagnostic(
  code: DiagnosticCode,
  location: SourceLocation,
  message: string,
  data: AnalysisDiagnostic["data"],
  related: RelatedInformation[] = [],
): AnalysisDiagnostic {
  return { code, severity: SEVERITY_OF_CODE[code], location, message, related, data };
}

/**
 * AL001 for every member of every cycle. `paths` and `components` are what AssetGraph's
 * `cycles()` and `cyclicComponents()` return; `definition` gives the first definition of a key.
 */
export function cycleDiagnostics(
  paths: readonly (readonly string[])[],
  components: readonly (readonly string[])[],
  definition: (key: string) => AssetDefinition | undefined,
): AnalysisDiagnostic[] {
  const found: AnalysisDiagnostic[] = [];
  paths.forEach((path, index) => {
    const rendered = path.join(" → ");
    const edges: RelatedInformation[] = [];
    for (let i = 0; i + 1 < path.length; i++) {
      const upstream = path[i]!;
      const downstream = path[i + 1]!;
      const dep = definition(downstream)?.deps.find((candidate) => candidate.key === upstream);
      if (dep) edges.push({ location: dep.location, message: `${downstream} depends on ${upstream}` });
    }
    for (const member of components[index] ?? path) {
      const memberDefinition = definition(member);
      if (!memberDefinition) continue;
      found.push(
        diagnostic(
          "AL001",
          memberDefinition.keyLocation,
          `${member} is part of a dependency cycle: ${rendered}. Remove one of these deps to break it.`,
          { kind: "cycle", path: [...path] },
          edges,
        ),
      );
    }
  });
  return found;
}

/** AL002 for the asset's deps that name no definition. */
export function missingUpstreamDiagnostics(
  asset: AssetDefinition,
  keys: KeyIndex,
  unresolvedTargets: ReadonlyMap<DependencyRef | CheckDefinition, string>,
): readonly AnalysisDiagnostic[] {
  let found: AnalysisDiagnostic[] | undefined;
  // Indexed loops here and below: see WorkspaceLinker.checkEveryDefinition.
  for (let i = 0; i < asset.deps.length; i++) {
    const dep = asset.deps[i]!;
    if (dep.key !== undefined && !keys.isPlaceholder(dep.key)) continue;
    const problem = unresolvedTargets.get(dep);
    const missing = dep.key ?? dep.text;
    const suggestion = closestKey(missing, keys.definedKeys());
    const hint = suggestion
      ? ` Did you mean "${suggestion}"?`
      : " Declare it with source() if it is data from outside this workspace.";
    const what = problem ?? `no asset or source has the key "${missing}"`;
    (found ??= []).push(
      diagnostic("AL002", dep.location, `Missing upstream for ${asset.key}: ${what}.${hint}`, {
        kind: "missingUpstream",
        missing,
        suggestion,
      }),
    );
  }
  return found ?? NONE;
}

/** AL003 for the tables and files the asset reads that another asset produces but its deps do not name. */
export function undeclaredDependencyDiagnostics(
  asset: AssetDefinition,
  producers: (resource: ResourceId) => readonly AssetDefinition[] | undefined,
): readonly AnalysisDiagnostic[] {
  // No allocation unless something is reported: this runs for every asset of every link.
  let found: AnalysisDiagnostic[] | undefined;
  let reported: Set<ResourceId> | undefined;
  let declaredKeys: Set<string | undefined> | undefined;
  const fewDeps = asset.deps.length <= FEW_DEPS;
  const reads = asset.reads;
  for (let i = 0; i < reads.length; i++) {
    const read = reads[i]!;
    const producedBy = producers(read.resource);
    if (producedBy === undefined) continue;
    let producer: AssetDefinition | undefined;
    let declared = false;
    for (let j = 0; j < producedBy.length; j++) {
      const candidate = producedBy[j]!;
      if (candidate.key === asset.key) continue;
      producer ??= candidate;
      if (
        fewDeps
          ? namesDep(asset, candidate.key)
          : (declaredKeys ??= new Set(asset.deps.map((dep) => dep.key))).has(candidate.key)
      ) {
        declared = true;
        break;
      }
    }
    if (producer === undefined || declared || reported?.has(read.resource)) continue;
    (reported ??= new Set()).add(read.resource);
    const [kind, name] = splitResource(read.resource);
    (found ??= []).push(
      diagnostic(
        "AL003",
        read.location,
        `${asset.key} reads ${kind} ${name}, which ${producer.kind} ${producer.key} produces, but its deps do not name ${producer.key}. Add it to deps so runs and lineage see the dependency.`,
        { kind: "undeclaredDependency", asset: asset.key, producer: producer.key, resource: read.resource },
        [{ location: producer.keyLocation, message: `${producer.key} produces ${kind} ${name}` }],
      ),
    );
  }
  return found ?? NONE;
}

/** AL004 for each definition of a key defined more than once (in the given order), else nothing. */
export function duplicateDiagnostics(key: string, definitions: readonly AssetDefinition[]): AnalysisDiagnostic[] {
  const found: AnalysisDiagnostic[] = [];
  if (definitions.length < 2) return found;
  for (const definition of definitions) {
    const others = definitions.filter((other) => other !== definition);
    found.push(
      diagnostic(
        "AL004",
        definition.keyLocation,
        `Duplicate asset key "${key}": also defined in ${others.map((other) => `${other.location.file}:${other.location.range.start.line + 1}`).join(", ")}. Rename one of them; keys must be unique.`,
        { kind: "duplicateKey", key },
        others.map((other) => ({ location: other.keyLocation, message: `"${key}" is also defined here` })),
      ),
    );
  }
  return found;
}

/** AL005 when the check's target is not a defined asset or source. */
export function badCheckTargetDiagnostics(
  check: CheckDefinition,
  keys: KeyIndex,
  unresolvedTargets: ReadonlyMap<DependencyRef | CheckDefinition, string>,
): AnalysisDiagnostic[] {
  if (check.assetKey !== undefined && keys.isDefined(check.assetKey)) return [];
  const problem = unresolvedTargets.get(check) ?? `no asset or source has the key "${check.targetText}"`;
  const suggestion = closestKey(check.assetKey ?? check.targetText, keys.definedKeys());
  const hint = suggestion ? ` Did you mean "${suggestion}"?` : "";
  return [
    diagnostic(
      "AL005",
      check.targetLocation,
      `Check "${check.name}" targets something that is not an asset: ${problem}.${hint}`,
      { kind: "badCheckTarget", target: check.targetText, suggestion },
    ),
  ];
}

const NONE: readonly AnalysisDiagnostic[] = [];

/** Up to this many deps, scanning them beats building a set of their keys. */
const FEW_DEPS = 16;

/** True when one of the asset's deps resolved to `key`. */
function namesDep(asset: AssetDefinition, key: string): boolean {
  const deps = asset.deps;
  for (let i = 0; i < deps.length; i++) if (deps[i]!.key === key) return true;
  return false;
}

function splitResource(resource: ResourceId): [string, string] {
  const colon = resource.indexOf(":");
  return [resource.slice(0, colon), resource.slice(colon + 1)];
}
