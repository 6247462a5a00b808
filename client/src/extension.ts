/**
 * Activation. VS Code shows nothing when an extension fails to activate, so every failure is
 * caught here, logged, and shown with a way out. The returned API is for tests and other
 * extensions: which engine runs, and the server's state.
 */
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { Commands, commandTable } from "./commands";
import { needsRestart } from "./config";
import { Ctx, type ServerLaunch, type ServerState } from "./ctx";
import type { ImpactState } from "./impact/impactModel";
import { ImpactView } from "./impact/impactView";
import type { ImpactTreeItem } from "./impact/tree";
import { LineagePanel } from "./lineage/panel";
import type { HostToWebviewMessage } from "../../protocol/webview";
import { FailureDiagnostics } from "./failures";
import { type LinkOutcome, LinkHandler } from "./linkHandler";
import { RunDocuments } from "./runDocument";
import { StatusBar } from "./statusBar";
import type { CatalogGroup } from "./catalogGroups";
import type { RunSummary } from "../../protocol/runs";
import { CatalogView } from "./views/catalogView";
import { ChecksTesting } from "./views/checksTesting";
import { RunHistoryView } from "./views/runHistoryView";
import { whenWorkspaceUsesAssetline } from "./startWhenUsed";

export interface AssetlineApi {
  readonly state: () => ServerState["kind"];
  /** The running language client, for requests of other extensions and tests; undefined while stopped. */
  readonly client: () => LanguageClient | undefined;
  readonly launch: () => ServerLaunch | undefined;
  readonly onDidChangeState: vscode.Event<ServerState>;
  /** The server reported a change of run history. */
  readonly onDidChangeStatus: vscode.Event<void>;
  /** A message the host delivered to the lineage webview (sent only after the webview's `ready`). */
  readonly onDidPostToLineage: vscode.Event<HostToWebviewMessage>;
  /** Follows a `vscode://assetline.assetline/asset?…` link as the URI handler does; resolves once it is shown. */
  readonly followLink: (uri: string) => Promise<LinkOutcome>;
  /** The status bar item's text, for tests. */
  readonly statusBarText: () => string;
  readonly onDidChangeStatusBar: vscode.Event<void>;
  /** What the Runs and Assets views show, for tests. */
  readonly views: {
    readonly runs: () => readonly RunSummary[];
    readonly catalog: () => readonly CatalogGroup[];
    /** The Testing view's check items ("check:KEY:NAME"). */
    readonly checks: () => readonly string[];
    /** The Testing view's run profiles (none in Restricted Mode). */
    readonly checkRunProfiles: () => readonly string[];
    readonly onDidChange: vscode.Event<void>;
  };
  /** The impact view's content, as VS Code reads it. */
  readonly impactView: vscode.TreeDataProvider<ImpactTreeItem>;
  readonly impactState: () => ImpactState;
  readonly onDidChangeImpact: vscode.Event<ImpactState>;
}

let ctx: Ctx | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<AssetlineApi | undefined> {
  const log = vscode.window.createOutputChannel("Assetline", { log: true });
  context.subscriptions.push(log);
  try {
    ctx = new Ctx(context, log);
    const current = ctx;
    const runDocuments = new RunDocuments(current);
    const links = new LinkHandler(current, runDocuments);
    const commands = new Commands(current, commandTable(current, runDocuments));
    const statusBar = new StatusBar(current);
    const runsView = new RunHistoryView(current);
    const catalogView = new CatalogView(current);
    const checks = new ChecksTesting(current);
    const impactView = new ImpactView(current, current.impact);
    context.subscriptions.push(
      current,
      runDocuments,
      new FailureDiagnostics(current),
      vscode.window.registerUriHandler(links),
      commands,
      statusBar,
      runsView,
      catalogView,
      checks,
      impactView,
      LineagePanel.posted,
      current.onDidChangeState(() => commands.update()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        // The workspace's own engine may now run, and the server may now execute code.
        log.info("the workspace is now trusted; restarting the language server");
        commands.update();
        void current.restart();
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (!needsRestart(event)) return;
        log.info("a setting that chooses the engine changed; restarting the language server");
        void current.restart();
      }),
    );
    commands.update();
    // Not awaited: activation must not wait for the first analysis; failures are shown by Ctx.
    // TypeScript projects that do not use Assetline never get a server process.
    context.subscriptions.push(
      whenWorkspaceUsesAssetline(log, () => {
        // Fires once; the server may already run if the user started it by command.
        if (current.state.kind === "stopped") void current.start();
      }),
    );
    return {
      state: () => current.state.kind,
      client: () => (current.state.kind === "running" ? current.state.client : undefined),
      launch: () => current.launch,
      onDidChangeState: current.onDidChangeState,
      onDidChangeStatus: current.onDidChangeStatus,
      onDidPostToLineage: LineagePanel.posted.event,
      followLink: (uri) => links.follow(vscode.Uri.parse(uri)),
      statusBarText: () => statusBar.text,
      onDidChangeStatusBar: statusBar.onDidUpdate,
      views: {
        runs: () => runsView.shown,
        catalog: () => catalogView.shown,
        checks: () => checks.checkIds,
        checkRunProfiles: () => checks.runProfiles,
        onDidChange: (listener) =>
          vscode.Disposable.from(
            runsView.onDidChangeTreeData(listener),
            catalogView.onDidChangeTreeData(listener),
            checks.onDidReload(listener),
          ),
      },
      impactView,
      impactState: () => current.impact.state,
      onDidChangeImpact: current.impact.onDidChange,
    };
  } catch (error) {
    const reason = error instanceof Error ? (error.stack ?? error.message) : String(error);
    log.error(`Assetline failed to activate: ${reason}`);
    // Not awaited: activation must end even if the user never answers.
    void vscode.window
      .showErrorMessage(
        `Assetline failed to activate: ${error instanceof Error ? error.message : String(error)}`,
        "Show logs",
      )
      .then((choice) => {
        if (choice === "Show logs") log.show(true);
      });
    return undefined;
  }
}

export async function deactivate(): Promise<void> {
  await ctx?.shutdown();
  ctx = undefined;
}
