/**
 * A minimal LSP client for tests: starts the BUILT server (dist/server.js --stdio) as a child
 * process against a copy of a fixture workspace, answers the server's requests like an
 * editor would, records what the server sends, and lets tests wait for it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  type ClientCapabilities,
  CodeLensRefreshRequest,
  ConfigurationRequest,
  createProtocolConnection,
  type Diagnostic,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  type FileEvent,
  InitializedNotification,
  InitializeRequest,
  type InitializeResult,
  LogMessageNotification,
  type Position,
  type ProtocolConnection,
  PublishDiagnosticsNotification,
  type PublishDiagnosticsParams,
  type Range,
  RegistrationRequest,
  ShowMessageNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  WorkDoneProgress,
  WorkDoneProgressCreateRequest,
} from "vscode-languageserver-protocol/node";
import {
  GraphChangedNotification,
  ImpactChangedNotification,
  RunEventNotification,
  RunFinishedNotification,
  type RunFinishedParams,
  StatusChangedNotification,
} from "../../../protocol";
import { URI } from "vscode-uri";
import { cursorAt, lineCol, spanAt } from "./edits";

export const REPO_ROOT = resolve(__dirname, "../../..");
/** The server under test: the build output, unless a test run points elsewhere. */
export const SERVER_SCRIPT = process.env.ASSETLINE_SERVER ?? join(REPO_ROOT, "dist", "server.js");

/** What VS Code 1.100 announces, reduced to what the server looks at. */
export const EDITOR_CAPABILITIES: ClientCapabilities = {
  workspace: {
    configuration: true,
    didChangeConfiguration: { dynamicRegistration: true },
    didChangeWatchedFiles: { dynamicRegistration: true },
    codeLens: { refreshSupport: true },
    workspaceFolders: true,
  },
  window: { workDoneProgress: true },
  textDocument: {
    synchronization: { didSave: true },
    publishDiagnostics: { relatedInformation: true, versionSupport: true, dataSupport: true },
    documentSymbol: { hierarchicalDocumentSymbolSupport: true },
    definition: { linkSupport: true },
    codeAction: { dataSupport: true, codeActionLiteralSupport: { codeActionKind: { valueSet: ["quickfix"] } } },
  },
};

export interface StartOptions {
  readonly capabilities?: ClientCapabilities;
  readonly settings?: unknown;
  readonly initializationOptions?: unknown;
  /** Prepares the workspace copy before the server starts (e.g. writes a large file). */
  readonly prepare?: (root: string) => void;
  /** Runs the server as this user (the tests run as root, who can read any file). */
  readonly user?: { readonly uid: number; readonly gid: number };
  /** The client answers the server's registrations once this resolves (an editor slow to set up its watchers). */
  readonly registrationAnswered?: Promise<void>;
  /** Added to the server's environment. */
  readonly env?: NodeJS.ProcessEnv;
  /** Starts on this folder as it is (the test owns it: stopping leaves it), instead of a copy of the fixture. */
  readonly root?: string;
}

type Waiter = { readonly check: () => boolean; readonly resolve: () => void };

export class TestClient {
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  /** Every notification by method, in arrival order. */
  readonly notifications: Array<{ method: string; params: unknown }> = [];
  /** Every request the server sent, by method. */
  readonly serverRequests: Array<{ method: string; params: unknown }> = [];
  readonly versions = new Map<string, number>();
  /** Work-done progress values the server reported, in order. */
  readonly progress: Array<{ kind: string; title?: string; message?: string; percentage?: number }> = [];
  /** The work-done progress tokens the server created, in order, and those it has ended. */
  private readonly progressTokens: Array<string | number> = [];
  private readonly endedProgress = new Set<string | number>();
  private readonly waiters = new Set<Waiter>();
  private exited = false;
  private stopped = false;
  private registrationAnswered: Promise<void> = Promise.resolve();
  /** False when the test gave the folder (StartOptions.root): it is left in place then. */
  private ownsRoot = true;
  settings: unknown;

  private constructor(
    readonly root: string,
    readonly process: ChildProcess,
    readonly connection: ProtocolConnection,
    readonly stderr: string[],
  ) {}

  /** Copies `test/fixtures/<fixture>` to a temp folder and starts the server on it. */
  static async start(
    fixture: string,
    options: StartOptions = {},
  ): Promise<{ client: TestClient; initialize: InitializeResult }> {
    if (!existsSync(SERVER_SCRIPT)) throw new Error(`${SERVER_SCRIPT} is missing: build first (node esbuild.mjs)`);
    const root = options.root ?? mkdtempSync(join(tmpdir(), `assetline-${fixture}-`));
    if (options.root === undefined) cpSync(join(REPO_ROOT, "test", "fixtures", fixture), root, { recursive: true });
    options.prepare?.(root);
    const child = spawn(process.execPath, [SERVER_SCRIPT, "--stdio"], {
      cwd: root,
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, ...options.env },
      ...options.user,
    });
    const connection = createProtocolConnection(
      new StreamMessageReader(child.stdout!),
      new StreamMessageWriter(child.stdin!),
    );
    const stderr: string[] = [];
    child.stderr!.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
    const client = new TestClient(root, child, connection, stderr);
    client.ownsRoot = options.root === undefined;
    client.settings = options.settings ?? {};
    if (options.registrationAnswered) client.registrationAnswered = options.registrationAnswered;
    child.on("exit", () => {
      client.exited = true;
      client.poke();
    });
    client.listen();
    connection.listen();
    const initialize = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: URI.file(root).toString(),
      workspaceFolders: [{ uri: URI.file(root).toString(), name: fixture }],
      capabilities: options.capabilities ?? EDITOR_CAPABILITIES,
      initializationOptions: options.initializationOptions,
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return { client, initialize };
  }

  uri(file: string): string {
    return URI.file(join(this.root, file)).toString();
  }

  read(file: string): string {
    return readFileSync(join(this.root, file), "utf8");
  }

  /**
   * The cursor at the `|` of `marked` in `file` as it is on disk (see `cursorAt`):
   * `client.at("src/marts/orders.ts", "deps: [stg_|orders]")`.
   */
  at(file: string, marked: string, occurrence?: number): Position {
    return cursorAt(this.read(file), marked, occurrence);
  }

  /** The range between the two `|` of `marked` in `file` as it is on disk (see `spanAt`). */
  span(file: string, marked: string, occurrence?: number): Range {
    return spanAt(this.read(file), marked, occurrence);
  }

  /** `file:line:col`, one-based and relative to the workspace, as an editor's link shows a place. */
  place(uri: string, position: Position): string {
    const root = this.uri("");
    const file = uri.startsWith(`${root}/`) ? uri.slice(root.length + 1) : uri;
    return `${file}:${lineCol(position)}`;
  }

  async open(file: string, text = this.read(file)): Promise<string> {
    const uri = this.uri(file);
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: "typescript", version: 1, text },
    });
    return uri;
  }

  /** Sends incremental edits; returns the new version. */
  async edit(file: string, ...changes: Array<{ range: Range; text: string }>): Promise<number> {
    const uri = this.uri(file);
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: changes,
    });
    return version;
  }

  async close(file: string): Promise<void> {
    const uri = this.uri(file);
    this.versions.delete(uri);
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  /** Changes the settings the client answers with, and tells the server (as VS Code does). */
  async configure(settings: unknown): Promise<void> {
    this.settings = settings;
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  }

  async filesChanged(...changes: FileEvent[]): Promise<void> {
    await this.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes });
  }

  /** The end of run `runId`, once the server has announced it. */
  async runFinished(runId: string, timeoutMs = 60_000): Promise<RunFinishedParams> {
    const find = () =>
      this.notifications.find(
        (n) => n.method === RunFinishedNotification.method && (n.params as RunFinishedParams).runId === runId,
      );
    await this.waitFor(`run ${runId} to finish`, () => find() !== undefined, timeoutMs);
    return find()!.params as RunFinishedParams;
  }

  /** Resolves once `check` holds, re-checked on every message from the server; fails after `timeoutMs`. */
  waitFor(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolvePromise, reject) => {
      const waiter: Waiter = {
        check,
        resolve: () => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolvePromise();
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(
          new Error(`timed out after ${timeoutMs} ms waiting for ${what}\nserver stderr:\n${this.stderr.join("")}`),
        );
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Waits for diagnostics of `file` that satisfy `predicate` (published for the current version when open). */
  async diagnosticsOf(
    file: string,
    predicate: (diagnostics: Diagnostic[]) => boolean = () => true,
    timeoutMs?: number,
  ): Promise<Diagnostic[]> {
    const uri = this.uri(file);
    const matches = (): boolean => {
      const published = this.diagnostics.get(uri);
      if (!published) return false;
      const version = this.versions.get(uri);
      if (version !== undefined && published.version !== version) return false;
      return predicate(published.diagnostics);
    };
    await this.waitFor(`diagnostics of ${file}`, matches, timeoutMs);
    return this.diagnostics.get(uri)!.diagnostics;
  }

  /**
   * Waits for the end of the server's initial analysis: the first work-done progress it created
   * (the server creates progress only for analyses). Requests then see the whole workspace; the
   * diagnostics follow it, so wait for those with `diagnosticsOf`.
   */
  async initialAnalysis(timeoutMs?: number): Promise<void> {
    await this.waitFor(
      "the end of the initial analysis (its work-done progress)",
      () => this.progressTokens.length > 0 && this.endedProgress.has(this.progressTokens[0]!),
      timeoutMs,
    );
  }

  /** Sends shutdown and exit, and waits for the process to end; returns its exit code. */
  async stop(): Promise<number | null> {
    if (!this.exited && !this.stopped) {
      this.stopped = true;
      await this.connection.sendRequest(ShutdownRequest.type);
      await this.connection.sendNotification(ExitNotification.type);
      await this.waitFor("the server to exit", () => this.exited, 10_000);
    }
    this.connection.dispose();
    if (this.ownsRoot) rmSync(this.root, { recursive: true, force: true });
    return this.process.exitCode;
  }

  /** Kills the server if a test failed before stopping it. */
  kill(): void {
    if (!this.exited) this.process.kill("SIGKILL");
    if (this.ownsRoot) rmSync(this.root, { recursive: true, force: true });
  }

  private listen(): void {
    const record = (method: string) => (params: unknown) => {
      if (method === PublishDiagnosticsNotification.method) {
        const published = params as PublishDiagnosticsParams;
        this.diagnostics.set(published.uri, published);
      }
      this.notifications.push({ method, params });
      this.poke();
    };
    for (const method of [
      PublishDiagnosticsNotification.method,
      LogMessageNotification.method,
      ShowMessageNotification.method,
      GraphChangedNotification.method,
      ImpactChangedNotification.method,
      StatusChangedNotification.method,
      RunEventNotification.method,
      RunFinishedNotification.method,
    ]) {
      this.connection.onNotification(method, record(method));
    }
    this.connection.onRequest(ConfigurationRequest.type, (params) => {
      this.serverRequests.push({ method: ConfigurationRequest.method, params });
      return params.items.map(() => this.settings);
    });
    this.connection.onRequest(WorkDoneProgressCreateRequest.type, (params) => {
      this.serverRequests.push({ method: WorkDoneProgressCreateRequest.method, params });
      this.progressTokens.push(params.token);
      this.connection.onProgress(WorkDoneProgress.type, params.token, (value) => {
        this.progress.push(value);
        if (value.kind === "end") this.endedProgress.add(params.token);
        this.poke();
      });
    });
    this.connection.onRequest(RegistrationRequest.method, async (params: unknown) => {
      this.serverRequests.push({ method: RegistrationRequest.method, params });
      this.poke();
      await this.registrationAnswered;
      return null;
    });
    this.connection.onRequest(CodeLensRefreshRequest.method, (params: unknown) => {
      this.serverRequests.push({ method: CodeLensRefreshRequest.method, params });
      this.poke();
      return null;
    });
  }

  private poke(): void {
    for (const waiter of [...this.waiters]) if (waiter.check()) waiter.resolve();
  }
}

/**
 * Starts the server on a copy of `fixture` and resolves once its initial analysis has ended:
 * the one way tests wait for "the server knows the workspace".
 */
export async function startAnalyzed(fixture: string, options: StartOptions = {}): Promise<TestClient> {
  if (options.capabilities && options.capabilities.window?.workDoneProgress !== true) {
    throw new Error("startAnalyzed waits for the analysis's work-done progress: keep window.workDoneProgress on");
  }
  const { client } = await TestClient.start(fixture, options);
  try {
    await client.initialAnalysis();
  } catch (error) {
    client.kill();
    throw error;
  }
  return client;
}
