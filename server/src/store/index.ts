/**
 * Public API of the run-history store: the SQLite event log (EventStore, synchronous) and,
 * behind the shared asynchronous HistoryStore interface, SqliteHistory and PostgresHistory;
 * `openHistory` picks the one a workspace is configured for. Import from here, not from the
 * files behind it.
 *
 * Typical life of a writer (the executor, from the CLI or the language server):
 *   const store = EventStore.open(storePath(workspaceRoot));
 *   store.recoverAbandonedRuns();                 // fail runs whose process died
 *   const run = store.createRun({ selection, launchedBy: "cli" });
 *   store.appendEvents(run.id, [{ type: "STEP_STARTED", assetKey }, ...]);
 *   store.finishRun(run.id, "SUCCESS");
 * A reader (status, CodeLens) opens with `{ readonly: true }`, polls `lastEventId()` and calls
 * `latestState()` when it moved; repeated calls only re-read what changed.
 * Every method is synchronous; writes are BEGIN IMMEDIATE transactions that wait for other
 * processes (busy timeout, then a bounded retry) rather than fail.
 */
export { EventStore } from "./eventStore";
export type { HistoryBackend, HistoryStore } from "./history";
export { SqliteHistory } from "./sqliteHistory";
export { listenForCommits, openHistory, type OpenHistoryOptions } from "./open";
export { HistoryUnreachableError } from "./postgres/connection";
export {
  HEARTBEAT_EXPIRY_MS,
  HEARTBEAT_INTERVAL_MS,
  PostgresHistory,
  type PostgresOpenOptions,
} from "./postgres/postgresHistory";
export {
  NoHistoryError,
  ReadonlyStoreError,
  SchemaOutdatedError,
  SchemaTooNewError,
  StoreAccessError,
  StoreBusyError,
  StoreError,
  StoreUnreadableError,
  UnknownRunError,
} from "./errors";
export { EVENT_TYPES } from "./records";
export { SCHEMA_VERSION } from "./schema";
export type {
  AssetEventsQuery,
  AssetLatestState,
  AttemptRecord,
  CheckEvaluationRecord,
  CreateRunInput,
  EventInput,
  EventOfType,
  EventType,
  FailureRecord,
  JsonObject,
  LaunchedBy,
  LogLevel,
  MaterializationRecord,
  RecoveredRun,
  RunEventsQuery,
  RunRecord,
  RunStatus,
  StepError,
  StoredEvent,
  StoreOpenOptions,
  TerminalRunStatus,
} from "./records";

export type {
  AutomationDecisionInput,
  AutomationDecisionRecord,
  AutomationHostKind,
  AutomationOwner,
  StepOutcome,
} from "./automationRecords";

export { storePath } from "./paths";
export { newRunId } from "./processInfo";
