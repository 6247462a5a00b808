/**
 * The run history on PostgreSQL, for a team: every editor and CLI of the team reads and writes
 * the same log. Same interface and guarantees as the SQLite store: no event lost under
 * concurrent writers (one advisory write lock, ids in commit order), and a run whose owner died
 * reads as failed. On one machine a dead pid tells; across machines the owner's heartbeat
 * does: while this store has runs in progress it renews their `heartbeat_at`, and a run whose
 * heartbeat is older than the expiry is abandoned, shown failed and recovered by any writer.
 */
import type pg from "pg";
import { hostname } from "node:os";
import { ReadonlyStoreError, StoreError, UnknownRunError } from "../errors";
import type { HistoryStore } from "../history";
import { ownerStillRunning } from "../processInfo";
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
} from "../records";
import { encodeEvent } from "../codec";
import { abandonment, STEP_LIFECYCLE_TYPES, type StepRow } from "../recovery";
import { createPool, locationOf, reachable } from "./connection";
import { fromPg } from "./text";
import { PgReader } from "./reader";
import { assertReadable, migrate } from "./schema";
import { PgWriter, runInfo } from "./writer";

/** How often an owner renews the heartbeat of its runs in progress. */
export const HEARTBEAT_INTERVAL_MS = 5000;
/** A heartbeat older than this means the owner is gone (six missed beats). */
export const HEARTBEAT_EXPIRY_MS = 30_000;

export interface PostgresOpenOptions {
  readonly readonly?: boolean;
  /** Where the URL came from (config file or environment variable), for messages. */
  readonly from?: string;
  readonly now?: () => number;
  readonly heartbeatIntervalMs?: number;
  readonly heartbeatExpiryMs?: number;
  /** Told about connections the server dropped while idle (they are replaced on next use). */
  readonly log?: (message: string) => void;
}

/** A write transaction of the history: its connection, and appending events inside it. */
export interface HistoryTransaction {
  readonly client: pg.PoolClient;
  /** Appends events to a run (a terminal event also ends it); returns their ids. */
  append(runId: string, events: readonly EventInput[]): Promise<number[]>;
}

/** Run seqs kept by transaction(); a bound, not a tuning knob. */
const RUN_SEQ_CACHE = 1000;

export class PostgresHistory implements HistoryStore {
  readonly backend = "postgres";
  private readonly runSeqs = new Map<string, number>();
  private readonly reader: PgReader;
  private readonly writer: PgWriter;
  /** Runs this store created and has not finished: their heartbeats are ours to renew. */
  private readonly owned = new Set<string>();
  private heartbeat: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    readonly location: string,
    readonly readonly: boolean,
    private readonly options: PostgresOpenOptions,
  ) {
    const expiry = options.heartbeatExpiryMs ?? HEARTBEAT_EXPIRY_MS;
    this.reader = new PgReader(pool, expiry);
    this.writer = new PgWriter(pool, options.now ?? Date.now);
  }

  /** Connects (and, when writable, migrates); an unreachable server is one HistoryUnreachableError line. */
  static async open(url: string, options: PostgresOpenOptions = {}): Promise<PostgresHistory> {
    const location = locationOf(url, options.from);
    const log = options.log ?? (() => undefined);
    const pool = createPool(url, (error) => log(`run history connection dropped: ${error.message}`));
    const store = new PostgresHistory(pool, location, options.readonly === true, options);
    try {
      await reachable(location, () => (store.readonly ? assertReadable(pool, location) : migrate(pool, location)));
      return store;
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
  }

  async createRun(input: CreateRunInput): Promise<RunRecord> {
    const id = await this.guard(() => this.write().createRun(input));
    // Owned only when the run is this process's (the executor passes its own pid, or none).
    if (input.pid === undefined || input.pid === process.pid) this.own(id);
    return (await this.getRun(id)) as RunRecord;
  }

  async appendEvent(runId: string, event: EventInput): Promise<number> {
    return (await this.appendEvents(runId, [event]))[0];
  }

  async appendEvents(runId: string, events: readonly EventInput[]): Promise<number[]> {
    if (events.length === 0) return [];
    const ids = await this.guard(() => this.write().append(runId, events));
    if (events.some((e) => e.type === "RUN_SUCCESS" || e.type === "RUN_FAILURE" || e.type === "RUN_CANCELED"))
      this.owned.delete(runId);
    return ids;
  }

  async finishRun(runId: string, status: TerminalRunStatus, message?: string): Promise<RunRecord> {
    if ((status as string) === "STARTED") throw new StoreError("finishRun needs SUCCESS, FAILURE or CANCELED");
    await this.guard(() => this.write().finish(runId, status, message));
    this.owned.delete(runId);
    const run = await this.getRun(runId);
    if (run === undefined) throw new UnknownRunError(runId);
    return run;
  }

  getRun(id: string): Promise<RunRecord | undefined> {
    return this.guard(() => this.reader.getRun(id));
  }

  listRuns(options: { limit?: number } = {}): Promise<RunRecord[]> {
    return this.guard(() => this.reader.listRuns(options.limit ?? 50));
  }

  runEvents(runId: string, query: RunEventsQuery = {}): Promise<StoredEvent[]> {
    return this.guard(() => this.reader.runEvents(runId, query));
  }

  assetEvents(key: string, query: AssetEventsQuery): Promise<{ events: StoredEvent[]; complete: boolean }> {
    return this.guard(() => this.reader.assetEvents(key, query));
  }

  latestMaterialization(key: string): Promise<MaterializationRecord | undefined> {
    return this.guard(() => this.reader.latestMaterialization(key));
  }

  latestState(keys?: readonly string[]): Promise<Map<string, AssetLatestState>> {
    return this.guard(() => this.reader.latestState(keys));
  }

  async runOwnerGone(): Promise<boolean> {
    return this.reader.runOwnerGone();
  }

  lastEventId(): Promise<number> {
    return this.guard(() => this.reader.lastEventId());
  }

  /** Fails STARTED runs whose owner is gone: a dead pid on this host, or an expired heartbeat anywhere. */
  async recoverAbandonedRuns(): Promise<RecoveredRun[]> {
    const writer = this.write();
    const expiry = this.options.heartbeatExpiryMs ?? HEARTBEAT_EXPIRY_MS;
    return this.guard(async () => {
      const started = await this.pool.query<{
        seq: number;
        id: string;
        pid: number;
        pid_started_at: number | null;
        hostname: string;
        expired: boolean;
      }>(
        `SELECT seq, id, pid, pid_started_at, hostname,
                heartbeat_at < clock_timestamp() - make_interval(secs => $1 / 1000.0) AS expired
         FROM runs WHERE status = 'STARTED'`,
        [expiry],
      );
      const recovered: RecoveredRun[] = [];
      for (const run of started.rows) {
        if (this.owned.has(run.id)) continue;
        const dead =
          run.expired || (fromPg(run.hostname) === hostname() && !ownerStillRunning(run.pid, run.pid_started_at));
        if (!dead) continue;
        const result = await writer.write(async (client) => {
          // Another process may have recovered (or the owner finished) the run since our scan.
          if ((await runInfo(client, run.id)).status !== "STARTED") return undefined;
          const steps = await client.query<StepRow>(
            "SELECT asset_key, check_name, type FROM events WHERE run_seq = $1 AND type = ANY($2) ORDER BY id",
            [run.seq, STEP_LIFECYCLE_TYPES],
          );
          const rows = steps.rows.map((row) => ({
            ...row,
            asset_key: fromPg(row.asset_key),
            check_name: fromPg(row.check_name),
          }));
          const { events, failedSteps } = abandonment(run.pid, rows);
          await writer.insertEncoded(client, run.seq, events);
          return { runId: run.id, pid: run.pid, failedSteps };
        });
        if (result) recovered.push(result);
      }
      return recovered;
    });
  }

  /**
   * Runs `fn` in one write transaction of the history (the write lock held, listeners notified at
   * commit), so that other tables of the same database change atomically with the events: the
   * distributed executor records a step and enqueues its downstream jobs in one commit.
   * Listeners are notified only when the transaction appended events.
   */
  transaction<T>(fn: (tx: HistoryTransaction) => Promise<T>): Promise<T> {
    const writer = this.write();
    // Readers are told of commits that appended events; other tables are not theirs.
    let appended = false;
    return this.guard(() =>
      writer.write(
        (client) =>
          fn({
            client,
            append: async (runId, events) => {
              if (events.length > 0) appended = true;
              // A run's seq never changes: distributed workers append to the same run thousands of times.
              let seq = this.runSeqs.get(runId);
              if (seq === undefined) {
                seq = (await runInfo(client, runId)).seq;
                if (this.runSeqs.size >= RUN_SEQ_CACHE) this.runSeqs.clear();
                this.runSeqs.set(runId, seq);
              }
              return writer.insertEncoded(client, seq, events.map(encodeEvent));
            },
          }),
        () => appended,
      ),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.pool.end().catch(() => undefined);
  }

  private own(runId: string): void {
    this.owned.add(runId);
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => void this.beat(), this.options.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS);
    this.heartbeat.unref();
  }

  private async beat(): Promise<void> {
    if (this.owned.size === 0) {
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
      return;
    }
    try {
      await this.pool.query("UPDATE runs SET heartbeat_at = clock_timestamp() WHERE id = ANY($1)", [[...this.owned]]);
    } catch (error) {
      // A missed beat is survivable (six make an expiry); the next write reports a lasting outage.
      this.options.log?.(`run history heartbeat failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private guard<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new StoreError(`the run history at ${this.location} is closed`));
    return reachable(this.location, fn);
  }

  private write(): PgWriter {
    if (this.readonly) throw new ReadonlyStoreError(this.location);
    return this.writer;
  }
}
