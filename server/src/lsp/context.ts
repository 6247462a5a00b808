/**
 * The one object that owns everything bound to the open workspace: paths, reader, analysis,
 * documents, status, runs. Handlers receive it once the workspace is known, so no handler
 * can run against a half-initialised server.
 */
import { type BackendTarget, ConfigError, loadWorkspaceConfig } from "../config/workspaceConfig";
import { storePath } from "../store/paths";
import { type ClientCapabilities, type Connection, MessageType, ShowMessageNotification } from "vscode-languageserver";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describeUnreadable } from "../analysis";
import { AnalysisHost, type ProgressReporter } from "./analysisHost";
import { AutomationHost } from "./automationHost";
import { DiagnosticsPublisher } from "./diagnostics";
import { ImpactService } from "./impact";
import { OpenDocuments } from "./documents";
import { RequestGate } from "./requests";
import { RunService } from "./runs";
import { SettingsCache } from "./settings";
import { StatusBoard } from "./status";
import { WorkspacePaths } from "./workspacePaths";
import { WorkspaceReader } from "./workspaceReader";
import { DEFAULT_SETTINGS, type InitializationOptions } from "../../../protocol";

/** What the client said it can do, reduced to the answers the features need. */
export interface ClientSupport {
  readonly configurationPull: boolean;
  /** The client sends didChangeConfiguration only when asked to (VS Code without `synchronize`). */
  readonly configurationRegistration: boolean;
  readonly watchedFilesRegistration: boolean;
  readonly codeLensRefresh: boolean;
  readonly hierarchicalSymbols: boolean;
  readonly definitionLinks: boolean;
  readonly relatedInformation: boolean;
}

export interface WorkspaceContext {
  readonly connection: Connection;
  readonly support: ClientSupport;
  readonly paths: WorkspacePaths;
  readonly reader: WorkspaceReader;
  readonly host: AnalysisHost;
  readonly documents: OpenDocuments;
  readonly publisher: DiagnosticsPublisher;
  readonly gate: RequestGate;
  readonly settings: SettingsCache;
  readonly status: StatusBoard;
  readonly runs: RunService;
  readonly impact: ImpactService;
  /** The automation loop, when the settings turn it on (automationHost.ts). */
  readonly automation: AutomationHost;
  readonly log: (message: string) => void;
}

export function clientSupport(capabilities: ClientCapabilities): ClientSupport {
  return {
    configurationPull: capabilities.workspace?.configuration === true,
    configurationRegistration: capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true,
    watchedFilesRegistration: capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
    codeLensRefresh: capabilities.workspace?.codeLens?.refreshSupport === true,
    hierarchicalSymbols: capabilities.textDocument?.documentSymbol?.hierarchicalDocumentSymbolSupport === true,
    definitionLinks: capabilities.textDocument?.definition?.linkSupport === true,
    relatedInformation: capabilities.textDocument?.publishDiagnostics?.relatedInformation === true,
  };
}

/** How long the client gets to accept a progress token before the analysis goes on without one. */
const PROGRESS_CREATE_TIMEOUT_MS = 2000;

export interface ContextEvents {
  /** Run history changed (any process): tell the client. */
  readonly onStatusChanged: (lastEventId: number) => void;
  /** A document the disk listing does not know was opened. */
  readonly onUnlistedFile: (file: string) => void;
}

export function createContext(
  connection: Connection,
  root: string,
  rootUri: string,
  support: ClientSupport,
  initializationOptions: unknown,
  events: ContextEvents,
): WorkspaceContext {
  const log = (message: string): void => connection.console.log(message);
  // A notification, not showWarningMessage (a request): nothing to answer, nothing to reject.
  const warn = (message: string): void =>
    void connection
      .sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message })
      .catch(() => undefined);
  const paths = new WorkspacePaths(root);
  const reader = new WorkspaceReader(root, (unreadable) => {
    // A skipped folder has no document to carry a diagnostic, so the user is told directly.
    for (const entry of unreadable) {
      const message = `Assetline ${describeUnreadable(entry)}`;
      log(message);
      warn(message);
    }
  });
  const settings = new SettingsCache(connection, support.configurationPull, rootUri, initializationOptions);
  const host: AnalysisHost = new AnalysisHost(reader, {
    maxFileBytes: DEFAULT_SETTINGS.analysis.maxFileKilobytes * 1024,
    debounceMs: DEFAULT_SETTINGS.analysis.debounceMs,
    startProgress: (title) => startProgress(connection, title),
    log,
    published: (): Promise<void> => publisher.written(),
  });
  const documents = new OpenDocuments(paths, reader, host, events.onUnlistedFile);
  const publisher = new DiagnosticsPublisher({
    connection,
    paths,
    versionOf: (file) => documents.versionOf(file),
    openFiles: () => documents.openFiles(),
    isStale: () => host.hasPendingChanges,
    relatedInformation: support.relatedInformation,
  });
  // From store/paths, not the store's index: that would load the native SQLite driver at
  // start-up, and a driver that fails to load must only cost status, not the server.
  const dbPath = storePath(root);
  const history = workspaceHistory(root, log);
  const status = new StatusBoard({
    dbPath,
    history,
    root,
    pollIntervalMs: DEFAULT_SETTINGS.status.pollIntervalMs,
    log,
    onChange: events.onStatusChanged,
    // Opening the history (the native driver, its latest state) is not what diagnostics need.
    readAfter: host.diagnosticsPublished,
  });
  const runs = new RunService({
    root,
    trusted: isWorkspaceTrusted(initializationOptions),
    dbPath,
    history,
    connection,
    unsavedFiles: (stepFiles) =>
      [...documents.openFiles()].filter((file) => isUnsaved(root, file, documents.textOf(file), stepFiles)),
    onHistoryWritten: () => status.pollSoon(),
    onRunFinished: () => status.poll(),
    log,
  });
  const automation = new AutomationHost({
    root,
    trusted: isWorkspaceTrusted(initializationOptions),
    history,
    log,
    warn,
    onHistoryWritten: () => status.pollSoon(),
    working: host,
  });
  const gate = new RequestGate(host, documents, log);
  const impact = new ImpactService(
    root,
    (file) => reader.readFile(file),
    log,
    isWorkspaceTrusted(initializationOptions),
    host,
  );
  return {
    connection,
    support,
    paths,
    reader,
    host,
    documents,
    publisher,
    gate,
    settings,
    status,
    runs,
    impact,
    automation,
    log,
  };
}

/**
 * The history the workspace configuration names (read once: a change needs a server restart,
 * like the CLI reads it once per command), or why it cannot be used, which status then shows.
 */
function workspaceHistory(root: string, log: (message: string) => void): BackendTarget | ConfigError {
  try {
    return loadWorkspaceConfig(root).history;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    log(`run history unavailable: ${error.message}`);
    return error;
  }
}

/**
 * Trust fails closed: a client that says anything about trust other than `true` (`false`,
 * but also `"false"`, `0`, `null`) gets an untrusted workspace. Only a client that says
 * nothing is trusted, since editors without a trust model (Neovim, Helix) send nothing.
 */
export function isWorkspaceTrusted(initializationOptions: unknown): boolean {
  if (typeof initializationOptions !== "object" || initializationOptions === null) return true;
  if (!("workspaceTrusted" in initializationOptions)) return true;
  return (initializationOptions as InitializationOptions).workspaceTrusted === true;
}

/**
 * A buffer whose file is gone from disk (deleted from a terminal or the explorer, its editor
 * left open as VS Code does by default) blocks only the runs that execute it: saving it would
 * bring back a file the user just deleted, so other runs go ahead.
 */
function isUnsaved(root: string, file: string, text: string | undefined, stepFiles: ReadonlySet<string>): boolean {
  try {
    return readFileSync(join(root, file), "utf8") !== text;
  } catch {
    return stepFiles.has(file);
  }
}

async function startProgress(connection: Connection, title: string): Promise<ProgressReporter> {
  const none: ProgressReporter = { report: () => undefined, done: () => undefined };
  const timeout = new Promise<undefined>((resolve) =>
    setTimeout(() => resolve(undefined), PROGRESS_CREATE_TIMEOUT_MS).unref(),
  );
  const reporter = await Promise.race([connection.window.createWorkDoneProgress().catch(() => undefined), timeout]);
  if (!reporter) return none;
  reporter.begin(title, 0, "listing files", false);
  return { report: (percentage, message) => reporter.report(percentage, message), done: () => reporter.done() };
}
