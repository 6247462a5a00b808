import type { ImpactReport } from "../../../protocol/impact";
import { compareKeyStrings as compare } from "./assetKey";
import type { AssetGraph } from "./graph";
import { type Selection, selectKeys } from "./selection";

/** The part of a report about `keys` (a selection): their changes, impact on them, their checks and owners. */
export function restrictImpact(report: ImpactReport, keys: ReadonlySet<string>): ImpactReport {
  const changes = report.changes.filter(
    (change) => keys.has(change.key) || (change.previousKey !== undefined && keys.has(change.previousKey)),
  );
  const impacted = report.impacted.filter((asset) => keys.has(asset.key));
  const checks = report.checks.filter((check) => keys.has(check.asset));
  const owners = new Set<string>();
  for (const entry of [...changes, ...impacted]) for (const owner of entry.owners) owners.add(owner);
  return { base: report.base, changes, impacted, checks, owners: [...owners].sort(compare) };
}

/**
 * The part of a report about what `selection` names in either graph: the working side's and
 * the base's, so a removed asset the selection names still shows (the CLI's `--select` and the
 * language server's `selection` answer alike).
 */
export function selectImpact(report: ImpactReport, selection: Selection, graphs: readonly AssetGraph[]): ImpactReport {
  const keys = new Set(graphs.flatMap((graph) => selectKeys(graph, selection).keys));
  return restrictImpact(report, keys);
}
