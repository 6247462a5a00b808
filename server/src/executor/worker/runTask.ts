/**
 * Runs one task inside a worker: loads the user's bundle, finds the export, checks it is
 * the kind of definition the analysis said it was, and calls its function with a context.
 *
 * The warehouse handed to user code as `ctx.db` is one better-sqlite3 connection per worker
 * and path, opened on first use and kept for the worker's life: opening SQLite per step
 * would dominate the cost of small assets.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import {
  isAssetlineDefinition,
  type AssetDef,
  type CheckDef,
  type Logger,
  type Metadata,
  type RunContext,
  type Warehouse,
} from "../../../../sdk";
import type { StepError, TaskOutcome, WorkerTask } from "../workerMessages";
import type { LogSink } from "./logCapture";
import { normalizeMetadata } from "./metadata";

/** Which bundle of each source file this worker has loaded, so an edited file's old bundle can be evicted. */
const loadedBundles = new Map<string, string>();

/** Executes `task` and describes the outcome; never throws. */
export async function runTask(task: WorkerTask, sink: LogSink, signal: AbortSignal): Promise<TaskOutcome> {
  try {
    const definition = loadDefinition(task);
    const ctx: RunContext = {
      // Opened on first use: a step that never queries the warehouse never loads the native driver.
      // better-sqlite3 implements the SDK's Warehouse subset; only its generic row typings differ.
      get db() {
        return openWarehouse(task.warehousePath) as unknown as Warehouse;
      },
      log: makeLogger(sink),
      assetKey: task.assetKey,
      runId: task.runId,
      signal,
    };
    const returned: unknown = await definition.fn(ctx);
    const result = task.kind === "check" ? checkResult(returned, task, sink) : assetResult(returned, sink);
    return { status: "ok", ...result, droppedLogBytes: sink.close() };
  } catch (error) {
    return { status: "error", error: toStepError(error), droppedLogBytes: sink.close() };
  } finally {
    try {
      rollBackLeftoverTransaction(task.warehousePath);
    } catch {
      // A broken connection is the next step's problem to report, not this one's.
    }
  }
}

function loadDefinition(task: WorkerTask): AssetDef | CheckDef {
  const previous = loadedBundles.get(task.sourceFile);
  if (previous !== undefined && previous !== task.bundlePath) delete require.cache[previous];
  loadedBundles.set(task.sourceFile, task.bundlePath);
  const exports = require(task.bundlePath) as Record<string, unknown>;
  if (!(task.exportName in exports)) {
    throw new Error(`${task.sourceFile} has no export named "${task.exportName}"`);
  }
  const value = exports[task.exportName];
  const expected = task.kind === "check" ? "check" : "asset";
  if (!isAssetlineDefinition(value) || value.__assetline !== expected) {
    throw new Error(
      `export "${task.exportName}" of ${task.sourceFile} is not an ${expected}() definition from "assetline"`,
    );
  }
  return value as AssetDef | CheckDef;
}

function makeLogger(sink: LogSink): Logger {
  return {
    debug: (message) => sink.log("debug", String(message)),
    info: (message) => sink.log("info", String(message)),
    warn: (message) => sink.log("warn", String(message)),
    error: (message) => sink.log("error", String(message)),
  };
}

function assetResult(
  returned: unknown,
  sink: LogSink,
): { metadata: Metadata; passed: undefined; description: undefined } {
  const metadata = isObject(returned) ? toMetadata(returned.metadata, sink) : {};
  return { metadata, passed: undefined, description: undefined };
}

function checkResult(
  returned: unknown,
  task: WorkerTask,
  sink: LogSink,
): { metadata: Metadata; passed: boolean; description: string | undefined } {
  if (!isObject(returned) || typeof returned.passed !== "boolean") {
    throw new Error(`check "${task.checkName ?? task.exportName}" must return { passed: boolean, metadata? }`);
  }
  const description = typeof returned.description === "string" ? returned.description : undefined;
  return { metadata: toMetadata(returned.metadata, sink), passed: returned.passed, description };
}

/** Bounded, faithfully encoded metadata (metadata.ts); what had to change is logged as a warning of the step. */
function toMetadata(value: unknown, sink: LogSink): Metadata {
  const { metadata, notes } = normalizeMetadata(value);
  for (const note of notes) sink.log("warn", `assetline: ${note}`);
  return metadata;
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The message and source-mapped stack of whatever the user code threw. */
export function toStepError(error: unknown): StepError {
  if (error instanceof Error) return { message: error.message || error.name, stack: withoutEngineFrames(error.stack) };
  // Objects thrown from other realms or libraries often look like errors without being ones.
  if (isObject(error) && typeof error.message === "string") {
    return { message: error.message, stack: typeof error.stack === "string" ? error.stack : undefined };
  }
  return { message: typeof error === "string" ? error : safeStringify(error), stack: undefined };
}

/** Cuts the frames of this worker (and the Node internals that called it): they say nothing about the user's bug. */
function withoutEngineFrames(stack: string | undefined): string | undefined {
  if (stack === undefined) return undefined;
  const lines = stack.split("\n");
  const firstEngineFrame = lines.findIndex((line) => /^\s+at /.test(line) && line.includes(__filename));
  const firstFrame = lines.findIndex((line) => /^\s+at /.test(line));
  // Keep everything when the error was raised by the engine itself (no user frame above ours).
  return firstEngineFrame > firstFrame ? lines.slice(0, firstEngineFrame).join("\n") : stack;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** Several workers write the same warehouse in parallel: wait for the lock rather than fail. */
const BUSY_TIMEOUT_MS = 60_000;

const connections = new Map<string, BetterSqlite3.Database>();

/** The cached connection to the warehouse at `path`, creating the file and its directory when missing. */
export function openWarehouse(path: string): BetterSqlite3.Database {
  let db = connections.get(path);
  if (db?.open) return db;
  // Loaded lazily so that a worker that never touches a warehouse never loads the native module.
  const Database = require("better-sqlite3") as typeof BetterSqlite3;
  mkdirSync(dirname(path), { recursive: true });
  db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  // WAL lets checks and downstream assets read while another worker writes.
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  connections.set(path, db);
  return db;
}

/** Rolls back a transaction a finished step left open on this worker's connection. */
export function rollBackLeftoverTransaction(path: string): void {
  const db = connections.get(path);
  // A step that began a transaction and threw would otherwise hold the write lock forever
  // and make the next step on this worker see its half-done writes.
  if (db?.open && db.inTransaction) db.exec("ROLLBACK");
}
