/**
 * "Show Run": a run of the history, whichever process ran it, as a read-only document
 * (`assetline-run:RUN_ID.log`), read from the server at each open so it is never stale.
 */
import * as vscode from "vscode";
import { RunDetailsRequest } from "../../protocol/methods";
import type { Ctx } from "./ctx";
import { formatRun } from "./runText";

export const RUN_SCHEME = "assetline-run";

export class RunDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration: vscode.Disposable;

  constructor(private readonly ctx: Ctx) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(RUN_SCHEME, this);
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const runId = runIdOf(uri);
    const state = this.ctx.state;
    if (state.kind !== "running")
      return `Run ${runId}: the Assetline language server is not running (${state.kind}).\n`;
    const details = await state.client.sendRequest(RunDetailsRequest.type, { runId });
    return details ? formatRun(details) : `No run ${runId} in this workspace's history (.assetline/assetline.db).\n`;
  }

  /** Opens (or re-reads) a run's document beside the current editor. */
  async show(runId: string): Promise<vscode.TextEditor> {
    const uri = vscode.Uri.from({ scheme: RUN_SCHEME, path: `${runId}.log` });
    this.changed.fire(uri);
    const document = await vscode.workspace.openTextDocument(uri);
    return vscode.window.showTextDocument(document, {
      preview: true,
      viewColumn: vscode.ViewColumn.Beside,
      preserveFocus: true,
    });
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}

function runIdOf(uri: vscode.Uri): string {
  return uri.path.replace(/^\//, "").replace(/\.log$/, "");
}
