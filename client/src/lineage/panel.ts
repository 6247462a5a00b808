/**
 * Hosts the lineage webview: one panel per window, fed only after the webview says `ready`
 * (again after every reload), refreshed when the server says the graph or run history changed.
 * Every message from the webview is parsed as untrusted input before it is acted on.
 */
import { randomBytes } from "node:crypto";
import * as vscode from "vscode";
import type { ShowLineageCommandArgs } from "../../../protocol/commands";
import type { LineageGraph } from "../../../protocol/lineage";
import { LineageRequest, LocateAssetRequest } from "../../../protocol/methods";
import { type HostToWebviewMessage, type WebviewToHostMessage, parseWebviewToHostMessage } from "../../../protocol/webview";
import type { Ctx } from "../ctx";
import { lineageHtml, makeNonce } from "./html";

export const LINEAGE_VIEW_TYPE = "assetline.lineage";

export class LineagePanel implements vscode.Disposable {
  private static current: LineagePanel | undefined;
  /** Fires with every message posted to the webview (tests wait on it). */
  static readonly posted = new vscode.EventEmitter<HostToWebviewMessage>();
  private readonly disposables: vscode.Disposable[] = [];
  /** False until the page's script says `ready`; reset when the page reloads. */
  private ready = false;
  private view: ShowLineageCommandArgs = {};
  private graph: LineageGraph | undefined;
  /** Refreshes are coalesced: one in flight, at most one more queued. */
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;

  /** Opens (or reveals) the panel, centred on `args.focus` with `args.highlight` emphasised. */
  static show(ctx: Ctx, args: ShowLineageCommandArgs): LineagePanel {
    const panel = LineagePanel.current ?? new LineagePanel(ctx);
    LineagePanel.current = panel;
    panel.view = args;
    panel.webview.reveal(vscode.ViewColumn.Beside, false);
    void panel.refresh();
    return panel;
  }

  private readonly webview: vscode.WebviewPanel;

  private constructor(private readonly ctx: Ctx) {
    const root = vscode.Uri.joinPath(ctx.extension.extensionUri, "dist", "webview");
    this.webview = vscode.window.createWebviewPanel(LINEAGE_VIEW_TYPE, "Assetline Lineage", vscode.ViewColumn.Beside, {
      enableScripts: true,
      localResourceRoots: [root],
    });
    const webview = this.webview.webview;
    webview.html = lineageHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce((size) => randomBytes(size)),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(root, "lineage.js")).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(root, "lineage.css")).toString(),
    });
    this.disposables.push(
      webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      this.webview.onDidDispose(() => this.dispose()),
      // A hidden webview is torn down; when shown again it reloads and says ready again.
      this.webview.onDidChangeViewState(() => {
        if (!this.webview.visible) this.ready = false;
      }),
      ctx.onDidChangeGraph(() => void this.refresh()),
      ctx.onDidChangeStatus(() => void this.refresh()),
      ctx.onDidChangeState(() => void this.refresh()),
    );
  }

  dispose(): void {
    if (LineagePanel.current === this) LineagePanel.current = undefined;
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    this.webview.dispose();
  }

  private receive(raw: unknown): void {
    const message = parseWebviewToHostMessage(raw);
    if (!message) {
      this.ctx.log.warn("the lineage panel sent a message that is not part of the protocol; ignored");
      return;
    }
    void this.handle(message);
  }

  private async handle(message: WebviewToHostMessage): Promise<void> {
    switch (message.type) {
      case "ready":
        this.ready = true;
        return this.refresh();
      case "openDefinition":
        return this.openDefinition(message.key);
      case "renderError":
        this.ctx.log.error(`the lineage panel could not draw the graph: ${message.message}`);
        return;
      default:
        return assertNever(message);
    }
  }

  private refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = this.load().finally(() => {
      this.refreshing = undefined;
      if (this.refreshAgain) {
        this.refreshAgain = false;
        void this.refresh();
      }
    });
    return this.refreshing;
  }

  private async load(): Promise<void> {
    if (!this.ready) return;
    const state = this.ctx.state;
    if (state.kind !== "running") {
      const why = state.kind === "starting" ? "is starting" : `is not running (${state.reason})`;
      this.post({ type: "unavailable", message: `Assetline's language server ${why}.` });
      return;
    }
    try {
      this.graph = await state.client.sendRequest(LineageRequest.type, {});
      this.post({ type: "graph", graph: this.graph, focus: this.view.focus, highlight: this.view.highlight ?? [] });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.ctx.log.error(`the lineage request failed: ${reason}`);
      this.post({ type: "unavailable", message: `The asset graph could not be read: ${reason}` });
    }
  }

  private post(message: HostToWebviewMessage): void {
    void this.webview.webview.postMessage(message).then((delivered) => {
      if (delivered) LineagePanel.posted.fire(message);
    });
  }

  /** Opens where the asset is defined: from the graph the panel shows, else by asking the server. */
  private async openDefinition(key: string): Promise<void> {
    const state = this.ctx.state;
    const known = this.graph?.nodes.find((node) => node.key === key)?.location;
    try {
      const location = known ?? (state.kind === "running" ? await state.client.sendRequest(LocateAssetRequest.type, { key }) : null);
      if (!location) {
        void vscode.window.showWarningMessage(`No definition of ${key} was found.`);
        return;
      }
      const { start, end } = location.range;
      const selection = new vscode.Range(start.line, start.character, end.line, end.character);
      await vscode.window.showTextDocument(vscode.Uri.parse(location.uri, true), { selection, viewColumn: vscode.ViewColumn.One });
    } catch (error) {
      void this.ctx.showError(`Could not open the definition of ${key}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected message ${JSON.stringify(value)}`);
}
