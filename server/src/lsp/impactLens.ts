/** The impact hint above each changed asset: `modified · breaking · 3 downstream`. */
import type { CodeLens } from "vscode-languageserver";
import type { AnalysisSnapshot } from "../analysis";
import type { ImpactDigest } from "../model/impactDigest";
import { ClientCommands, clientCommand } from "../../../protocol";
import { toRange } from "./uris";

export function impactLenses(digest: ImpactDigest, snapshot: AnalysisSnapshot, file: string): CodeLens[] {
  // The summary counts what each change reaches, as the impact view lists it under the change.
  const changes = digest.summary().changes.filter((change) => change.file === file && change.change !== "removed");
  const lenses: CodeLens[] = [];
  for (const change of changes) {
    const definition = snapshot.assets.find((asset) => asset.key === change.key && asset.location.file === file);
    if (!definition) continue;
    const downstream = change.downstream.breaking + change.downstream.data;
    const title = `${change.change} · ${change.category} · ${downstream} downstream`;
    lenses.push({
      range: toRange(definition.location.range),
      command: clientCommand(title, ClientCommands.showLineage, { focus: change.key }),
    });
  }
  return lenses;
}
