import { AssetKey } from "../../model/assetKey";
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
import type { AssetGraph } from "../../model/graph";
import { closestKey } from "./closestKey";

export interface GraphDiagnosticInput {
  readonly assets: readonly AssetDefinition[];
  readonly checks: readonly CheckDefinition[];
  readonly graph: AssetGraph;
  /** Every definition with a given key (more than one is AL004). */
  readonly definitionsByKey: ReadonlyMap<string, readonly AssetDefinition[]>;
  readonly producers: ReadonlyMap<ResourceId, readonly AssetDefinition[]>;
  readonly unresolvedTargets: ReadonlyMap<DependencyRef | CheckDefinition, string>;
}

/** AL001–AL005: the problems that need the whole graph to see. */
export function graphDiagnostics(input: GraphDiagnosticInput): AnalysisDiagnostic[] {
  return [...cycles(input), ...missingUpstreams(input), ...undeclaredDependencies(input), ...duplicates(input), ...badCheckTargets(input)];
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

function cycles({ graph }: GraphDiagnosticInput): AnalysisDiagnostic[] {
  const found: AnalysisDiagnostic[] = [];
  const paths = graph.cycles();
  const components = graph.cyclicComponents();
  paths.forEach((path, index) => {
    const rendered = path.join(" → ");
    const edges: RelatedInformation[] = [];
    for (let i = 0; i + 1 < path.length; i++) {
      const upstream = path[i]!;
      const downstream = path[i + 1]!;
      const dep = graph.definition(downstream)?.deps.find((candidate) => candidate.key === upstream);
      if (dep) edges.push({ location: dep.location, message: `${downstream} depends on ${upstream}` });
    }
    for (const member of components[index] ?? path) {
      const definition = graph.definition(member);
      if (!definition) continue;
      found.push(diagnostic("AL001", definition.keyLocation,
        `${member} is part of a dependency cycle: ${rendered}. Remove one of these deps to break it.`,
        { kind: "cycle", path }, edges));
    }
  });
  return found;
}

function missingUpstreams({ assets, graph, unresolvedTargets }: GraphDiagnosticInput): AnalysisDiagnostic[] {
  const found: AnalysisDiagnostic[] = [];
  const knownKeys = () => graph.keys().filter((key) => !graph.isPlaceholder(key));
  for (const asset of assets) {
    for (const dep of asset.deps) {
      const problem = unresolvedTargets.get(dep);
      if (dep.key !== undefined && !graph.isPlaceholder(dep.key)) continue;
      const missing = dep.key ?? dep.text;
      const suggestion = closestKey(missing, knownKeys());
      const hint = suggestion ? ` Did you mean "${suggestion}"?` : " Declare it with source() if it is data from outside this workspace.";
      const what = problem ?? `no asset or source has the key "${missing}"`;
      found.push(diagnostic("AL002", dep.location, `Missing upstream for ${asset.key}: ${what}.${hint}`,
        { kind: "missingUpstream", missing, suggestion }));
    }
  }
  return found;
}

function undeclaredDependencies({ assets, producers }: GraphDiagnosticInput): AnalysisDiagnostic[] {
  const found: AnalysisDiagnostic[] = [];
  for (const asset of assets) {
    const declared = new Set(asset.deps.map((dep) => dep.key));
    const reported = new Set<ResourceId>();
    for (const read of asset.reads) {
      if (reported.has(read.resource)) continue;
      const producedBy = (producers.get(read.resource) ?? []).filter((producer) => producer.key !== asset.key);
      if (producedBy.length === 0 || producedBy.some((producer) => declared.has(producer.key))) continue;
      reported.add(read.resource);
      const producer = producedBy[0]!;
      const [kind, name] = splitResource(read.resource);
      found.push(diagnostic("AL003", read.location,
        `${asset.key} reads ${kind} ${name}, which ${producer.kind} ${producer.key} produces, but its deps do not name ${producer.key}. Add it to deps so runs and lineage see the dependency.`,
        { kind: "undeclaredDependency", asset: asset.key, producer: producer.key, resource: read.resource },
        [{ location: producer.keyLocation, message: `${producer.key} produces ${kind} ${name}` }]));
    }
  }
  return found;
}

function duplicates({ definitionsByKey }: GraphDiagnosticInput): AnalysisDiagnostic[] {
  const found: AnalysisDiagnostic[] = [];
  for (const [key, definitions] of definitionsByKey) {
    if (definitions.length < 2) continue;
    for (const definition of definitions) {
      const others = definitions.filter((other) => other !== definition);
      found.push(diagnostic("AL004", definition.keyLocation,
        `Duplicate asset key "${key}": also defined in ${others.map((other) => `${other.location.file}:${other.location.range.start.line + 1}`).join(", ")}. Rename one of them; keys must be unique.`,
        { kind: "duplicateKey", key },
        others.map((other) => ({ location: other.keyLocation, message: `"${key}" is also defined here` }))));
    }
  }
  return found;
}

function badCheckTargets({ checks, graph, unresolvedTargets }: GraphDiagnosticInput): AnalysisDiagnostic[] {
  const found: AnalysisDiagnostic[] = [];
  for (const check of checks) {
    if (check.asset !== undefined && graph.has(check.asset) && !graph.isPlaceholder(check.asset)) continue;
    const problem = unresolvedTargets.get(check) ?? `no asset or source has the key "${check.targetText}"`;
    const suggestion = closestKey(check.asset ?? check.targetText, graph.keys().filter((key) => !graph.isPlaceholder(key)));
    const hint = suggestion ? ` Did you mean "${suggestion}"?` : "";
    found.push(diagnostic("AL005", check.targetLocation, `Check "${check.name}" targets something that is not an asset: ${problem}.${hint}`,
      { kind: "badCheckTarget", target: check.targetText, suggestion }));
  }
  return found;
}

function splitResource(resource: ResourceId): [string, string] {
  const colon = resource.indexOf(":");
  return [resource.slice(0, colon), resource.slice(colon + 1)];
}

/** The resources an asset produces: the table named by its key, plus whatever it writes. */
export function producedResources(asset: AssetDefinition): ResourceId[] {
  const produced = new Set<ResourceId>([`table:${AssetKey.fromUserString(asset.key).toTableName().toLowerCase()}`]);
  for (const write of asset.writes) produced.add(write.resource);
  return [...produced];
}
