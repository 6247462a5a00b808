/**
 * The run history as its users see it, whatever holds it: the embedded SQLite file
 * (`SqliteHistory`, a thin wrapper of the synchronous EventStore) or a shared PostgreSQL
 * database (`PostgresHistory`). Asynchronous because PostgreSQL is; the SQLite side still does
 * its work synchronously underneath, so the single-machine path pays a resolved promise per
 * call and nothing else.
 */
import type {
  AssetEventsQuery,
  AssetLatestState,
  CreateRunInput,
  EventInput,
  MaterializationRecord,
  RecoveredRun,
  RunEventsQuery,
  RunRecord,
  StoredEvent,
  TerminalRunStatus,
} from "./records";

export type HistoryBackend = "sqlite" | "postgres";

export interface HistoryStore {
  readonly backend: HistoryBackend;
  /** Where the history is, for messages: the file's path, or the URL without its password. */
  readonly location: string;
  readonly readonly: boolean;
  /** Starts a run: inserts the run row (status STARTED) and its RUN_STARTED event. */
  createRun(input: CreateRunInput): Promise<RunRecord>;
  /** Appends one event to a run; returns its id. */
  appendEvent(runId: string, event: EventInput): Promise<number>;
  /** Appends events to a run in one transaction (all or none); returns their ids in order. */
  appendEvents(runId: string, events: readonly EventInput[]): Promise<number[]>;
  /** Ends a run with its terminal event; a run already finished keeps its first outcome. */
  finishRun(runId: string, status: TerminalRunStatus, message?: string): Promise<RunRecord>;
  getRun(id: string): Promise<RunRecord | undefined>;
  /** The most recent runs first (default 50). */
  listRuns(options?: { limit?: number }): Promise<RunRecord[]>;
  runEvents(runId: string, query?: RunEventsQuery): Promise<StoredEvent[]>;
  /** The asset's events among the newest `query.window` of the log, newest first; `complete` when nothing older was left unsearched. */
  assetEvents(key: string, query: AssetEventsQuery): Promise<{ events: StoredEvent[]; complete: boolean }>;
  latestMaterialization(key: string): Promise<MaterializationRecord | undefined>;
  /** Latest state per asset (all with history, or only `keys`); repeated calls re-read only what changed. */
  latestState(keys?: readonly string[]): Promise<Map<string, AssetLatestState>>;
  /** True when a run in progress at the last latestState() has lost its owner since. */
  runOwnerGone(): Promise<boolean>;
  /** The id of the newest event (0 when empty): poll it to learn whether anything changed. */
  lastEventId(): Promise<number>;
  /** Marks runs whose owner died as failed, and their unfinished steps too. */
  recoverAbandonedRuns(): Promise<RecoveredRun[]>;
  /** Releases the connection(s); idempotent. */
  close(): Promise<void>;
}
