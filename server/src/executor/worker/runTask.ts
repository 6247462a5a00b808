/**
 * Runs one task inside a worker: loads the user's bundle, finds the export, checks it is
 * the kind of definition the analysis said it was, and calls its function with a context.
 *
 * `ctx.db` and `ctx.warehouse` are connections kept for the worker's life (sqliteWarehouse.ts,
 * postgresWarehouse.ts), opened when a step first uses them.
 */
import {
  isAssetlineDefinition,
  type AssetDef,
  type CheckDef,
  type Logger,
  type Metadata,
  type RunContext,
} from "../../../../sdk";
import type { StepError, TaskOutcome, WorkerTask } from "../workerMessages";
import type { LogSink } from "./logCapture";
import { normalizeMetadata } from "./metadata";
import { rollBackLeftoverTransaction, sqliteDb } from "./sqliteWarehouse";
import { resetWarehouseClients, warehouseClient } from "./warehouseClients";

/** Which bundle of each source file this worker has loaded, so an edited file's old bundle can be evicted. */
const loadedBundles = new Map<string, string>();

/** Executes `task` and describes the outcome; never throws. */
export async function runTask(task: WorkerTask, sink: LogSink, signal: AbortSignal): Promise<TaskOutcome> {
  try {
    const definition = loadDefinition(task);
    const ctx: RunContext = {
      // Opened on first use: a step that never queries the warehouse never loads the native driver.
      get db() {
        return sqliteDb(task.warehousePath);
      },
      get warehouse() {
        return warehouseClient(task);
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
    await resetWarehouseClients();
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
