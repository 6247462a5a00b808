/**
 * EventStore: the one object the executor, the CLI and the language server use to read and
 * write run history. Synchronous, like better-sqlite3 underneath.
 */
import type {
  AssetLatestState,
  CreateRunInput,
  EventInput,
  MaterializationRecord,
  RecoveredRun,
  RunEventsQuery,
  RunRecord,
  StoredEvent,
  StoreOpenOptions,
  TerminalRunStatus,
} from "./records";

export class EventStore {
  private constructor(readonly dbPath: string) {}

  /** Opens (creating and migrating when writable) the store at `dbPath`. */
  static open(dbPath: string, options: StoreOpenOptions = {}): EventStore {
    void options;
    return new EventStore(dbPath);
  }

  /** Closes the connection; the store is unusable afterwards. */
  close(): void {}

  /** Starts a run: inserts the run row (status STARTED) and its RUN_STARTED event. */
  createRun(input: CreateRunInput): RunRecord {
    void input;
    throw new Error("not implemented yet");
  }

  /** Appends one event to a run; returns its id. */
  appendEvent(runId: string, event: EventInput): number {
    return this.appendEvents(runId, [event])[0];
  }

  /** Appends events to a run in one transaction; returns their ids in order. */
  appendEvents(runId: string, events: readonly EventInput[]): number[] {
    void runId;
    void events;
    throw new Error("not implemented yet");
  }

  /** Ends a run with its terminal event; a run already finished keeps its first outcome. */
  finishRun(runId: string, status: TerminalRunStatus, message?: string): RunRecord {
    void runId;
    void status;
    void message;
    throw new Error("not implemented yet");
  }

  /** The run with this id, or undefined. */
  getRun(id: string): RunRecord | undefined {
    void id;
    throw new Error("not implemented yet");
  }

  /** The most recent runs first. */
  listRuns(options: { limit?: number } = {}): RunRecord[] {
    void options;
    throw new Error("not implemented yet");
  }

  /** A run's events in order, optionally only after an id and of some types. */
  runEvents(runId: string, query: RunEventsQuery = {}): StoredEvent[] {
    void runId;
    void query;
    throw new Error("not implemented yet");
  }

  /** The latest materialization of an asset, or undefined when it was never materialized. */
  latestMaterialization(key: string): MaterializationRecord | undefined {
    void key;
    throw new Error("not implemented yet");
  }

  /** Latest state per asset (all assets with history, or only `keys`); keys without history are absent. */
  latestState(keys?: readonly string[]): Map<string, AssetLatestState> {
    void keys;
    throw new Error("not implemented yet");
  }

  /** The id of the newest event (0 when empty): poll it to learn whether anything changed. */
  lastEventId(): number {
    throw new Error("not implemented yet");
  }

  /** Marks runs whose owning process died as failed, and their unfinished steps too. */
  recoverAbandonedRuns(): RecoveredRun[] {
    throw new Error("not implemented yet");
  }
}
