/** The impact hint above each changed asset: `modified · breaking · 3 downstream`. */
import type { CodeLens } from "vscode-languageserver";
import type { AnalysisSnapshot } from "../analysis";
import type { ImpactReport } from "../../../protocol";
import { ClientCommands, clientCommand } from "../../../protocol";
import { toRange } from "./uris";

export function impactLenses(report: ImpactReport, snapshot: AnalysisSnapshot, file: string): CodeLens[] {
  const changes = report.changes.filter((change) => change.file === file && change.change !== "removed");
  if (changes.length === 0) return [];
  // Impact travels along `because`: invert it once to count what each change reaches.
  const downstream = new Map<string, string[]>();
  for (const asset of report.impacted) {
    for (const because of asset.because) {
      const list = downstream.get(because.key);
      if (list) list.push(asset.key);
      else downstream.set(because.key, [asset.key]);
    }
  }
  const lenses: CodeLens[] = [];
  for (const change of changes) {
    const definition = snapshot.assets.find((asset) => asset.key === change.key && asset.location.file === file);
    if (!definition) continue;
    const reached = new Set<string>();
    const queue = [...(downstream.get(change.key) ?? [])];
    while (queue.length > 0) {
      const key = queue.pop()!;
      if (reached.has(key) || key === change.key) continue;
      reached.add(key);
      queue.push(...(downstream.get(key) ?? []));
    }
    const title = `${change.change} · ${change.category} · ${reached.size} downstream`;
    lenses.push({
      range: toRange(definition.location.range),
      command: clientCommand(title, ClientCommands.showLineage, { focus: change.key }),
    });
  }
  return lenses;
}
