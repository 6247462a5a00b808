/**
 * CodeLenses above each asset, source and check: a status line, then the actions the client
 * executes (Materialize, with upstream, Run checks, Show lineage). Commands are the client's,
 * declared in protocol/commands.ts.
 */
import type { CodeLens, Command, Range } from "vscode-languageserver";
import type { AnalysisSnapshot } from "../analysis";
import type { AssetDefinition, CheckDefinition } from "../model/definitions";
import { SnapshotIndex } from "./snapshotIndex";
import type { StatusBoard } from "./status";
import { checkLine, statusLine } from "./statusText";
import { toRange } from "./uris";
import { ClientCommands, clientCommand } from "../../../protocol";

/**
 * A lens whose command id is empty is shown as plain text by VS Code: the status line is
 * information, not a button.
 */
const NO_COMMAND = "";

/**
 * The lenses of one file. `canRun` is false in an untrusted workspace: the status lines stay,
 * the actions that would execute the workspace's code are not offered at all.
 */
export function codeLenses(
  snapshot: AnalysisSnapshot,
  status: StatusBoard,
  file: string,
  canRun: boolean,
  now = Date.now(),
): CodeLens[] {
  const lenses: CodeLens[] = [];
  for (const asset of snapshot.assets) {
    if (asset.location.file === file) lenses.push(...assetLenses(snapshot, status, asset, canRun, now));
  }
  for (const check of snapshot.checks) {
    if (check.location.file === file) lenses.push(...checkLenses(snapshot, status, check, canRun, now));
  }
  return lenses;
}

function assetLenses(
  snapshot: AnalysisSnapshot,
  status: StatusBoard,
  asset: AssetDefinition,
  canRun: boolean,
  now: number,
): CodeLens[] {
  const range = lensRange(asset);
  const key = asset.key;
  const index = SnapshotIndex.of(snapshot);
  const lenses: CodeLens[] = [];
  const info = (title: string): number => lenses.push({ range, command: { title, command: NO_COMMAND } });
  const action = (command: Command): number => lenses.push({ range, command });
  // Only the first definition of a duplicated key is in the graph; the others get no actions.
  if (index.definition(key) !== asset) {
    info(`✗ duplicate key "${key}": not in the graph until renamed`);
    return lenses;
  }
  const current = status.statusOf(snapshot, key, now);
  if (current) info(statusLine(current, asset.kind === "source", now));
  if (asset.kind === "asset" && canRun) {
    if (asset.exportName === undefined || !asset.exported) {
      info("export this asset to materialize it");
    } else {
      action(clientCommand("▶ Materialize", ClientCommands.materialize, { key }));
      if (index.parents(key).some((parent) => parent !== key && index.definition(parent)?.kind === "asset")) {
        action(clientCommand("▶ with upstream", ClientCommands.materializeWithUpstream, { key }));
      }
    }
  }
  if (canRun && index.checksOf(key).length > 0)
    action(clientCommand("✓ Run checks", ClientCommands.runChecks, { key }));
  action(clientCommand("Show lineage", ClientCommands.showLineage, { focus: key }));
  return lenses;
}

function checkLenses(
  snapshot: AnalysisSnapshot,
  status: StatusBoard,
  check: CheckDefinition,
  canRun: boolean,
  now: number,
): CodeLens[] {
  const range = toRange(check.location.range);
  if (check.assetKey === undefined || !SnapshotIndex.of(snapshot).definition(check.assetKey)) return [];
  const current = status.statusOf(snapshot, check.assetKey, now);
  const lenses: CodeLens[] = [];
  if (current) lenses.push({ range, command: { title: checkLine(current, check.name, now), command: NO_COMMAND } });
  if (canRun && check.exportName !== undefined && check.exported) {
    const args = { key: check.assetKey, check: check.name };
    const command = clientCommand("✓ Run check", ClientCommands.runChecks, args);
    lenses.push({ range, command });
  }
  return lenses;
}

/** The lens sits on the definition's first line: the const when the key is the const's name. */
function lensRange(asset: AssetDefinition): Range {
  const call = asset.location.range;
  const key = asset.keyLocation.range;
  const keyFirst = asset.keyLocation.file === asset.location.file && key.start.line < call.start.line;
  return toRange(keyFirst ? { start: key.start, end: call.end } : call);
}
