/**
 * Public API of the run-history store (SQLite event log). Import from here, not from the
 * files behind it.
 */
import { join } from "node:path";

export { EventStore } from "./event-store";
export {
  ReadonlyStoreError,
  SchemaOutdatedError,
  SchemaTooNewError,
  StoreBusyError,
  StoreError,
  UnknownRunError,
} from "./errors";
export { EVENT_TYPES } from "./records";
export type {
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

/** Where a workspace keeps its run history: `<workspace>/.assetline/assetline.db`. */
export function storePath(workspaceRoot: string): string {
  return join(workspaceRoot, ".assetline", "assetline.db");
}
