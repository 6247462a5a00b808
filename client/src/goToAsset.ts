/**
 * "Go to Asset…" (Ctrl+Alt+A): with the cursor on an asset's name or table (in a SQL string, a
 * `.sql` file, a run's log, any editor) or that name selected, it opens that asset's definition
 * at once; otherwise a quick pick of every asset and source by key, table name, group, owner or
 * kind, with its health and file, opens the one picked.
 */
import * as vscode from "vscode";
import { DefinitionRequest, type Location, type LocationLink } from "vscode-languageclient/node";
import type { LineageGraph, LineageNode } from "../../protocol/lineage";
import { LineageRequest } from "../../protocol/methods";
import { NAME_PATTERN, assetNamed, assetPickRows } from "./assetPick";
import type { RunningCtx } from "./ctx";

interface PickItem extends vscode.QuickPickItem {
  readonly location: Location | undefined;
}

/** Selections longer than this are not a name: the pick opens unfiltered. */
const MAX_NAME = 256;

/**
 * The command: the asset named where the cursor is, else the pick (filtered by the selection
 * when something is selected). Resolves with the key opened, or undefined when nothing was.
 */
export async function goToAssetHere(running: RunningCtx): Promise<string | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return goToAsset(running);
  const selected = editor.selection.isEmpty ? "" : editor.document.getText(editor.selection).trim();
  const selectedName = selected.length <= MAX_NAME && !selected.includes("\n") ? selected : "";
  const named = await namedAt(running, editor, selectedName);
  if (named) {
    await openLocation(named.location);
    return named.key;
  }
  return goToAsset(running, selectedName || undefined);
}

/** Opens the pick; resolves with the key opened, or undefined when the user closed it. */
export async function goToAsset(running: RunningCtx, initialValue?: string): Promise<string | undefined> {
  const pick = vscode.window.createQuickPick<PickItem>();
  pick.placeholder = "Go to an asset by key, table name, group, owner or kind";
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  pick.busy = true;
  if (initialValue) pick.value = initialValue;
  // Listening before the pick shows: the user may close it before the graph arrives.
  const chosen = new Promise<PickItem | undefined>((resolve) => {
    pick.onDidAccept(() => resolve(pick.selectedItems[0]));
    pick.onDidHide(() => resolve(undefined));
  });
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
    const item = await chosen;
    if (!item?.location) return undefined;
    await openLocation(item.location);
    return item.label;
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

/**
 * The asset the selection or the name under the cursor stands for, unless the cursor is on that
 * asset's own definition (there the user wants the pick, not to stay put). In a file the server
 * analyses, its go-to-definition answers first: it knows every table an asset writes, not only
 * the one its key names.
 */
async function namedAt(
  running: RunningCtx,
  editor: vscode.TextEditor,
  selectedName: string,
): Promise<{ key: string; location: Location } | undefined> {
  const { document, selection } = editor;
  const wordRange = selectedName ? undefined : document.getWordRangeAtPosition(selection.active, NAME_PATTERN);
  const name = selectedName || (wordRange ? document.getText(wordRange) : "");
  if (name === "") return undefined;
  const client = running.state.client;
  const graph = await client.sendRequest(LineageRequest.type, {});
  const here = (location: Location): boolean =>
    location.uri === document.uri.toString() &&
    client.protocol2CodeConverter.asRange(location.range).contains(selection.active);
  if (document.uri.scheme === "file" && /^typescript(react)?$/.test(document.languageId)) {
    const target = await serverDefinition(running, document, selection.active);
    const node = target && nodeAt(graph, target);
    if (node?.location && !here(node.location)) return { key: node.key, location: node.location };
  }
  const node = assetNamed(graph, name);
  return node?.location && !here(node.location) ? { key: node.key, location: node.location } : undefined;
}

async function serverDefinition(
  running: RunningCtx,
  document: vscode.TextDocument,
  position: vscode.Position,
): Promise<Location | undefined> {
  const client = running.state.client;
  const params = client.code2ProtocolConverter.asTextDocumentPositionParams(document, position);
  const answer: Location | Location[] | LocationLink[] | null = await client.sendRequest(
    DefinitionRequest.type,
    params,
  );
  const first = Array.isArray(answer) ? answer[0] : (answer ?? undefined);
  if (!first) return undefined;
  return "targetUri" in first ? { uri: first.targetUri, range: first.targetSelectionRange } : first;
}

/** The graph node defined at a location the server gave (its key's position). */
function nodeAt(graph: LineageGraph, location: Location): LineageNode | undefined {
  const { line, character } = location.range.start;
  return graph.nodes.find(
    (node) =>
      node.location?.uri === location.uri &&
      node.location.range.start.line === line &&
      node.location.range.start.character === character,
  );
}
