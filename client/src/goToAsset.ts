/**
 * "Go to Asset…" (Ctrl+Alt+A): a quick pick of every asset and source by key, table name,
 * group, owner or kind, with its health and file; picking one opens its definition.
 */
import * as vscode from "vscode";
import type { Location } from "vscode-languageserver-protocol";
import { LineageRequest } from "../../protocol/methods";
import { assetPickRows } from "./assetPick";
import type { RunningCtx } from "./ctx";

interface PickItem extends vscode.QuickPickItem {
  readonly location: Location | undefined;
}

/** Resolves with the key opened, or undefined when the user closed the pick. */
export async function goToAsset(running: RunningCtx, initialValue?: string): Promise<string | undefined> {
  const pick = vscode.window.createQuickPick<PickItem>();
  pick.placeholder = "Go to an asset by key, table name, group, owner or kind";
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  pick.busy = true;
  if (initialValue) pick.value = initialValue;
  pick.show();
  try {
    const graph = await running.state.client.sendRequest(LineageRequest.type, {});
    const rows = assetPickRows(graph, (uri) => vscode.workspace.asRelativePath(vscode.Uri.parse(uri)));
    pick.items = rows.map((row) => ({
      label: row.label,
      description: row.description,
      detail: row.detail,
      location: row.location,
    }));
    pick.busy = false;
    const chosen = await new Promise<PickItem | undefined>((resolve) => {
      pick.onDidAccept(() => resolve(pick.selectedItems[0]));
      pick.onDidHide(() => resolve(undefined));
    });
    if (!chosen?.location) return undefined;
    await openLocation(chosen.location);
    return chosen.label;
  } finally {
    pick.dispose();
  }
}

/** Opens a server location in an editor, the range selected and revealed. */
export async function openLocation(location: Location): Promise<vscode.TextEditor> {
  const { start, end } = location.range;
  const range = new vscode.Range(start.line, start.character, end.line, end.character);
  return vscode.window.showTextDocument(vscode.Uri.parse(location.uri), { selection: range });
}
