/**
 * The messages exchanged between the executor and its worker processes over Node's IPC
 * channel. Plain JSON-serialisable data only: a worker may run on a different Node
 * version (the user's), so nothing here may depend on structured-clone extensions.
 */
import type { Metadata } from "../../../sdk";
import type { BackendTarget } from "../config/workspaceConfig";
import type { StepError } from "../store/records";

export type { StepError };

/** What a step computes: an asset materialization or a check evaluation. */
export type StepKind = "asset" | "check";

/** Where a captured log line came from: a `ctx.log` level, or the user code's stdout/stderr. */
export type LogSource = "debug" | "info" | "warn" | "error" | "stdout" | "stderr";

/** One unit of work handed to a worker: load an export from a bundle and call it. */
export interface WorkerTask {
  /** Unique per pool, so late messages of a killed task are never mistaken for a new one's. */
  readonly taskId: number;
  readonly runId: string;
  readonly kind: StepKind;
  /** Absolute path of the esbuild bundle of the user's module. */
  readonly bundlePath: string;
  /** Absolute path of the user's source file: older bundles of it are evicted from the require cache. */
  readonly sourceFile: string;
  readonly exportName: string;
  readonly assetKey: string;
  /** The check's name, for `kind: "check"`. */
  readonly checkName: string | undefined;
  /** Absolute path of the SQLite warehouse given to the user code as `ctx.db`. */
  readonly warehousePath: string;
  /** The warehouse behind `ctx.warehouse`: PostgreSQL at a URL, or the SQLite one at `warehousePath`. */
  readonly warehouse: BackendTarget;
  /** Bytes of log output kept for this step; the rest is counted and dropped. */
  readonly logCapBytes: number;
}

/** How a task ended inside the worker. */
export type TaskOutcome =
  | {
      readonly status: "ok";
      readonly metadata: Metadata;
      /** Set for checks only. */
      readonly passed: boolean | undefined;
      readonly description: string | undefined;
      readonly droppedLogBytes: number;
    }
  | {
      readonly status: "error";
      readonly error: StepError;
      readonly droppedLogBytes: number;
      /** The worker's state is suspect (an uncaught error escaped the task): replace it. */
      readonly recycle?: boolean;
    };

/** Parent → worker. */
export type ParentMessage =
  | { readonly type: "run"; readonly task: WorkerTask }
  | { readonly type: "abort"; readonly taskId: number; readonly reason: string };

/** Worker → parent. */
export type WorkerMessage =
  | { readonly type: "ready"; readonly pid: number }
  | { readonly type: "log"; readonly taskId: number; readonly level: LogSource; readonly message: string }
  | { readonly type: "dropped"; readonly taskId: number; readonly bytes: number }
  | { readonly type: "done"; readonly taskId: number; readonly outcome: TaskOutcome };

/** Narrows an untrusted IPC payload to a worker message by its discriminant. */
export function isWorkerMessage(value: unknown): value is WorkerMessage {
  if (typeof value !== "object" || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return type === "ready" || type === "log" || type === "dropped" || type === "done";
}
