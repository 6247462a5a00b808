/**
 * The server's lifecycle: initialize (capabilities, the workspace context), initialized
 * (settings, watchers, first analysis, status polling), configuration changes, shutdown.
 */
import {
  CodeActionKind,
  CodeLensRefreshRequest,
  type Connection,
  DidChangeConfigurationNotification,
  type InitializeParams,
  InitializeRequest,
  type InitializeResult,
  TextDocumentSyncKind,
} from "vscode-languageserver";
import type { AnalysisSnapshot } from "../analysis";
import { URI } from "vscode-uri";
import {
  GraphChangedNotification,
  ImpactChangedNotification,
  SETTINGS_SECTION,
  StatusChangedNotification,
} from "../../../protocol";
import { COMPLETION_TRIGGERS } from "./completion";
import { clientSupport, createContext, type WorkspaceContext } from "./context";
import { FileEvents, registerFileWatchers } from "./fileEvents";
import { registerHandlers } from "./handlers";
import { LineageWatch } from "./lineage";
import { ENGINE_VERSION } from "../version";
import { checkedParams } from "./params";

/** The lineage panel needs no keystroke latency: one comparison (and notification) per burst of edits. */
const GRAPH_CHECK_DELAY_MS = 200;
/**
 * Views re-ask for the impact when told it may have changed: told once a burst of edits pauses
 * this long, so only the last keystroke's impact is computed, not one per keystroke.
 */
const IMPACT_NOTICE_DELAY_MS = 100;
/** CodeLenses say "12 min ago": refreshed this often while there is history to show. */
const RELATIVE_TIME_REFRESH_MS = 60_000;

/** Starts serving LSP on the connection (stdio, node-ipc or sockets, as the entry chose). */
export function startSession(connection: Connection): void {
  const session = new Session(connection);
  registerHandlers(connection, () => session.context);
  connection.listen();
}

class Session {
  context: WorkspaceContext | undefined;
  private fileEvents: FileEvents | undefined;
  private readonly lineage = new LineageWatch();
  private graphTimer: NodeJS.Timeout | undefined;
  private impactTimer: NodeJS.Timeout | undefined;
  private clockTimer: NodeJS.Timeout | undefined;
  /** The snapshot whose code versions the lenses were last refreshed for. */
  private lensBasis: AnalysisSnapshot | undefined;
  private extraFolders = 0;

  constructor(private readonly connection: Connection) {
    connection.onInitialize((params) => this.initialize(params));
    connection.onInitialized(() => void this.initialized());
    connection.onShutdown(() => this.shutdown());
    connection.onDidChangeWatchedFiles((params) => this.fileEvents?.handle(params));
    connection.onDidChangeConfiguration((params) => void this.configurationChanged(params.settings));
  }

  private initialize(raw: InitializeParams): InitializeResult {
    const params = checkedParams<InitializeParams>(InitializeRequest.method, raw);
    const folderUri =
      params.workspaceFolders?.[0]?.uri ??
      params.rootUri ??
      (params.rootPath ? URI.file(params.rootPath).toString() : undefined);
    this.extraFolders = Math.max(0, (params.workspaceFolders?.length ?? 0) - 1);
    if (folderUri !== undefined && folderUri !== null) {
      const context = createContext(
        this.connection,
        URI.parse(folderUri).fsPath,
        folderUri,
        clientSupport(params.capabilities),
        params.initializationOptions,
        {
          onStatusChanged: (lastEventId) => this.statusChanged(lastEventId),
          onUnlistedFile: () => this.fileEvents?.scheduleRelist(),
        },
      );
      context.documents.listen(this.connection);
      context.host.onDidAnalyze((snapshot) => {
        context.publisher.schedule(snapshot);
        this.scheduleGraphCheck();
        // Any edit may change the impact answer; before a base is analysed nobody has asked.
        if (context.impact.ready) this.scheduleImpactNotice();
        this.refreshLensesIfCodeChanged(snapshot);
      });
      this.context = context;
      this.fileEvents = new FileEvents(context);
    }
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        definitionProvider: true,
        referencesProvider: true,
        hoverProvider: true,
        documentSymbolProvider: { label: "Assetline" },
        workspaceSymbolProvider: true,
        codeLensProvider: { resolveProvider: false },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        completionProvider: { triggerCharacters: COMPLETION_TRIGGERS, resolveProvider: false },
      },
      serverInfo: { name: "assetline", version: ENGINE_VERSION },
    };
  }

  private async initialized(): Promise<void> {
    const context = this.context;
    if (!context) {
      this.connection.console.warn("Assetline: no workspace folder is open, so there are no assets to analyse");
      return;
    }
    if (this.extraFolders > 0) {
      context.log(
        `Assetline analyses the first workspace folder only (${this.extraFolders} more ignored): ${context.paths.root}`,
      );
    }
    // Asked for first: a client answers in order, so its watcher is live before the first listing
    // (which waits for the answer to the analysis's progress, asked for later).
    const watching = registerFileWatchers(context).catch((error: unknown) => {
      context.log(`could not register file watchers: ${String(error)}`);
      return false;
    });
    void watching.then((registered) => {
      // Answered after the disk was listed (a slow client, or a request started the analysis
      // early): a file created or deleted in between was reported by nobody, and would be missed
      // until something else walked the disk. One more walk finds it.
      if (registered && context.reader.hasListed) this.fileEvents?.scheduleRelist();
    });
    const settings = await context.settings.get();
    context.host.setDebounce(settings.analysis.debounceMs);
    context.status.setPollInterval(settings.status.pollIntervalMs);
    const started =
      settings.analysis.maxFileKilobytes * 1024 === context.host.maxFileBytes
        ? context.host.start()
        : context.host.restart(settings.analysis.maxFileKilobytes * 1024);
    context.status.start();
    if (context.support.configurationRegistration) {
      // Pulled settings change silently unless the client is asked to say so.
      this.connection.client
        .register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION })
        .catch((error: unknown) => context.log(`could not register for configuration changes: ${String(error)}`));
    }
    this.clockTimer = setInterval(() => {
      if (context.status.lastSeenEventId > 0) this.refreshCodeLenses();
    }, RELATIVE_TIME_REFRESH_MS);
    this.clockTimer.unref();
    void context.automation.apply(settings.automation);
    await started;
  }

  private async configurationChanged(raw: unknown): Promise<void> {
    const context = this.context;
    if (!context) return;
    const before = await context.settings.get();
    context.settings.changed(raw);
    const after = await context.settings.get();
    context.host.setDebounce(after.analysis.debounceMs);
    context.status.setPollInterval(after.status.pollIntervalMs);
    if (after.analysis.maxFileKilobytes !== before.analysis.maxFileKilobytes) {
      void context.host.restart(after.analysis.maxFileKilobytes * 1024);
    }
    if (after.codeLens.enabled !== before.codeLens.enabled) this.refreshCodeLenses();
    void context.automation.apply(after.automation);
  }

  private statusChanged(lastEventId: number): void {
    void this.connection.sendNotification(StatusChangedNotification.type, { lastEventId });
    this.refreshCodeLenses();
  }

  private refreshCodeLenses(): void {
    if (!this.context?.support.codeLensRefresh) return;
    this.connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
  }

  /**
   * A lens in ANOTHER open file can depend on this edit ("upstream changed" downstream, "code
   * changed" undone by an undo); VS Code only re-asks the edited file's lenses, and may have
   * asked while the analysis was pending. So when any asset's code version (or the set of
   * checks) changed, every visible lens is asked for again.
   */
  private refreshLensesIfCodeChanged(snapshot: AnalysisSnapshot): void {
    const last = this.lensBasis;
    this.lensBasis = snapshot;
    // Compared in place, not as one string of every key and version: this runs on every keystroke.
    if (last && !sameCodeVersions(last, snapshot)) this.refreshCodeLenses();
  }

  private scheduleGraphCheck(): void {
    if (this.graphTimer) return;
    this.graphTimer = setTimeout(() => {
      this.graphTimer = undefined;
      const snapshot = this.context?.host.snapshot;
      if (!snapshot) return;
      if (!this.lineage.changed(snapshot)) return;
      void this.connection.sendNotification(GraphChangedNotification.type, { version: snapshot.version });
    }, GRAPH_CHECK_DELAY_MS);
  }

  /** Restarted by each analysis: the notice goes out once edits pause, with the version then current. */
  private scheduleImpactNotice(): void {
    if (this.impactTimer) clearTimeout(this.impactTimer);
    this.impactTimer = setTimeout(() => {
      this.impactTimer = undefined;
      const snapshot = this.context?.host.snapshot;
      if (snapshot)
        void this.connection.sendNotification(ImpactChangedNotification.type, { version: snapshot.version });
    }, IMPACT_NOTICE_DELAY_MS);
  }

  private async shutdown(): Promise<void> {
    if (this.graphTimer) clearTimeout(this.graphTimer);
    if (this.impactTimer) clearTimeout(this.impactTimer);
    if (this.clockTimer) clearInterval(this.clockTimer);
    this.fileEvents?.dispose();
    const context = this.context;
    if (!context) return;
    context.host.dispose();
    context.impact.dispose();
    context.status.stop();
    await Promise.all([context.automation.stop(), context.runs.dispose()]);
  }
}

/** True when two snapshots have the same assets with the same code versions, and the same checks. */
function sameCodeVersions(a: AnalysisSnapshot, b: AnalysisSnapshot): boolean {
  if (a.assets.length !== b.assets.length || a.checks.length !== b.checks.length) return false;
  for (let i = 0; i < a.assets.length; i++) {
    const x = a.assets[i]!;
    const y = b.assets[i]!;
    if (x !== y && (x.key !== y.key || x.codeVersion !== y.codeVersion)) return false;
  }
  for (let i = 0; i < a.checks.length; i++) {
    const x = a.checks[i]!;
    const y = b.checks[i]!;
    if (x !== y && (x.assetKey !== y.assetKey || x.name !== y.name)) return false;
  }
  return true;
}
