/**
 * EventStore: the one object the executor, the CLI and the language server use to read and
 * write run history. Synchronous, like better-sqlite3 underneath.
 */
import { type Connection, DEFAULT_BUSY_TIMEOUT_MS, openConnection, retryBusy } from "./connection";
import { ReadonlyStoreError, StoreError, UnknownRunError } from "./errors";
import {
  AutomationRecords,
  type AutomationDecisionInput,
  type AutomationDecisionRecord,
  type AutomationHostKind,
  type AutomationOwner,
  type StepOutcome,
} from "./automationRecords";
import type { ChangesSince } from "./changeLog";
import { Reader } from "./queries";
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
import { Recovery } from "./recovery";
import { assertReadableSchema, migrate } from "./schema";
import { translated } from "./sqliteErrors";
import { Writer } from "./writer";

export class EventStore {
  private readonly reader: Reader;
  // Absent on read-only stores: prepared INSERTs would fail to compile there anyway.
  private readonly writer: Writer | undefined;
  private readonly recovery: Recovery | undefined;
  private readonly automation: AutomationRecords;
  private closed = false;

  private constructor(
    readonly dbPath: string,
    private readonly connection: Connection,
    readonly readonly: boolean,
    now: () => number,
    schema: number,
  ) {
    const db = connection.db;
    this.reader = new Reader(db);
    if (!readonly) {
      this.writer = new Writer(db, dbPath, now);
      this.recovery = new Recovery(db, this.writer);
    }
    this.automation = new AutomationRecords(db, dbPath, this.writer, now, schema);
  }

  /** Opens (creating and migrating when writable) the store at `dbPath`. */
  static open(dbPath: string, options: StoreOpenOptions = {}): EventStore {
    const readonly = options.readonly === true;
    const connection = openConnection(dbPath, {
      readonly,
      busyTimeoutMs: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS,
    });
    try {
      return translated(dbPath, readonly ? "read" : "write", () => {
        const schema = readonly
          ? assertReadableSchema(connection.db, dbPath)
          : retryBusy(dbPath, () => migrate(connection.db, dbPath));
        return new EventStore(dbPath, connection, readonly, options.now ?? Date.now, schema);
      });
    } catch (error) {
      connection.close();
      throw error;
    }
  }

  /** True when this is a private copy of a history its folder would not let us read in place (sees no later writes). */
  get isCopy(): boolean {
    return this.connection.isCopy;
  }

  /** Closes the connection; the store is unusable afterwards. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.connection.close();
  }

  /** Starts a run: inserts the run row (status STARTED) and its RUN_STARTED event. */
  createRun(input: CreateRunInput): RunRecord {
    const id = this.write().createRun(input);
    return this.reader.getRun(id) as RunRecord;
  }

  /** Appends one event to a run; returns its id. */
  appendEvent(runId: string, event: EventInput): number {
    return this.write().append(runId, [event])[0];
  }

  /** Appends events to a run in one transaction (all or none); returns their ids in order. */
  appendEvents(runId: string, events: readonly EventInput[]): number[] {
    if (events.length === 0) return [];
    return this.write().append(runId, events);
  }

  /** Ends a run with its terminal event; a run already finished keeps its first outcome. */
  finishRun(runId: string, status: TerminalRunStatus, message?: string): RunRecord {
    if ((status as string) === "STARTED") throw new StoreError("finishRun needs SUCCESS, FAILURE or CANCELED");
    this.write().finish(runId, status, message);
    const run = this.reader.getRun(runId);
    if (run === undefined) throw new UnknownRunError(runId);
    return run;
  }

  /** The run with this id, or undefined. */
  getRun(id: string): RunRecord | undefined {
    return this.reader.getRun(id);
  }

  /** The most recent runs first (default 50). */
  listRuns(options: { limit?: number } = {}): RunRecord[] {
    return this.reader.listRuns(options.limit ?? 50);
  }

  /** A run's events in order, optionally only after an id, of some types, and at most `limit`. */
  runEvents(runId: string, query: RunEventsQuery = {}): StoredEvent[] {
    return this.reader.runEvents(runId, query);
  }

  /**
   * The asset's events of `query.types` among the newest `query.window` events, newest first.
   * `complete`: nothing older was left unsearched (the window reached the start of the log, or
   * `query.limit` events were found).
   */
  assetEvents(key: string, query: AssetEventsQuery): { events: StoredEvent[]; complete: boolean } {
    return this.reader.assetEvents(key, query);
  }

  /** The latest materialization of an asset, or undefined when it was never materialized. */
  latestMaterialization(key: string): MaterializationRecord | undefined {
    return this.reader.latestMaterialization(key);
  }

  /** Latest state per asset (all assets with history, or only `keys`); keys without history are absent. */
  latestState(keys?: readonly string[]): Map<string, AssetLatestState> {
    return this.reader.latestState(keys);
  }

  /**
   * Latest state of every asset with history, without the copy latestState() makes: a read-only
   * view that the next call of either moves forward. For a reader that reads it at once and
   * asks again next time (the automation loop's tick over thousands of assets).
   */
  currentLatestStates(): ReadonlyMap<string, AssetLatestState> {
    return this.reader.currentLatestStates();
  }

  /** The assets whose latest state the last read replaced since `revision` (ChangeLog.since). */
  latestChangesSince(revision: number | undefined): ChangesSince {
    return this.reader.latestChangesSince(revision);
  }

  /**
   * True when a run that was in progress at the last latestState() has lost its owner (killed,
   * crashed) since: no event marks that, so a poller of lastEventId() asks this too.
   */
  runOwnerGone(): boolean {
    return this.reader.runOwnerGone();
  }

  /** The id of the newest event (0 when empty): poll it to learn whether anything changed. */
  lastEventId(): number {
    return this.reader.lastEventId();
  }

  /** Marks runs of this host whose owning process died as failed, and their unfinished steps too. */
  recoverAbandonedRuns(): RecoveredRun[] {
    if (this.recovery === undefined) throw new ReadonlyStoreError(this.dbPath);
    return this.recovery.recover();
  }

  /** An asset's latest `limit` step outcomes (asset steps only), newest first: durations and failures. */
  stepOutcomes(key: string, limit = 20): StepOutcome[] {
    return this.automation.stepOutcomes(key, limit);
  }

  /** Records decisions of the automation loop in one transaction. */
  recordAutomationDecisions(decisions: readonly AutomationDecisionInput[]): void {
    this.automation.record(decisions);
  }

  /** The automation loop's newest decisions first (default 50). */
  automationDecisions(options: { limit?: number } = {}): AutomationDecisionRecord[] {
    return this.automation.decisions(options.limit ?? 50);
  }

  /** The last skipped cron tick per asset and expression. */
  lastCronSkips(): Array<{ assetKey: string; cron: string; tick: number }> {
    return this.automation.lastCronSkips();
  }

  /**
   * Claims the workspace's automation loop for this process: undefined when claimed (or already
   * held by it), else the live process that holds it. A holder that died is replaced.
   */
  claimAutomation(hostKind: AutomationHostKind): AutomationOwner | undefined {
    return this.automation.claim(hostKind);
  }

  /** Releases the loop if this process holds it. */
  releaseAutomation(): void {
    this.automation.release();
  }

  /** The live process holding the loop, if any. */
  automationOwner(): AutomationOwner | undefined {
    return this.automation.currentOwner();
  }

  private write(): Writer {
    if (this.writer === undefined) throw new ReadonlyStoreError(this.dbPath);
    return this.writer;
  }
}
