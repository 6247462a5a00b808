/**
 * One attempt of one step: hand the task (a built bundle's export) to a worker, enforce the
 * step's timeout, and pass its output on under the per-step byte cap.
 */
import { resolve } from "node:path";
import type { Metadata } from "../../../sdk";
import type { BackendTarget } from "../config/workspaceConfig";
import type { LogLevel } from "../store";
import type { PlanStep } from "./planner";
import type { StepLog } from "./recorder";
import type { LogSource, StepError } from "./workerMessages";
import { truncateToBytes } from "./worker/logCapture";
import type { WorkerPool } from "./workerPool";

/** What every attempt of an executor shares: where and how steps run. */
export interface AttemptEnvironment {
  readonly pool: WorkerPool;
  readonly workspaceRoot: string;
  readonly warehousePath: string;
  readonly warehouse: BackendTarget;
  readonly timeoutMs: number | undefined;
  readonly killGraceMs: number;
  readonly logCapBytes: number;
}

/** How an attempt ended. `retriable` is false for failures another attempt cannot fix. */
export type AttemptOutcome =
  | {
      readonly status: "ok";
      readonly metadata: Metadata;
      readonly passed: boolean | undefined;
      readonly description: string | undefined;
    }
  | { readonly status: "error"; readonly error: StepError; readonly retriable: boolean; readonly cancelled: boolean };

/** A running attempt. */
export interface Attempt {
  readonly done: Promise<AttemptOutcome>;
  /** Stops the attempt (cancellation); its outcome becomes an error with `reason`. */
  terminate(reason: string): void;
}

/** stdout is the user's normal output; stderr is where Node sends console.warn/error. */
const LEVEL_OF_SOURCE: Readonly<Record<LogSource, LogLevel>> = {
  debug: "debug",
  info: "info",
  warn: "warn",
  error: "error",
  stdout: "info",
  stderr: "warn",
};

/** Starts an attempt of `step` from the bundle of its file; output goes to `log`. */
export function startAttempt(
  step: PlanStep,
  bundlePath: string,
  env: AttemptEnvironment,
  runId: string,
  log: StepLog,
): Attempt {
  let terminateRequested: string | undefined;
  let terminateRunning: ((reason: string) => void) | undefined;

  const run = async (): Promise<AttemptOutcome> => {
    let keptBytes = 0;
    let parentDropped = 0;
    let workerDropped = 0;
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    // Note: the pool may call onStarted synchronously, before `execution` is assigned.
    const execution = env.pool.run(
      {
        runId,
        kind: step.kind,
        bundlePath,
        sourceFile: resolve(env.workspaceRoot, step.file),
        exportName: step.exportName!,
        assetKey: step.assetKey,
        checkName: step.checkName,
        warehousePath: env.warehousePath,
        warehouse: env.warehouse,
        logCapBytes: env.logCapBytes,
      },
      {
        // The clock starts when a worker takes the task, not while it waits for a free one.
        onStarted: () => {
          if (env.timeoutMs === undefined) return;
          timer = setTimeout(() => {
            timedOut = true;
            execution.terminate(
              `${step.kind} ${stepName(step)} timed out after ${formatMs(env.timeoutMs!)}`,
              env.killGraceMs,
            );
          }, env.timeoutMs);
        },
        // The worker caps what it sends; output written straight to the worker's file
        // descriptors (child processes, native code) is only capped here.
        onLog: (level, message) => {
          const remaining = env.logCapBytes - keptBytes;
          const bytes = Buffer.byteLength(message);
          const kept = bytes <= remaining ? message : remaining > 0 ? truncateToBytes(message, remaining) : "";
          const keptLength = kept === message ? bytes : Buffer.byteLength(kept);
          keptBytes += keptLength;
          parentDropped += bytes - keptLength;
          if (kept.length > 0) log(LEVEL_OF_SOURCE[level], kept);
        },
        onDropped: (bytes) => (workerDropped = bytes),
      },
    );
    terminateRunning = (reason) => execution.terminate(reason, env.killGraceMs);
    if (terminateRequested !== undefined) terminateRunning(terminateRequested);
    const outcome = await execution.done;
    clearTimeout(timer);
    const dropped = Math.max(workerDropped, outcome.droppedLogBytes) + parentDropped;
    if (dropped > 0) {
      log("warn", `… output truncated (${dropped} bytes dropped)`, true);
    }
    if (outcome.status === "ok") {
      return { status: "ok", metadata: outcome.metadata, passed: outcome.passed, description: outcome.description };
    }
    // Cancellation is final; a timeout or an error may go better next time.
    const cancelled = terminateRequested !== undefined && !timedOut;
    return { status: "error", error: outcome.error, retriable: !cancelled, cancelled };
  };

  return {
    done: run(),
    terminate(reason) {
      terminateRequested ??= reason;
      terminateRunning?.(reason);
    },
  };
}

/** "stg_orders" or "stg_orders:order_id_unique", for messages. */
export function stepName(step: PlanStep): string {
  return step.checkName === undefined ? step.assetKey : `${step.assetKey}:${step.checkName}`;
}

/** An attempt that never reached a worker, e.g. a module that does not build. */
export function failed(message: string, retriable: boolean): AttemptOutcome & { status: "error" } {
  return { status: "error", error: { message, stack: undefined }, retriable, cancelled: false };
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Number((ms / 1000).toFixed(3))} s`;
}
