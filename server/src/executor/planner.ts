/**
 * Planning: from the analysed graph and a selection to the ordered list of steps of a run.
 * Pure (no I/O) and serialisable, so the language server can show a plan before running it.
 */
import type { AssetGraph } from "../model/graph";
import type { StepKind } from "./workerMessages";

/** One unit of a run: build an asset, or evaluate one check of an asset. */
export interface PlanStep {
  /** "asset:<key>" or "check:<key>:<name>", unique in the plan. */
  readonly id: string;
  readonly kind: StepKind;
  readonly assetKey: string;
  readonly checkName: string | undefined;
  /** Workspace-relative file defining the asset or check. */
  readonly file: string;
  readonly exportName: string | undefined;
  /** The analysed code version, recorded with the materialization. */
  readonly codeVersion: string;
  /** Checks only: a failure stops the asset's downstream. */
  readonly blocking: boolean;
  /** Assets only: every direct upstream key, whose latest materialization the step consumes. */
  readonly parents: readonly string[];
  /** Step ids that must succeed before this one starts; if one fails or is skipped, this one is skipped. */
  readonly waitsFor: readonly string[];
  /** Set when the step can never run (e.g. the definition is not exported): it fails with this message. */
  readonly unrunnable: string | undefined;
}

/** The steps of a run in execution order: assets topologically, each followed by its checks. */
export interface RunPlan {
  readonly steps: readonly PlanStep[];
  /** Requested keys that are not defined assets or sources (unknown or only referenced). */
  readonly unmatched: readonly string[];
}

/** How a selection becomes steps. */
export interface PlanOptions {
  /** Also materialize every upstream asset of the selection. */
  readonly withUpstream?: boolean;
  /** Only evaluate the checks of the selected assets; build nothing. */
  readonly checksOnly?: boolean;
  /** Build the assets without their checks. */
  readonly skipChecks?: boolean;
}

/** Plans a run of `keys` (e.g. `selectKeys(...).keys`) over the graph of an analysis snapshot. */
export function planRun(
  source: AssetGraph | { readonly graph: AssetGraph },
  keys: Iterable<string>,
  options: PlanOptions = {},
): RunPlan {
  const graph = "graph" in source ? source.graph : source;
  const unmatched: string[] = [];
  const requested: string[] = [];
  for (const key of new Set(keys)) {
    if (graph.definition(key)) requested.push(key);
    else unmatched.push(key);
  }
  const selected = options.withUpstream ? graph.withAncestors(requested) : requested;
  const ordered = graph.toposort(selected);
  const steps: PlanStep[] = [];

  if (options.checksOnly) {
    for (const key of ordered) steps.push(...graph.checksOf(key).map((check) => checkStep(graph, key, check, false)));
    return { steps, unmatched };
  }

  // Sources are never executed, but their checks run (first: nothing in the run builds them).
  const built = new Set(ordered.filter((key) => graph.definition(key)?.kind === "asset"));
  const nearest = nearestBuiltAncestors(graph, built);
  for (const key of ordered) {
    const definition = graph.definition(key)!;
    const checks = options.skipChecks ? [] : graph.checksOf(key);
    if (definition.kind === "asset") {
      const waitsFor: string[] = [];
      for (const upstream of nearest(key)) {
        waitsFor.push(assetStepId(upstream));
        // A failed blocking check of an upstream stops this asset, so it must finish first.
        if (!options.skipChecks) {
          for (const check of graph.checksOf(upstream))
            if (check.blocking) waitsFor.push(checkStepId(upstream, check.name));
        }
      }
      steps.push({
        id: assetStepId(key),
        kind: "asset",
        assetKey: key,
        checkName: undefined,
        file: definition.location.file,
        exportName: definition.exportName,
        codeVersion: definition.codeVersion,
        blocking: false,
        parents: graph.parents(key).filter((parent) => parent !== key),
        waitsFor,
        unrunnable: notLoadable("asset", key, definition.exportName, definition.exported, definition.location.file),
      });
    }
    steps.push(...checks.map((check) => checkStep(graph, key, check, built.has(key))));
  }
  return { steps, unmatched };
}

/** The id of the step building `key`. */
export function assetStepId(key: string): string {
  return `asset:${key}`;
}

/** The id of the step evaluating check `name` of `key`. */
export function checkStepId(key: string, name: string): string {
  return `check:${key}:${name}`;
}

type CheckOf = ReturnType<AssetGraph["checksOf"]>[number];

function checkStep(graph: AssetGraph, key: string, check: CheckOf, afterAsset: boolean): PlanStep {
  return {
    id: checkStepId(key, check.name),
    kind: "check",
    assetKey: key,
    checkName: check.name,
    file: check.location.file,
    exportName: check.exportName,
    codeVersion: check.codeVersion,
    blocking: check.blocking,
    parents: [],
    waitsFor: afterAsset ? [assetStepId(key)] : [],
    unrunnable: notLoadable("check", `${key}:${check.name}`, check.exportName, check.exported, check.location.file),
  };
}

function notLoadable(
  kind: StepKind,
  name: string,
  exportName: string | undefined,
  exported: boolean,
  file: string,
): string | undefined {
  if (exportName !== undefined && exported) return undefined;
  const what = exportName === undefined ? `is not assigned to a const` : `"${exportName}" is not exported`;
  return `${kind} ${name} in ${file} ${what}; the executor loads definitions by their export name (write \`export const ${exportName ?? "name"} = ${kind}(...)\`)`;
}

/**
 * For each asset, the closest built assets upstream of it, looking through assets that are
 * not part of the run: in a→b→c with only a and c selected, c still waits for a.
 */
function nearestBuiltAncestors(graph: AssetGraph, built: ReadonlySet<string>): (key: string) => readonly string[] {
  const memo = new Map<string, readonly string[]>();
  const throughOthers = (key: string, visiting: Set<string>): readonly string[] => {
    const known = memo.get(key);
    if (known) return known;
    if (visiting.has(key)) return []; // a cycle (reported as AL001): stop rather than loop
    visiting.add(key);
    const found = new Set<string>();
    for (const parent of graph.parents(key)) {
      if (parent === key) continue;
      if (built.has(parent)) found.add(parent);
      else for (const ancestor of throughOthers(parent, visiting)) found.add(ancestor);
    }
    visiting.delete(key);
    const result = [...found];
    memo.set(key, result);
    return result;
  };
  return (key) => throughOthers(key, new Set());
}
