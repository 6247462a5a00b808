/**
 * Starts the language server only in workspaces that use Assetline: at once when a
 * package.json depends on it (or it is installed), otherwise on the first TypeScript
 * document that imports it. Activation stays cheap for every other TypeScript project.
 */
import * as vscode from "vscode";
import { packageUsesAssetline, sourceImportsAssetline } from "./detect";

const MANIFESTS_SCANNED = 50;

/** Calls `start` once, as soon as the workspace is seen to use Assetline. */
export function whenWorkspaceUsesAssetline(log: vscode.LogOutputChannel, start: () => void): vscode.Disposable {
  let fired = false;
  const listeners: vscode.Disposable[] = [];
  const fire = (why: string): void => {
    if (fired) return;
    fired = true;
    log.info(`starting the language server: ${why}`);
    for (const listener of listeners.splice(0)) listener.dispose();
    start();
  };
  const inspect = (document: vscode.TextDocument): void => {
    if (document.uri.scheme !== "file" || !/^typescript(react)?$/.test(document.languageId)) return;
    if (sourceImportsAssetline(document.getText()))
      fire(`${vscode.workspace.asRelativePath(document.uri)} imports assetline`);
  };
  listeners.push(vscode.workspace.onDidOpenTextDocument(inspect), vscode.workspace.onDidSaveTextDocument(inspect));
  for (const document of vscode.workspace.textDocuments) inspect(document);
  if (!fired) {
    void workspaceDeclaresAssetline().then(
      (manifest) => {
        if (manifest) fire(`${manifest} depends on assetline`);
        else if (!fired)
          log.info("no package.json here depends on assetline; the server starts when a file imports it");
      },
      (error: unknown) => fire(`the workspace could not be inspected (${String(error)})`),
    );
  }
  return new vscode.Disposable(() => {
    for (const listener of listeners.splice(0)) listener.dispose();
  });
}

async function workspaceDeclaresAssetline(): Promise<string | undefined> {
  const installed = await vscode.workspace.findFiles("node_modules/assetline/package.json", undefined, 1);
  if (installed.length > 0) return vscode.workspace.asRelativePath(installed[0]!);
  const manifests = await vscode.workspace.findFiles("**/package.json", "**/node_modules/**", MANIFESTS_SCANNED);
  for (const manifest of manifests) {
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(manifest));
    if (packageUsesAssetline(text)) return vscode.workspace.asRelativePath(manifest);
  }
  return undefined;
}
