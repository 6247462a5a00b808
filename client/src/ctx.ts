/**
 * The extension's one owner: the language client, its disposables, the server's state, and
 * the events the rest of the extension listens to. `RunningCtx` is the type that says "the
 * client exists", so commands written against it cannot forget to check.
 */
import * as path from "node:path";
import * as vscode from "vscode";
import {
  CloseAction,
  type CloseHandlerResult,
  ErrorAction,
  type ErrorHandlerResult,
  LanguageClient,
  type LanguageClientOptions,
  RevealOutputChannelOn,
  type ServerOptions,
  State,
  TransportKind,
} from "vscode-languageclient/node";
import {
  GraphChangedNotification,
  ImpactChangedNotification,
  RunEventNotification,
  RunFinishedNotification,
  StatusChangedNotification,
} from "../../protocol/methods";
import type { InitializationOptions } from "../../protocol/settings";
import { currentSettings } from "./config";
import { type EngineChoice, checkNodeVersion, chooseEngine, resolveNode, serverNodeFlags } from "./engine";
import { ImpactModel } from "./impact/impactModel";
import { RunTracker } from "./runTracker";
import { type ServerProgress, ServerProgressFeature } from "./serverProgress";

export type ServerState =
  | { readonly kind: "starting" }
  | { readonly kind: "running"; readonly client: LanguageClient }
  /** Not running: never started, stopped by the user, failed to start or crashed. `reason` says which. */
  | { readonly kind: "stopped"; readonly reason: string };

/** What the running server was started with, for the log, the status bar's tooltip and tests. */
/** The context a command gets while the server runs: the client is there. */
export interface RunningCtx {
  readonly ctx: Ctx;
  readonly state: Extract<ServerState, { kind: "running" }>;
}

export interface ServerLaunch {
  readonly engine: EngineChoice;
  readonly nodePath: string;
  readonly nodeVersion: string;
  readonly trusted: boolean;
}

/** Crashes tolerated within CRASH_WINDOW_MS before the server is left stopped. */
const MAX_CRASHES = 3;
const CRASH_WINDOW_MS = 3 * 60_000;

export class Ctx implements vscode.Disposable {
  private stateValue: ServerState = { kind: "stopped", reason: "not started yet" };
  private launchValue: ServerLaunch | undefined;
  private progressValue: ServerProgress | undefined;
  /** Disposed with each client: notification handlers and the like. */
  private clientDisposables: vscode.Disposable[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private readonly crashes: number[] = [];
  /** The client created last, running or not, until it is stopped and disposed. */
  private current: LanguageClient | undefined;
  /** The client the language client library is restarting after a crash. */
  private restartingAfterCrash: LanguageClient | undefined;
  private readonly stateEmitter = new vscode.EventEmitter<ServerState>();
  private readonly progressEmitter = new vscode.EventEmitter<ServerProgress | undefined>();
  private readonly graphEmitter = new vscode.EventEmitter<void>();
  private readonly statusEmitter = new vscode.EventEmitter<void>();
  private readonly impactEmitter = new vscode.EventEmitter<void>();
  /** Serialises start/stop, so a restart never races a start still in progress. */
  private lifecycle: Promise<void> = Promise.resolve();
  readonly runs: RunTracker;
  /** The impact of uncommitted changes, kept fresh while a view shows it. */
  readonly impact: ImpactModel;

  /** Fires after every state change. */
  readonly onDidChangeState = this.stateEmitter.event;
  readonly onDidChangeProgress = this.progressEmitter.event;
  /** The server said the graph's shape changed. */
  readonly onDidChangeGraph = this.graphEmitter.event;
  /** The server said run history changed (any process wrote to the store). */
  readonly onDidChangeStatus = this.statusEmitter.event;
  /** The server said the impact of uncommitted changes may have changed. */
  readonly onDidChangeImpact = this.impactEmitter.event;

  constructor(
    readonly extension: vscode.ExtensionContext,
    readonly log: vscode.LogOutputChannel,
  ) {
    this.runs = new RunTracker(log);
    this.disposables.push(
      this.stateEmitter,
      this.progressEmitter,
      this.graphEmitter,
      this.statusEmitter,
      this.impactEmitter,
      this.runs,
    );
    this.impact = new ImpactModel(this);
    this.disposables.push(this.impact);
  }

  get state(): ServerState {
    return this.stateValue;
  }

  get launch(): ServerLaunch | undefined {
    return this.launchValue;
  }

  get progress(): ServerProgress | undefined {
    return this.progressValue;
  }

  get trusted(): boolean {
    return vscode.workspace.isTrusted;
  }

  get workspaceRoot(): string | undefined {
    const folder = vscode.workspace.workspaceFolders?.find((candidate) => candidate.uri.scheme === "file");
    return folder?.uri.fsPath;
  }

  /** Starts the server; failures are logged, shown and leave the state "stopped" with the reason. */
  start(): Promise<void> {
    return this.serialise(() => this.doStart());
  }

  stop(reason: string): Promise<void> {
    return this.serialise(() => this.doStop(reason));
  }

  restart(): Promise<void> {
    return this.serialise(async () => {
      this.crashes.length = 0;
      await this.doStop("restarting");
      await this.doStart();
    });
  }

  /**
   * The server's state once the starts, stops and restarts asked for so far are done: a command
   * or a test run given mid-restart (right after trust is granted) waits for the new server
   * rather than finding none.
   */
  async settled(): Promise<ServerState> {
    let pending: Promise<void>;
    do {
      pending = this.lifecycle;
      await pending;
    } while (pending !== this.lifecycle);
    return this.state;
  }

  /** Stops the server (deactivation); VS Code waits for the returned promise. */
  async shutdown(): Promise<void> {
    await this.stop("VS Code is closing the window");
    this.dispose();
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }

  /** Shows an error with the actions that help: the log, and a restart when the server is down. */
  async showError(message: string): Promise<void> {
    const actions = this.state.kind === "stopped" ? ["Restart", "Show logs"] : ["Show logs"];
    const choice = await vscode.window.showErrorMessage(message, ...actions);
    if (choice === "Show logs") this.log.show(true);
    if (choice === "Restart") await this.restart();
  }

  private serialise(step: () => Promise<void>): Promise<void> {
    this.lifecycle = this.lifecycle.then(step, step);
    return this.lifecycle;
  }

  private setState(state: ServerState): void {
    this.stateValue = state;
    this.stateEmitter.fire(state);
  }

  private async doStart(): Promise<void> {
    if (this.state.kind === "running") return;
    if (this.current) await this.doStop("restarting");
    this.setState({ kind: "starting" });
    let client: LanguageClient | undefined;
    try {
      const launch = await this.prepareLaunch();
      this.launchValue = launch;
      this.log.info(`starting the engine: ${launch.engine.serverScript} (${launch.engine.reason})`);
      this.log.info(
        `with Node.js ${launch.nodeVersion} at ${launch.nodePath}; workspace ${launch.trusted ? "trusted" : "NOT trusted: analysis only"}`,
      );
      client = this.createClient(launch);
      this.current = client;
      await client.start();
      this.setState({ kind: "running", client });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.log.error(`the language server did not start: ${reason}`);
      for (const disposable of this.clientDisposables.splice(0)) disposable.dispose();
      this.current = undefined;
      await client?.dispose(2_000).catch(() => undefined);
      this.setState({ kind: "stopped", reason: `it did not start: ${reason}` });
      void this.showError(`Assetline's language server did not start: ${reason}`);
    }
  }

  private async doStop(reason: string): Promise<void> {
    const client = this.current;
    if (!client) return;
    this.current = undefined;
    this.restartingAfterCrash = undefined;
    // Marked stopped first: the close handler then knows this stop was asked for.
    this.setState({ kind: "stopped", reason });
    if (client.isRunning()) {
      try {
        await client.stop(10_000);
      } catch (error) {
        this.log.warn(
          `the language server did not stop cleanly: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    for (const disposable of this.clientDisposables.splice(0)) disposable.dispose();
    await client.dispose().catch(() => undefined);
  }

  private async prepareLaunch(): Promise<ServerLaunch> {
    const settings = currentSettings();
    const root = this.workspaceRoot;
    const trusted = this.trusted;
    const engine = chooseEngine({
      settingPath: settings.server.path,
      workspaceRoot: root,
      trusted,
      bundledScript: this.extension.asAbsolutePath(path.join("dist", "server.js")),
    });
    const nodePath = resolveNode(settings.server.nodePath, root);
    const nodeVersion = await checkNodeVersion(nodePath);
    return { engine, nodePath, nodeVersion, trusted };
  }

  private createClient(launch: ServerLaunch): LanguageClient {
    // A separate Node process over node-ipc: the engine's native SQLite driver is built for
    // Node, not Electron, and IPC keeps working even if something in the engine writes to stdout.
    const run = {
      module: launch.engine.serverScript,
      runtime: launch.nodePath,
      transport: TransportKind.ipc,
      options: { cwd: this.workspaceRoot, execArgv: serverNodeFlags(launch.engine.serverScript) },
    };
    const serverOptions: ServerOptions = { run, debug: run };
    const initializationOptions: InitializationOptions = { workspaceTrusted: launch.trusted };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: "file", language: "typescript" },
        { scheme: "file", language: "typescriptreact" },
      ],
      initializationOptions,
      outputChannel: this.log,
      // Errors are shown by Ctx itself, once, with the action that helps.
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      errorHandler: {
        error: (): ErrorHandlerResult => ({ action: ErrorAction.Continue, handled: true }),
        closed: (): CloseHandlerResult => this.closed(client),
      },
    };
    const client: LanguageClient = new LanguageClient("assetline", "Assetline", serverOptions, clientOptions);
    client.registerFeature(
      new ServerProgressFeature(client, (progress) => {
        this.progressValue = progress;
        this.progressEmitter.fire(progress);
      }),
    );
    this.clientDisposables.push(
      client.onNotification(GraphChangedNotification.type, () => this.graphEmitter.fire()),
      client.onNotification(StatusChangedNotification.type, () => this.statusEmitter.fire()),
      client.onNotification(ImpactChangedNotification.type, () => this.impactEmitter.fire()),
      client.onNotification(RunEventNotification.type, (event) => this.runs.event(event)),
      client.onNotification(RunFinishedNotification.type, (finished) => this.runs.finished(finished)),
      client.onDidChangeState(({ newState }) => {
        if (newState === State.Running && this.restartingAfterCrash === client) {
          this.restartingAfterCrash = undefined;
          this.log.info("the language server is running again");
          this.setState({ kind: "running", client });
        }
      }),
    );
    return client;
  }

  /** The server's connection closed: restart after a crash, unless it keeps crashing. */
  private closed(client: LanguageClient): CloseHandlerResult {
    if (this.state.kind !== "running" || this.state.client !== client)
      return { action: CloseAction.DoNotRestart, handled: true };
    const now = Date.now();
    this.crashes.push(now);
    while (this.crashes.length > 0 && this.crashes[0]! < now - CRASH_WINDOW_MS) this.crashes.shift();
    this.runs.serverLost();
    if (this.crashes.length <= MAX_CRASHES) {
      this.log.error(
        `the language server stopped unexpectedly; restarting it (${this.crashes.length} of ${MAX_CRASHES + 1} tries)`,
      );
      this.restartingAfterCrash = client;
      this.setState({ kind: "stopped", reason: "it crashed; restarting" });
      return { action: CloseAction.Restart, handled: true };
    }
    const reason = `it crashed ${this.crashes.length} times in ${CRASH_WINDOW_MS / 60_000} minutes`;
    this.log.error(`the language server stopped unexpectedly again; ${reason}, so it is left stopped`);
    this.setState({ kind: "stopped", reason });
    void this.showError(`Assetline's language server stopped: ${reason}. See the log for why.`);
    return { action: CloseAction.DoNotRestart, handled: true };
  }
}
