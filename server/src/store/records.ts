/**
 * The store's public records: what goes into the event log and what comes out of it.
 * Pure types and tiny helpers, no SQLite. The history records extend the model's shapes
 * (`model/history.ts`): the store produces what freshness reads, the model never imports the store.
 */
import type { AssetHistory, CheckResultFact, FailureFact, MaterializationFact } from "../model/history";

export type RunStatus = "STARTED" | "SUCCESS" | "FAILURE" | "CANCELED";
export type TerminalRunStatus = Exclude<RunStatus, "STARTED">;
export type LaunchedBy = "cli" | "editor";
export type LogLevel = "debug" | "info" | "warn" | "error";

export interface RunRecord {
  /** Sortable unique id: later runs sort after earlier ones (time-prefixed). */
  readonly id: string;
  readonly status: RunStatus;
  /** The selection as the user wrote it, e.g. "+stg_orders" or "group:staging". */
  readonly selection: string;
  readonly launchedBy: LaunchedBy;
  /** The process that owns the run: recovery marks the run failed once it is gone. */
  readonly pid: number;
  readonly hostname: string;
  /** The OS user who started the run; undefined for runs recorded before users were. */
  readonly user: string | undefined;
  /** Epoch milliseconds. */
  readonly startedAt: number;
  readonly finishedAt: number | undefined;
  /** Why the run ended, when it did not simply succeed (copied from the terminal event). */
  readonly message: string | undefined;
  /**
   * True when the log still says STARTED but the owning process is gone (killed, crashed): the
   * run is shown as FAILURE, and the next writer to open the store records that failure.
   */
  readonly abandoned: boolean;
}

export interface CreateRunInput {
  /**
   * The run's id when the caller chose it (with `newRunId`), so that it can name the run before
   * the history has recorded it; default a new one.
   */
  readonly id?: string;
  readonly selection: string;
  readonly launchedBy: LaunchedBy;
  /** Defaults to the calling process; pass the executor's pid when another process owns the run. */
  readonly pid?: number;
  /** Defaults to the OS user of this process (see processInfo.ts `currentUser`). */
  readonly user?: string;
}

/**
 * A step's error as the worker reports it (across the process boundary) and the log keeps it;
 * `stack` is source-mapped to the user's .ts.
 */
export interface StepError {
  readonly message: string;
  readonly stack?: string;
}

export type JsonObject = { readonly [key: string]: unknown };

/**
 * An event as the executor appends it. `ts` defaults to the store's clock.
 * STEP_* events carry `checkName` when the step evaluates a check rather than builds the asset;
 * only asset steps (no `checkName`) move the asset's "last attempt" / "last failure".
 */
export type EventInput = { readonly ts?: number } & (
  | { readonly type: "RUN_STARTED"; readonly message?: string }
  | { readonly type: "RUN_SUCCESS"; readonly message?: string }
  | { readonly type: "RUN_FAILURE"; readonly message: string }
  | { readonly type: "RUN_CANCELED"; readonly message?: string }
  | { readonly type: "STEP_STARTED"; readonly assetKey: string; readonly checkName?: string; readonly attempt?: number }
  | {
      readonly type: "STEP_SUCCESS";
      readonly assetKey: string;
      readonly checkName?: string;
      readonly durationMs?: number;
    }
  | {
      readonly type: "STEP_FAILURE";
      readonly assetKey: string;
      readonly checkName?: string;
      readonly message: string;
      readonly error?: StepError;
    }
  | { readonly type: "STEP_SKIPPED"; readonly assetKey: string; readonly checkName?: string; readonly reason: string }
  | {
      readonly type: "STEP_RETRY";
      readonly assetKey: string;
      readonly checkName?: string;
      /** The attempt that is about to start (2 for the first retry). */
      readonly attempt: number;
      readonly message?: string;
      readonly delayMs?: number;
    }
  | {
      readonly type: "LOG";
      readonly assetKey?: string;
      readonly checkName?: string;
      readonly level: LogLevel;
      readonly message: string;
      /** True when the executor cut the message or dropped further output (caps). */
      readonly truncated?: boolean;
    }
  | {
      readonly type: "MATERIALIZATION";
      readonly assetKey: string;
      readonly codeVersion: string;
      readonly metadata?: JsonObject;
      /** Upstream key → the MATERIALIZATION event id this one was built from. */
      readonly consumed?: Readonly<Record<string, number>>;
    }
  | {
      readonly type: "CHECK_EVALUATION";
      readonly assetKey: string;
      readonly checkName: string;
      readonly passed: boolean;
      readonly blocking: boolean;
      readonly metadata?: JsonObject;
      readonly message?: string;
    }
);

export type EventType = EventInput["type"];

/** Every event type, in a stable order (handy for filters and validation). */
export const EVENT_TYPES: readonly EventType[] = [
  "RUN_STARTED",
  "RUN_SUCCESS",
  "RUN_FAILURE",
  "RUN_CANCELED",
  "STEP_STARTED",
  "STEP_SUCCESS",
  "STEP_FAILURE",
  "STEP_SKIPPED",
  "STEP_RETRY",
  "LOG",
  "MATERIALIZATION",
  "CHECK_EVALUATION",
];

/** Distributes over the union so `StoredEvent` stays discriminated on `type`. */
type Stored<E> = E extends unknown
  ? Omit<E, "ts"> & { readonly id: number; readonly runId: string; readonly ts: number }
  : never;

/** An event read back from the log: the input plus its id (monotonic), run and timestamp. */
export type StoredEvent = Stored<EventInput>;

/** The stored event of one type, e.g. `EventOfType<"LOG">`. */
export type EventOfType<T extends EventType> = Extract<StoredEvent, { readonly type: T }>;

export interface MaterializationRecord extends MaterializationFact {
  readonly runId: string;
  readonly metadata: JsonObject;
}

export interface CheckEvaluationRecord extends CheckResultFact {
  readonly eventId: number;
  readonly runId: string;
  readonly assetKey: string;
  readonly blocking: boolean;
  readonly metadata: JsonObject;
  readonly message: string | undefined;
}

export interface FailureRecord extends FailureFact {
  readonly eventId: number;
  readonly runId: string;
  readonly assetKey: string;
  readonly error: StepError | undefined;
}

export interface AttemptRecord {
  readonly eventId: number;
  readonly runId: string;
  readonly timestamp: number;
}

/** Everything "latest" the store knows about one asset, read from the index tables. */
export interface AssetLatestState extends AssetHistory {
  readonly key: string;
  readonly materialization: MaterializationRecord | undefined;
  /** The last failed asset step, only when it happened after `materialization`. */
  readonly failure: FailureRecord | undefined;
  /** The last asset step started (STEP_STARTED), whatever its outcome. */
  readonly lastAttempt: AttemptRecord | undefined;
  /** The latest evaluation of each check of this asset, sorted by check name. */
  readonly checks: readonly CheckEvaluationRecord[];
}

export interface StoreOpenOptions {
  /** Open without writing: no migrations, no pragmas that write. The file must exist. */
  readonly readonly?: boolean;
  /** Clock for run and event timestamps (epoch ms); tests inject one. */
  readonly now?: () => number;
  /** How long a write waits for another process's lock before SQLITE_BUSY; default 5000. */
  readonly busyTimeoutMs?: number;
}

export interface RunEventsQuery {
  /** Only events with an id greater than this (for tailing a live run). */
  readonly afterEventId?: number;
  readonly types?: readonly EventType[];
  /** At most this many events, oldest first. */
  readonly limit?: number;
}

export interface AssetEventsQuery {
  readonly types: readonly EventType[];
  /** How many of the newest events of the whole log to search. */
  readonly window: number;
  /** At most this many events of the asset, newest first. */
  readonly limit: number;
}

export interface RecoveredRun {
  readonly runId: string;
  readonly pid: number;
  /** Steps that had started and never ended, now marked failed. */
  readonly failedSteps: readonly string[];
}
