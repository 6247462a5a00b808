/**
 * Runs started from the editor: what the client asks for, and what the server reports while
 * the run goes. The run history in the store holds the same facts; these are the live view.
 */

export interface MaterializeParams {
  /** The selection, as the user would write it (`stg_orders`, `group:staging`, `+orders`). */
  readonly selection: string;
  /** Also build everything upstream of the selection. */
  readonly withUpstream?: boolean;
}

export interface RunChecksParams {
  readonly key: string;
  /** One check of the asset; all of its checks when absent. */
  readonly check?: string;
}

export interface RunStarted {
  readonly runId: string;
  /** The selection as recorded on the run. */
  readonly selection: string;
  /** Planned steps: asset builds and check evaluations. */
  readonly steps: number;
}

export interface CancelRunParams {
  readonly runId: string;
}

export interface CancelRunResult {
  /** False when the run had already ended or was not started by this server. */
  readonly cancelled: boolean;
}

export type RunEventType =
  | "RUN_STARTED"
  | "RUN_SUCCESS"
  | "RUN_FAILURE"
  | "RUN_CANCELED"
  | "STEP_STARTED"
  | "STEP_SUCCESS"
  | "STEP_FAILURE"
  | "STEP_SKIPPED"
  | "STEP_RETRY"
  | "LOG"
  | "MATERIALIZATION"
  | "CHECK_EVALUATION";

/** One event of a live run, flattened: fields absent when the event type has no such fact. */
export interface RunEventParams {
  readonly runId: string;
  /** Monotonic across runs and processes. */
  readonly id: number;
  /** Epoch ms. */
  readonly ts: number;
  readonly type: RunEventType;
  readonly assetKey?: string;
  readonly checkName?: string;
  /** The log line, failure, skip reason or check message. */
  readonly message?: string;
  readonly level?: "debug" | "info" | "warn" | "error";
  readonly passed?: boolean;
  readonly attempt?: number;
  /** STEP_FAILURE: the stack of what the user's code threw, source-mapped to their TypeScript. */
  readonly stack?: string;
  /** STEP_FAILURE: the throwing line in the user's code, when the stack names one in the workspace. */
  readonly location?: FailureLocation;
}

/** A line in the user's code: workspace-relative path, 0-based line and character. */
export interface FailureLocation {
  readonly file: string;
  readonly line: number;
  readonly character: number;
}

export type RunStatus = "SUCCESS" | "FAILURE" | "CANCELED";

export interface RunFinishedParams {
  readonly runId: string;
  readonly status: RunStatus;
  /** Why the run did not succeed. */
  readonly message: string | undefined;
  readonly durationMs: number;
  readonly steps: readonly {
    readonly assetKey: string;
    readonly checkName: string | undefined;
    readonly status: "succeeded" | "failed" | "skipped";
    readonly message: string | undefined;
  }[];
}

/**
 * Why the server refused to start a run: the `data` of the request's error (its message says
 * the same in words), so the client can offer the fix rather than only the log.
 */
export type RunRefusal =
  /** The workspace is not trusted: nothing of it runs. */
  | { readonly kind: "untrusted" }
  /** Open files differ from the disk, and runs execute what is on disk. Workspace-relative paths. */
  | { readonly kind: "unsaved"; readonly files: readonly string[] }
  /** An error in the definitions the run would execute; the first one, 0-based line and character. */
  | { readonly kind: "definitionErrors"; readonly file: string; readonly line: number; readonly character: number }
  /** The selection names nothing runnable (unknown key, only sources, no such check). */
  | { readonly kind: "selection" };

export interface RunDetailsParams {
  readonly runId: string;
}

/** A run as the history records it, whichever process ran it. */
export interface RunSummary {
  readonly runId: string;
  readonly status: RunStatus | "STARTED";
  readonly selection: string;
  readonly launchedBy: "cli" | "editor";
  readonly pid: number;
  readonly hostname: string;
  /** The OS user who started the run; undefined for runs recorded before users were. */
  readonly user?: string;
  /** Epoch ms. */
  readonly startedAt: number;
  readonly finishedAt: number | undefined;
  readonly message: string | undefined;
  /** Steps ended so far (succeeded, failed or skipped), and how many of them failed. */
  readonly stepsDone: number;
  readonly stepsFailed: number;
}

export interface RecentRunsParams {
  /** At most this many, newest first; default 20. */
  readonly limit?: number;
}

export interface RunDetails {
  readonly run: RunSummary;
  /** Every event of the run, oldest first. */
  readonly events: readonly RunEventParams[];
}
