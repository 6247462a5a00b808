import type {
  AnalysisDiagnostic,
  AssetDefinition,
  CheckDefinition,
  DependencyRef,
  ResourceId,
} from "../../model/definitions";
import {
  badCheckTargetDiagnostics,
  duplicateDiagnostics,
  type KeyIndex,
  missingUpstreamDiagnostics,
  undeclaredDependencyDiagnostics,
} from "../diagnostics/graphDiagnostics";
import type { FileLink } from "./linkPass";
import { appendAll } from "./sortedLists";

/** What the per-definition checks read of the linked workspace. */
export interface ProblemInputs {
  readonly keys: KeyIndex;
  /** The dep and check targets of a file's definitions that resolve to nothing we know. */
  unresolvedTargets(file: string): ReadonlyMap<DependencyRef | CheckDefinition, string>;
  /** Called as it is, without its object (it runs for every read of every asset). */
  readonly producersOf: (resource: ResourceId) => readonly AssetDefinition[] | undefined;
  /** AL008 of an asset, kept by its own module (ColumnDiagnostics); collected here to keep one order. */
  columnDiagnosticsOf(asset: AssetDefinition): readonly AnalysisDiagnostic[];
}

/**
 * The problems of each definition on its own (AL002–AL005), kept by definition so that an edit
 * recomputes only those of the definitions whose inputs changed. The `update*` methods return
 * true when what is stored for the definition changed (its file's diagnostics must be rebuilt).
 */
export class DefinitionProblems {
  /** AL002: deps on keys nothing defines. */
  private missing = new Map<AssetDefinition, readonly AnalysisDiagnostic[]>();
  /** AL003: tables read that another asset produces but the deps do not name. */
  private undeclared = new Map<AssetDefinition, readonly AnalysisDiagnostic[]>();
  /** AL004: a key defined more than once. */
  private duplicates = new Map<AssetDefinition, AnalysisDiagnostic>();
  /** AL005: checks whose target is not an asset. */
  private badTargets = new Map<CheckDefinition, readonly AnalysisDiagnostic[]>();

  constructor(private readonly inputs: ProblemInputs) {}

  clear(): void {
    this.missing = new Map();
    this.undeclared = new Map();
    this.duplicates = new Map();
    this.badTargets = new Map();
  }

  updateMissing(asset: AssetDefinition): boolean {
    const unresolved = this.inputs.unresolvedTargets(asset.location.file);
    return setOrDelete(this.missing, asset, missingUpstreamDiagnostics(asset, this.inputs.keys, unresolved));
  }

  updateUndeclared(asset: AssetDefinition): boolean {
    return setOrDelete(this.undeclared, asset, undeclaredDependencyDiagnostics(asset, this.inputs.producersOf));
  }

  updateBadTarget(check: CheckDefinition): boolean {
    const unresolved = this.inputs.unresolvedTargets(check.location.file);
    return setOrDelete(this.badTargets, check, badCheckTargetDiagnostics(check, this.inputs.keys, unresolved));
  }

  updateDuplicates(key: string, definitions: readonly AssetDefinition[]): void {
    duplicateDiagnostics(key, definitions).forEach((diagnostic, index) =>
      this.duplicates.set(definitions[index]!, diagnostic),
    );
  }

  /** AL004 of a key whose definitions changed from `before` to `after`; adds the files concerned to `touched`. */
  replaceDuplicates(
    key: string,
    before: readonly AssetDefinition[],
    after: readonly AssetDefinition[],
    touched: Set<string>,
  ): void {
    for (const definition of before) if (this.duplicates.delete(definition)) touched.add(definition.location.file);
    this.updateDuplicates(key, after);
    if (after.length > 1) for (const definition of after) touched.add(definition.location.file);
  }

  /** The `forget*` methods drop a definition that is gone; true when it had that problem. */
  forgetMissing(asset: AssetDefinition): boolean {
    return this.missing.delete(asset);
  }

  forgetUndeclared(asset: AssetDefinition): boolean {
    return this.undeclared.delete(asset);
  }

  forgetBadTarget(check: CheckDefinition): boolean {
    return this.badTargets.delete(check);
  }

  /** The assets with an AL002: their suggestions may change whenever the defined keys do. */
  assetsMissingUpstream(): Iterable<AssetDefinition> {
    return this.missing.keys();
  }

  /** The checks with an AL005, for the same reason. */
  checksWithBadTarget(): Iterable<CheckDefinition> {
    return this.badTargets.keys();
  }

  /**
   * Appends the problems of a file's definitions in the order the checks run in: AL002, AL003,
   * AL004, AL008 (each over the definitions in `order`), then AL005 (checks in call order).
   */
  collect(link: FileLink, order: (a: AssetDefinition, b: AssetDefinition) => number, into: AnalysisDiagnostic[]): void {
    const sorted = inOrder(link.assets, order);
    // Most definitions have no problem: look each map up only when it holds something.
    if (this.missing.size > 0) for (let i = 0; i < sorted.length; i++) appendSome(into, this.missing.get(sorted[i]!));
    if (this.undeclared.size > 0)
      for (let i = 0; i < sorted.length; i++) appendSome(into, this.undeclared.get(sorted[i]!));
    if (this.duplicates.size > 0)
      for (let i = 0; i < sorted.length; i++) {
        const duplicate = this.duplicates.get(sorted[i]!);
        if (duplicate) into.push(duplicate);
      }
    for (let i = 0; i < sorted.length; i++) appendSome(into, this.inputs.columnDiagnosticsOf(sorted[i]!));
    if (this.badTargets.size > 0)
      for (let i = 0; i < link.checks.length; i++) appendSome(into, this.badTargets.get(link.checks[i]!));
  }
}

/** `list` itself when already in `order` (a file's definitions usually are), else a sorted copy. */
function inOrder<T>(list: readonly T[], order: (a: T, b: T) => number): readonly T[] {
  for (let i = 1; i < list.length; i++) if (order(list[i - 1]!, list[i]!) > 0) return [...list].sort(order);
  return list;
}

function appendSome(into: AnalysisDiagnostic[], diagnostics: readonly AnalysisDiagnostic[] | undefined): void {
  if (diagnostics) appendAll(into, diagnostics);
}

/** Stores non-empty diagnostics (or forgets the owner); true when that changes what is stored. */
function setOrDelete<K>(
  map: Map<K, readonly AnalysisDiagnostic[]>,
  owner: K,
  diagnostics: readonly AnalysisDiagnostic[],
): boolean {
  if (diagnostics.length === 0) return map.delete(owner);
  map.set(owner, diagnostics);
  return true;
}
