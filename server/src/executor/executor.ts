/**
 * The executor: owns the worker pool and the bundler of one workspace and starts runs.
 * Long-lived in the language server (the pool stays warm between runs), one-shot in the CLI.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { type BackendTarget, loadWorkspaceConfig } from "../config/workspaceConfig";
import { type HistoryStore, type LaunchedBy, newRunId } from "../store";
import { Bundler } from "./bundler";
import type { RunPlan } from "./planner";
import { startRun, type RunEnvironment, type RunHandle } from "./run";
import { WorkerPool } from "./workerPool";

/** Configuration of an executor; only `workspaceRoot` and `store` are required. */
export interface ExecutorOptions {
  readonly workspaceRoot: string;
  /** The run history (SQLite or PostgreSQL), opened writable by the caller. */
  readonly store: HistoryStore;
  /** The user's Node binary; default this process's (or `node` on PATH inside Electron). */
  readonly nodePath?: string;
  /** Extra flags for worker processes, e.g. ["--max-old-space-size=4096"]. */
  readonly nodeArgs?: readonly string[];
  /** Steps running at once, and worker processes; default the number of cores. */
  readonly concurrency?: number;
  /** Per-step timeout in ms; default none. */
  readonly timeoutMs?: number;
  /** Extra attempts after a failed one; default 0. */
  readonly retries?: number;
  /** Delay before the first retry, doubling for each next one; default 1000 ms. */
  readonly retryBackoffMs?: number;
  /** The SQLite warehouse given to user code as ctx.db; default `<workspace>/.assetline/warehouse.db`. */
  readonly warehousePath?: string;
  /**
   * The warehouse behind ctx.warehouse; default the workspace's configuration (assetline.config.json,
   * ASSETLINE_WAREHOUSE_URL in `env`), which throws a ConfigError when it is unusable.
   */
  readonly warehouse?: BackendTarget;
  /** Log bytes kept per step attempt; default 1 MiB. */
  readonly logCapBytes?: number;
  /** How long a timed-out or cancelled step may react to ctx.signal before its process tree is killed; default 200 ms. */
  readonly killGraceMs?: number;
  /** Environment of worker processes; default this process's. */
  readonly env?: NodeJS.ProcessEnv;
  /** Overrides for the engine's own files (tests, unusual layouts). */
  readonly workerScript?: string;
  readonly sdkPath?: string;
}

/** Per-run settings. */
export interface StartOptions {
  /** The selection as the user wrote it, stored on the run (e.g. "+stg_orders"). */
  readonly selection?: string;
  readonly launchedBy?: LaunchedBy;
  /** The warehouse behind ctx.warehouse for this run (the configuration as it is now); default the executor's. */
  readonly warehouse?: BackendTarget;
}

const DEFAULT_LOG_CAP_BYTES = 1024 * 1024;

/** Plans run here; see the module comment. */
export class Executor {
  private readonly pool: WorkerPool;
  /** Built once: every run of this executor shares it whole. */
  private readonly environment: RunEnvironment;
  private readonly active = new Set<RunHandle>();
  private closed = false;
  readonly concurrency: number;
  readonly warehousePath: string;
  readonly warehouse: BackendTarget;

  constructor(private readonly options: ExecutorOptions) {
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? availableParallelism()));
    this.warehousePath = options.warehousePath ?? join(options.workspaceRoot, ".assetline", "warehouse.db");
    this.warehouse =
      options.warehouse ?? loadWorkspaceConfig(options.workspaceRoot, options.env ?? process.env).warehouse;
    this.pool = new WorkerPool({
      workerScript: options.workerScript ?? defaultWorkerScript(),
      execPath: options.nodePath ?? defaultNodePath(),
      nodeArgs: options.nodeArgs,
      size: this.concurrency,
      cwd: options.workspaceRoot,
      env: options.env,
    });
    this.environment = {
      store: options.store,
      pool: this.pool,
      bundler: new Bundler({ workspaceRoot: options.workspaceRoot, sdkPath: options.sdkPath ?? defaultSdkPath() }),
      concurrency: this.concurrency,
      retries: Math.max(0, Math.floor(options.retries ?? 0)),
      retryBackoffMs: options.retryBackoffMs ?? 1000,
      workspaceRoot: options.workspaceRoot,
      warehousePath: this.warehousePath,
      warehouse: this.warehouse,
      timeoutMs: options.timeoutMs && options.timeoutMs > 0 ? options.timeoutMs : undefined,
      killGraceMs: options.killGraceMs ?? 200,
      logCapBytes: options.logCapBytes ?? DEFAULT_LOG_CAP_BYTES,
    };
  }

  /** Starts the worker processes now, so that the first run pays no process start-up. */
  warm(): Promise<void> {
    return this.pool.warm();
  }

  /**
   * Starts a run: its id is known at once; it is recorded (after failing runs abandoned by dead
   * processes) before its first step, and a history that cannot be written rejects `done`.
   */
  start(plan: RunPlan, options: StartOptions = {}): RunHandle {
    if (this.closed) throw new Error("the executor is closed");
    const run = {
      id: newRunId(Date.now()),
      selection: options.selection ?? describePlan(plan),
      launchedBy: options.launchedBy ?? "cli",
    };
    const environment =
      options.warehouse === undefined ? this.environment : { ...this.environment, warehouse: options.warehouse };
    const handle = startRun(plan, run, environment);
    this.active.add(handle);
    const forget = (): void => void this.active.delete(handle);
    handle.done.then(forget, forget);
    return handle;
  }

  /** Runs not yet ended. */
  get activeRuns(): readonly RunHandle[] {
    return [...this.active];
  }

  /** Cancels every active run and waits until each is recorded as CANCELED. */
  async cancelAll(reason = "run cancelled"): Promise<void> {
    const runs = [...this.active];
    for (const run of runs) run.cancel(reason);
    await Promise.allSettled(runs.map((run) => run.done));
  }

  /** Cancels active runs and stops every worker; the executor cannot start runs afterwards. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.cancelAll("the executor is shutting down");
    await this.pool.close();
  }

  /** Kills every worker process tree synchronously: the last resort on process exit. */
  killWorkersNow(): void {
    this.pool.killAllNow();
  }

  /** Pids of the live worker processes. */
  get workerPids(): number[] {
    return this.pool.pids;
  }
}

/** Inside VS Code's Electron, process.execPath is not a Node that can load the user's native modules. */
export function defaultNodePath(): string {
  return process.versions.electron ? "node" : process.execPath;
}

function describePlan(plan: RunPlan): string {
  const keys = [...new Set(plan.steps.map((step) => step.assetKey))];
  return keys.length <= 5 ? keys.join(" ") : `${keys.slice(0, 5).join(" ")} … (${keys.length} assets)`;
}

/*
 * Files of this engine that the executor hands to other processes: the worker entry and the
 * SDK that user code's `assetline` import is aliased to. Both are found relative to the
 * running code, so the engine installed in the user's project uses its own copies.
 */
/** Bundled, this code lives in dist/ (dist/cli.js, dist/server.js); from source, in server/src/executor. */
const candidatesRoots = [__dirname, resolve(__dirname, "../../../dist")];

/** The built worker entry, dist/worker.js. */
export function defaultWorkerScript(): string {
  return firstExisting(
    candidatesRoots.map((root) => join(root, "worker.js")),
    "the worker (dist/worker.js); run the build",
  );
}

/** The engine's SDK: dist/sdk/index.js when bundled, the repository's sdk/index.ts when run from source. */
export function defaultSdkPath(): string {
  return firstExisting(
    [
      join(__dirname, "sdk", "index.js"),
      resolve(__dirname, "../../../sdk/index.ts"),
      resolve(__dirname, "../../../dist/sdk/index.js"),
    ],
    "the assetline SDK (dist/sdk/index.js); run the build",
  );
}

function firstExisting(paths: readonly string[], what: string): string {
  const found = paths.find((path) => existsSync(path));
  if (found === undefined) throw new Error(`cannot find ${what}; looked at ${paths.join(", ")}`);
  return found;
}

/*
 * Ending runs cleanly when the executor's own process is told to stop (Ctrl+C in the CLI,
 * SIGTERM from a supervisor): kill the workers' process trees, record the runs CANCELED,
 * then exit with the conventional code. A second signal exits at once, still killing the trees.
 */
const EXIT_CODES: Readonly<Record<"SIGINT" | "SIGTERM", number>> = { SIGINT: 130, SIGTERM: 143 };

/** Installs SIGINT/SIGTERM handlers for `executor`; returns a function that removes them. */
export function handleTerminationSignals(executor: Executor, options: { exit?: boolean } = {}): () => void {
  const exit = options.exit ?? true;
  let stopping = false;
  const onSignal = (signal: "SIGINT" | "SIGTERM"): void => {
    if (stopping) {
      executor.killWorkersNow();
      process.exit(EXIT_CODES[signal]);
    }
    stopping = true;
    void executor.close().finally(() => {
      if (exit) process.exit(EXIT_CODES[signal]);
    });
  };
  // Whatever ends the process, never leave a worker tree behind (exit handlers must be synchronous).
  const onExit = (): void => executor.killWorkersNow();
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("exit", onExit);
  return () => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    process.off("exit", onExit);
  };
}
