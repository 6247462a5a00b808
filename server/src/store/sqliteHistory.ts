/** The embedded history behind the shared interface: EventStore's synchronous calls, resolved. */
import { EventStore } from "./eventStore";
import type { HistoryStore } from "./history";
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
  StoreOpenOptions,
  TerminalRunStatus,
} from "./records";

export class SqliteHistory implements HistoryStore {
  readonly backend = "sqlite";

  /** Wraps an open EventStore; closing this closes it. */
  constructor(readonly store: EventStore) {}

  /** Opens the SQLite file at `dbPath` (see EventStore.open). */
  static open(dbPath: string, options: StoreOpenOptions = {}): SqliteHistory {
    return new SqliteHistory(EventStore.open(dbPath, options));
  }

  get location(): string {
    return this.store.dbPath;
  }

  get readonly(): boolean {
    return this.store.readonly;
  }

  // Each method is async so that a synchronous throw becomes a rejection, as with PostgreSQL.
  async createRun(input: CreateRunInput): Promise<RunRecord> {
    return this.store.createRun(input);
  }

  async appendEvent(runId: string, event: EventInput): Promise<number> {
    return this.store.appendEvent(runId, event);
  }

  async appendEvents(runId: string, events: readonly EventInput[]): Promise<number[]> {
    return this.store.appendEvents(runId, events);
  }

  async finishRun(runId: string, status: TerminalRunStatus, message?: string): Promise<RunRecord> {
    return this.store.finishRun(runId, status, message);
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    return this.store.getRun(id);
  }

  async listRuns(options: { limit?: number } = {}): Promise<RunRecord[]> {
    return this.store.listRuns(options);
  }

  async runEvents(runId: string, query: RunEventsQuery = {}): Promise<StoredEvent[]> {
    return this.store.runEvents(runId, query);
  }

  async assetEvents(key: string, query: AssetEventsQuery): Promise<{ events: StoredEvent[]; complete: boolean }> {
    return this.store.assetEvents(key, query);
  }

  async latestMaterialization(key: string): Promise<MaterializationRecord | undefined> {
    return this.store.latestMaterialization(key);
  }

  async latestState(keys?: readonly string[]): Promise<Map<string, AssetLatestState>> {
    return this.store.latestState(keys);
  }

  async runOwnerGone(): Promise<boolean> {
    return this.store.runOwnerGone();
  }

  async lastEventId(): Promise<number> {
    return this.store.lastEventId();
  }

  async recoverAbandonedRuns(): Promise<RecoveredRun[]> {
    return this.store.recoverAbandonedRuns();
  }

  async close(): Promise<void> {
    this.store.close();
  }
}
