/**
 * Runs started from the editor: plans a selection on the current analysis, hands it to the
 * executor, and reports the run live to the client. The executor (and the writable store it
 * records into) is created on the first run: opening a workspace never creates
 * `.assetline/`, and loading esbuild and the SQLite driver costs nothing until then. When the
 * workspace configures `"materialize": "distributed"`, the plan goes to `assetline worker`s
 * instead (distributedRuns.ts) and is reported the same way.
 */
import { type Connection, LSPErrorCodes, ResponseError } from "vscode-languageserver";
import type { AnalysisSnapshot } from "../analysis";
import { type BackendTarget, ConfigError, loadWorkspaceConfig, type WorkspaceConfig } from "../config/workspaceConfig";
import type { Executor, RunPlan, RunResult } from "../executor";
import { resolveSelection } from "../model/selection";
import type { HistoryStore, StoredEvent } from "../store";
import type { PostgresHistory } from "../store/postgres/postgresHistory";
import {
  type CancelRunParams,
  type CancelRunResult,
  type MaterializeParams,
  type RunChecksParams,
  RunEventNotification,
  type RunRefusal,
  RunFinishedNotification,
  type RunFinishedParams,
  type RunStarted,
} from "../../../protocol";
import { DistributedRuns } from "./distributedRuns";
import { toRunEventParams } from "./runHistory";

export interface RunServiceOptions {
  readonly root: string;
  /** False in an untrusted workspace (the client said so): analysis only, user code never runs. */
  readonly trusted: boolean;
  readonly dbPath: string;
  /** The history the workspace configuration names, or why that configuration is unusable. */
  readonly history: BackendTarget | ConfigError;
  readonly connection: Connection;
  /**
   * Open documents whose text differs from the disk (the executor runs what is on disk); a
   * buffer with no file on disk counts only when it is one of `stepFiles`.
   */
  readonly unsavedFiles: (stepFiles: ReadonlySet<string>) => string[];
  /** The run wrote history: status should be re-read soon rather than at the next poll. */
  readonly onHistoryWritten: () => void;
  /** A run ended: status must be current before the client hears of it (resolves when it is). */
  readonly onRunFinished: () => Promise<void>;
  readonly log: (message: string) => void;
}

export class RunService {
  private executor: Executor | undefined;
  private store: HistoryStore | undefined;
  /** The executor being set up (the history opened), so that two first runs share it. */
  private opening: Promise<Executor> | undefined;
  /** Runs in progress, local or on workers, by what cancels them. */
  private readonly active = new Map<string, { cancel(reason: string): void }>();
  private readonly distributed: DistributedRuns;

  constructor(private readonly options: RunServiceOptions) {
    this.distributed = new DistributedRuns(options.log);
  }

  /** False in an untrusted workspace: CodeLenses then show status, never a run action. */
  get canRun(): boolean {
    return this.options.trusted;
  }

  materialize(snapshot: AnalysisSnapshot, params: MaterializeParams): Promise<RunStarted> {
    const selected = resolveSelection(snapshot.graph, params.selection);
    if (!selected.ok) throw userError(selected.error);
    const { planRun } = loadExecutor();
    const plan = planRun(snapshot, selected.keys, { withUpstream: params.withUpstream === true });
    const selection = params.withUpstream ? `+${params.selection}` : params.selection;
    return this.start(snapshot, plan, selection);
  }

  runChecks(snapshot: AnalysisSnapshot, params: RunChecksParams): Promise<RunStarted> {
    if (!snapshot.graph.definition(params.key)) throw userError(`no asset or source has the key "${params.key}"`);
    const { planRun } = loadExecutor();
    const plan = planRun(snapshot, [params.key], { checksOnly: true });
    const steps = plan.steps.filter((step) => params.check === undefined || step.checkName === params.check);
    if (steps.length === 0) {
      throw userError(
        params.check === undefined
          ? `${params.key} has no checks`
          : `${params.key} has no check named "${params.check}"`,
      );
    }
    const selection = params.check === undefined ? `checks of ${params.key}` : `check ${params.key}:${params.check}`;
    return this.start(snapshot, { steps, unmatched: plan.unmatched }, selection);
  }

  cancel(params: CancelRunParams): CancelRunResult {
    const run = this.active.get(params.runId);
    if (!run) return { cancelled: false };
    run.cancel("cancelled from the editor");
    return { cancelled: true };
  }

  /** Cancels runs in progress (their process trees are killed) and closes the store. */
  async dispose(): Promise<void> {
    await this.distributed.close();
    await this.executor?.close();
    await this.store?.close();
  }

  private async start(snapshot: AnalysisSnapshot, plan: RunPlan, selection: string): Promise<RunStarted> {
    if (!this.options.trusted) {
      throw refusal(
        "this workspace is not trusted, so Assetline only reads its code and never runs it; trust the workspace to materialize or run checks",
        { kind: "untrusted" },
      );
    }
    if (plan.steps.length === 0)
      throw userError("nothing to run: the selection holds only sources, which Assetline observes but never builds");
    const files = new Set(plan.steps.map((step) => step.file));
    const unsaved = this.options.unsavedFiles(files);
    if (unsaved.length > 0)
      throw refusal(`save ${unsaved.join(", ")} first: runs execute the files on disk`, {
        kind: "unsaved",
        files: unsaved,
      });
    const errors = snapshot.diagnostics.filter(
      (diagnostic) => diagnostic.severity === "error" && files.has(diagnostic.location.file),
    );
    if (errors.length > 0) {
      const first = errors[0]!;
      const { file, range } = first.location;
      throw refusal(
        `fix the errors in the definitions first (${errors.length}), e.g. ${file}:${range.start.line + 1} ${first.code} ${first.message}`,
        {
          kind: "definitionErrors",
          file,
          line: range.start.line,
          character: range.start.character,
        },
      );
    }
    // Read for every run, so an edit of assetline.config.json applies without a server restart.
    const config = this.configured();
    if (config.materialize === "distributed") return this.startDistributed(plan, selection);
    const handle = (await this.ensureExecutor()).start(plan, {
      selection,
      launchedBy: "editor",
      warehouse: config.warehouse,
    });
    this.active.set(handle.runId, handle);
    handle.events.on("event", (event) => this.forward(event));
    handle.done.then(
      (result) => void this.finished(summaryOf(result)),
      (error: unknown) => {
        this.options.log(
          `run ${handle.runId} could not be recorded: ${error instanceof Error ? error.message : String(error)}`,
        );
        this.active.delete(handle.runId);
      },
    );
    this.options.onHistoryWritten();
    return { runId: handle.runId, selection, steps: plan.steps.length };
  }

  /** Enqueues the plan for the workers on the PostgreSQL history; the run is followed through its events. */
  private async startDistributed(plan: RunPlan, selection: string): Promise<RunStarted> {
    const target = this.options.history;
    // The history is read once at start; the configuration now says distributed, so it must be PostgreSQL too.
    if (!("kind" in target) || target.kind !== "postgres")
      throw userError(
        `assetline.config.json asks for distributed runs but the language server opened ${"kind" in target ? "a SQLite" : "no"} run history; restart the language server after changing "history"`,
      );
    await this.ensureExecutor();
    const run = await this.distributed
      .start({
        history: this.store as PostgresHistory,
        url: target.url,
        plan,
        selection,
        onEvent: (event) => this.forward(event),
      })
      .catch((error: unknown) => {
        throw userError(
          `could not enqueue the run for the workers: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
    this.active.set(run.runId, run);
    run.done.then(
      (summary) => void this.finished(summary),
      (error: unknown) => {
        this.options.log(
          `stopped following run ${run.runId}: ${error instanceof Error ? error.message : String(error)}`,
        );
        this.active.delete(run.runId);
      },
    );
    this.options.onHistoryWritten();
    return { runId: run.runId, selection, steps: plan.steps.length };
  }

  private ensureExecutor(): Promise<Executor> {
    if (this.executor) return Promise.resolve(this.executor);
    this.opening ??= this.openExecutor().finally(() => (this.opening = undefined));
    return this.opening;
  }

  private async openExecutor(): Promise<Executor> {
    const { openHistory, StoreError } = require("../store") as typeof import("../store");
    const { Executor } = loadExecutor();
    const target = this.options.history;
    // The configuration's fault: its message names the file or variable and what to write.
    if (!("kind" in target)) throw userError(target.message);
    try {
      this.store = await openHistory(this.options.root, target, { log: this.options.log });
    } catch (error) {
      // The history's fault (permissions, not a database, newer schema, unreachable): the message names it.
      if (error instanceof StoreError) throw userError(error.message);
      throw error;
    }
    this.executor = new Executor({
      workspaceRoot: this.options.root,
      store: this.store,
      warehouse: this.configured().warehouse,
    });
    return this.executor;
  }

  /** The workspace configuration now; a refusal naming the file or variable when it is unusable. */
  private configured(): WorkspaceConfig {
    try {
      return loadWorkspaceConfig(this.options.root);
    } catch (error) {
      if (error instanceof ConfigError) throw userError(error.message);
      throw error;
    }
  }

  private forward(event: StoredEvent): void {
    const params = toRunEventParams(event, this.options.root);
    void this.options.connection.sendNotification(RunEventNotification.type, params);
    if (event.type === "MATERIALIZATION" || event.type === "CHECK_EVALUATION" || event.type === "STEP_FAILURE")
      this.options.onHistoryWritten();
  }

  private async finished(summary: RunFinishedParams): Promise<void> {
    this.active.delete(summary.runId);
    await this.options.onRunFinished();
    void this.options.connection.sendNotification(RunFinishedNotification.type, summary);
  }
}

function summaryOf(result: RunResult): RunFinishedParams {
  return {
    runId: result.runId,
    status: result.status,
    message: result.message,
    durationMs: result.durationMs,
    steps: result.steps.map((step) => ({
      assetKey: step.assetKey,
      checkName: step.checkName,
      status: step.status,
      message: step.message,
    })),
  };
}

/** Lazy: the executor pulls in esbuild, which only runs need. */
function loadExecutor(): typeof import("../executor") {
  return require("../executor") as typeof import("../executor");
}

/** A refusal the client shows as is: the request was well-formed, the message is for the user. */
function userError(message: string): ResponseError<RunRefusal> {
  return refusal(message, { kind: "selection" });
}

/** The same, with what the client needs to offer the fix. */
function refusal(message: string, why: RunRefusal): ResponseError<RunRefusal> {
  return new ResponseError(LSPErrorCodes.RequestFailed, message, why);
}
