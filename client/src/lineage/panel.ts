/**
 * Hosts the lineage webview: one panel per window, fed only after the webview says `ready`
 * (again after every reload), refreshed when the server says the graph or run history changed.
 * Every message from the webview is parsed as untrusted input before it is acted on. The host
 * owns the scope (what part of the graph is shown) and asks the server for it as selection
 * text: the server's one resolver evaluates every selection, depth and "show all". While the
 * impact overlay is on, every changed asset is added to whatever scope is shown, so no
 * selection can hide a change, and the overlay is asked for the keys drawn, not for every
 * impacted asset (a change near the roots of a large workspace impacts thousands).
 */
import { randomBytes } from "node:crypto";
import * as vscode from "vscode";
import { ClientCommands, type ShowLineageCommandArgs } from "../../../protocol/commands";
import type { ImpactHighlight } from "../../../protocol/impactHighlight";
import type { LineageGraph } from "../../../protocol/lineage";
import { AssetDetailsRequest, LineageRequest, LocateAssetRequest } from "../../../protocol/methods";
import {
  DEFAULT_DEPTH,
  type HostToWebviewMessage,
  type LineageScope,
  type NodeAction,
  type WebviewToHostMessage,
  parseWebviewToHostMessage,
  scopeSelection,
} from "../../../protocol/webview";
import type { Ctx } from "../ctx";
import { changedKeys, withImpactKeys } from "../impact/highlight";
import { type DefinitionsByFile, assetAt, definitionsByFile, hubOf } from "./editorAsset";
import { lineageHtml, makeNonce } from "./html";

export const LINEAGE_VIEW_TYPE = "assetline.lineage";
/** Cursor moves come in bursts; the panel re-focuses once they pause. */
const FOLLOW_DELAY_MS = 250;

export class LineagePanel implements vscode.Disposable {
  private static current: LineagePanel | undefined;
  /** Fires with every message posted to the webview (tests wait on it). */
  static readonly posted = new vscode.EventEmitter<HostToWebviewMessage>();
  private readonly disposables: vscode.Disposable[] = [];
  /** False until the page's script says `ready`; reset when the page reloads. */
  private ready = false;
  /** Undefined until the first load picks one (the editor's asset, else the graph's hub). */
  private scope: LineageScope | undefined;
  private focus: string | undefined;
  private highlight: readonly string[] = [];
  /** Whether the panel shows the impact of uncommitted changes, following each new report. */
  private showsImpact = false;
  private impact: readonly ImpactHighlight[] = [];
  /** The changed keys of the summary the overlay was last drawn for (added to the scope). */
  private impactChanged: readonly string[] = [];
  /** Keeps the impact summary fresh while the overlay is on. */
  private impactWanted: vscode.Disposable | undefined;
  private follow = true;
  /** The whole graph's definitions by file, to know the asset under the cursor; rebuilt on graph changes. */
  private definitions: DefinitionsByFile | undefined;
  private wholeGraph: LineageGraph | undefined;
  /** The graph the panel shows. */
  private graph: LineageGraph | undefined;
  /** The panel opened this asset's definition itself: following it back would re-scope under the user. */
  private openedByPanel: string | undefined;
  private followTimer: ReturnType<typeof setTimeout> | undefined;
  /** Refreshes are coalesced: one in flight, at most one more queued. */
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;

  /**
   * Opens (or reveals) the panel, centred on `args.focus` with `args.highlight` emphasised; with
   * `impact`, the impact overlay of `ctx.impact`'s report is drawn and kept current, otherwise
   * it is turned off.
   */
  static show(ctx: Ctx, args: ShowLineageCommandArgs, options: { readonly impact?: boolean } = {}): LineagePanel {
    const panel = LineagePanel.current ?? new LineagePanel(ctx);
    LineagePanel.current = panel;
    panel.aim(args);
    panel.showImpact(options.impact === true);
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
    const uri = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(root, file)).toString();
    webview.html = lineageHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce((size) => randomBytes(size)),
      scriptUri: uri("lineage.js"),
      styleUri: uri("lineage.css"),
      workerUri: uri("layout-worker.js"),
    });
    this.disposables.push(
      webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      this.webview.onDidDispose(() => this.dispose()),
      // A hidden webview is torn down; when shown again it reloads and says ready again.
      this.webview.onDidChangeViewState(() => {
        if (!this.webview.visible) this.ready = false;
      }),
      ctx.onDidChangeGraph(() => {
        this.definitions = undefined;
        void this.refresh();
      }),
      ctx.onDidChangeStatus(() => void this.refresh()),
      ctx.impact.onDidChange(() => {
        if (this.showsImpact) void this.refreshImpact();
      }),
      ctx.onDidChangeState(() => {
        this.definitions = undefined;
        void this.refresh();
      }),
      vscode.window.onDidChangeActiveTextEditor(() => this.editorMoved()),
      vscode.window.onDidChangeTextEditorSelection((event) => {
        if (event.textEditor === vscode.window.activeTextEditor) this.editorMoved();
      }),
    );
  }

  dispose(): void {
    if (LineagePanel.current === this) LineagePanel.current = undefined;
    if (this.followTimer !== undefined) clearTimeout(this.followTimer);
    this.impactWanted?.dispose();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    this.webview.dispose();
  }

  /** Applies a command's arguments: a focus (with the depths in use) and a path to highlight. */
  private aim(args: ShowLineageCommandArgs): void {
    this.highlight = args.highlight ?? [];
    if (this.highlight.length > 0) {
      // A cycle's path, each key with its direct neighbours: the whole cycle is on screen.
      const keys = [...new Set(this.highlight)];
      this.scope = { kind: "selection", text: keys.map((key) => `1+${key}+1`).join(" ") };
      this.focus = args.focus ?? keys[0];
    } else if (args.focus !== undefined) {
      this.focusOn(args.focus);
    } else if (this.scope === undefined) {
      // From the palette: the editor's asset, else the hub, once the graph is known (in load).
      this.focus = undefined;
    }
  }

  private showImpact(on: boolean): void {
    this.showsImpact = on;
    if (on) {
      this.impactChanged = this.currentChangedKeys();
      this.impactWanted ??= this.ctx.impact.want();
    } else {
      this.impact = [];
      this.impactChanged = [];
      this.impactWanted?.dispose();
      this.impactWanted = undefined;
    }
  }

  /** The changed keys of the last summary; a failed refresh keeps the overlay shown (as the view keeps its summary). */
  private currentChangedKeys(): readonly string[] {
    const state = this.ctx.impact.state;
    return state.kind === "summary" ? changedKeys(state.summary) : this.impactChanged;
  }

  /**
   * A new summary: the scope is asked for again when the changed keys differ; otherwise only the
   * overlay of the graph drawn, which is posted again only when it changed.
   */
  private async refreshImpact(): Promise<void> {
    const changed = this.currentChangedKeys();
    if (changed.join("\n") !== this.impactChanged.join("\n")) {
      this.impactChanged = changed;
      return this.refresh();
    }
    if (this.refreshing || !this.graph) return this.refresh();
    const impact = await this.overlayOf(this.graph);
    if (!this.showsImpact || JSON.stringify(impact) === JSON.stringify(this.impact)) return;
    this.impact = impact;
    this.postGraph();
  }

  /** The overlay of the keys `graph` draws; the last one when the server cannot answer now. */
  private async overlayOf(graph: LineageGraph): Promise<readonly ImpactHighlight[]> {
    if (!this.showsImpact) return [];
    try {
      return await this.ctx.impact.highlights(graph.nodes.map((node) => node.key));
    } catch (error) {
      this.ctx.log.warn(
        `the impact overlay could not be read: ${error instanceof Error ? error.message : String(error)}`,
      );
      return this.impact;
    }
  }

  private requestedSelection(scope: LineageScope): string {
    if (!this.showsImpact) return scopeSelection(scope);
    const known = new Set(this.wholeGraph?.nodes.map((node) => node.key));
    return withImpactKeys(scopeSelection(scope), this.impactChanged, known);
  }

  private focusOn(key: string): void {
    const depths = this.scope?.kind === "focus" ? this.scope : { upstream: DEFAULT_DEPTH, downstream: DEFAULT_DEPTH };
    this.scope = { kind: "focus", key, upstream: depths.upstream, downstream: depths.downstream };
    this.focus = key;
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
      case "setScope":
        this.scope = message.scope;
        this.highlight = [];
        if (message.scope.kind === "focus") this.focus = message.scope.key;
        return this.refresh();
      case "setFollow":
        this.follow = message.follow;
        if (this.follow) this.editorMoved();
        return this.refresh();
      case "openDefinition":
        return this.openDefinition(message.key);
      case "nodeAction":
        return this.nodeAction(message.action, message.key);
      case "renderError":
        this.ctx.log.error(`the lineage panel could not draw the graph: ${message.message}`);
        return;
      case "requestDetails":
        return this.sendDetails(message.key);
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
      if (this.definitions === undefined || this.scope === undefined || this.wholeGraph === undefined) {
        this.wholeGraph = await state.client.sendRequest(LineageRequest.type, {});
        this.definitions = definitionsByFile(this.wholeGraph.nodes);
      }
      if (this.scope === undefined) {
        const key = this.editorAsset() ?? hubOf(this.wholeGraph!);
        if (key === undefined) this.scope = { kind: "all" };
        else this.focusOn(key);
      }
      const graph = await state.client.sendRequest(LineageRequest.type, {
        selection: this.requestedSelection(this.scope!),
      });
      this.impact = await this.overlayOf(graph);
      this.graph = graph;
      this.postGraph();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.ctx.log.error(`the lineage request failed: ${reason}`);
      this.post({ type: "unavailable", message: `The asset graph could not be read: ${reason}` });
    }
  }

  private postGraph(): void {
    if (!this.graph || !this.scope) return;
    this.post({
      type: "graph",
      graph: this.graph,
      scope: this.scope,
      focus: this.focus,
      highlight: this.highlight,
      impact: this.impact,
      follow: this.follow,
      canRunCode: this.ctx.trusted,
    });
  }

  /** Answers the panel's `requestDetails` with the server's columns and recent runs of `key`. */
  private async sendDetails(key: string): Promise<void> {
    const state = this.ctx.state;
    if (state.kind !== "running") {
      this.post({ type: "detailsUnavailable", key, message: "Assetline's language server is not running." });
      return;
    }
    try {
      const details = await state.client.sendRequest(AssetDetailsRequest.type, { key });
      if (details) this.post({ type: "details", details });
      else this.post({ type: "detailsUnavailable", key, message: "Nothing in this workspace defines this key." });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.ctx.log.error(`the asset details request failed: ${reason}`);
      this.post({ type: "detailsUnavailable", key, message: `The history could not be read: ${reason}` });
    }
  }

  /** The asset under the active editor's cursor, if the graph defines one in that file. */
  private editorAsset(): string | undefined {
    const editor = vscode.window.activeTextEditor;
    if (!editor || !this.definitions) return undefined;
    return assetAt(this.definitions, editor.document.uri.toString(), editor.selection.active.line);
  }

  /** Following the editor re-focuses a focus scope; a typed selection or "show all" stays as the user set it. */
  private editorMoved(): void {
    if (!this.follow || !this.ready) return;
    if (this.followTimer !== undefined) clearTimeout(this.followTimer);
    this.followTimer = setTimeout(() => {
      this.followTimer = undefined;
      const key = this.editorAsset();
      if (key === undefined || this.scope?.kind !== "focus" || key === this.scope.key) return;
      if (key === this.openedByPanel) return;
      this.openedByPanel = undefined;
      this.focusOn(key);
      this.highlight = [];
      void this.refresh();
    }, FOLLOW_DELAY_MS);
  }

  private post(message: HostToWebviewMessage): void {
    void this.webview.webview.postMessage(message).then((delivered) => {
      if (delivered) LineagePanel.posted.fire(message);
    });
  }

  private async nodeAction(action: NodeAction, key: string): Promise<void> {
    switch (action) {
      case "materialize":
        await vscode.commands.executeCommand(ClientCommands.materialize, { key });
        return;
      case "materializeWithUpstream":
        await vscode.commands.executeCommand(ClientCommands.materializeWithUpstream, { key });
        return;
      case "runChecks":
        await vscode.commands.executeCommand(ClientCommands.runChecks, { key });
        return;
      case "copyKey":
        await vscode.env.clipboard.writeText(key);
        vscode.window.setStatusBarMessage(`Copied ${key}`, 3000);
        return;
      default:
        return assertNever(action);
    }
  }

  /** Opens where the asset is defined: from the graph the panel shows, else by asking the server. */
  private async openDefinition(key: string): Promise<void> {
    const state = this.ctx.state;
    const known = this.graph?.nodes.find((node) => node.key === key)?.location;
    try {
      const location =
        known ?? (state.kind === "running" ? await state.client.sendRequest(LocateAssetRequest.type, { key }) : null);
      if (!location) {
        void vscode.window.showWarningMessage(`No definition of ${key} was found.`);
        return;
      }
      const { start, end } = location.range;
      const selection = new vscode.Range(start.line, start.character, end.line, end.character);
      this.openedByPanel = key;
      await vscode.window.showTextDocument(vscode.Uri.parse(location.uri, true), {
        selection,
        viewColumn: vscode.ViewColumn.One,
      });
    } catch (error) {
      void this.ctx.showError(
        `Could not open the definition of ${key}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected message ${JSON.stringify(value)}`);
}
