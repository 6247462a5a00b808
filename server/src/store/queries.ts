/**
 * The read path for runs and events. "Latest per asset" lives in latest.ts; here everything is
 * an indexed lookup: runs by id or seq, a run's events by (run_seq, rowid).
 */
import type Database from "better-sqlite3";
import { abandonedRunMessage, isAbandoned } from "./abandoned";
import { decodeEvent, materializationFromRow, type EventRow } from "./codec";
import type { ChangesSince } from "./changeLog";
import { LatestStates, RunIds } from "./latest";
import type {
  AssetEventsQuery,
  AssetLatestState,
  LaunchedBy,
  MaterializationRecord,
  RunEventsQuery,
  RunRecord,
  RunStatus,
  StoredEvent,
} from "./records";

export interface RunRow {
  readonly seq: number;
  readonly id: string;
  readonly status: string;
  readonly selection: string;
  readonly started_at: number;
  readonly finished_at: number | null;
  readonly pid: number;
  readonly pid_started_at: number | null;
  readonly hostname: string;
  /** Absent in a version-1 file. */
  readonly username?: string | null;
  readonly launched_by: string;
  readonly message: string | null;
  /** PostgreSQL only: when the owner's heartbeat expires, in this process's clock (abandoned.ts). */
  readonly heartbeat_deadline?: number | null;
}

/** Converts a runs row to its record; a run whose owner is gone reads as failed (abandoned.ts). */
export function runFromRow(row: RunRow): RunRecord {
  const abandoned = isAbandoned({ ...row, heartbeatDeadline: row.heartbeat_deadline });
  return {
    id: row.id,
    status: abandoned ? "FAILURE" : (row.status as RunStatus),
    selection: row.selection,
    launchedBy: row.launched_by as LaunchedBy,
    pid: row.pid,
    hostname: row.hostname,
    user: row.username ?? undefined,
    startedAt: row.started_at,
    finishedAt: row.finished_at ?? undefined,
    message: abandoned
      ? `${abandonedRunMessage(row.pid)} (recorded by the next materialize)`
      : (row.message ?? undefined),
    abandoned,
  };
}

const EVENTS_OF_RUN = "SELECT * FROM events WHERE run_seq = (SELECT seq FROM runs WHERE id = @run) AND id > @after";

export class Reader {
  private readonly runIds: RunIds;
  private readonly latest: LatestStates;
  private readonly run: Database.Statement<[string], RunRow>;
  private readonly runs: Database.Statement<[number], RunRow>;
  private readonly events: Database.Statement<[{ run: string; after: number; limit: number }], EventRow>;
  private readonly eventsOfTypes: Database.Statement<
    [{ run: string; after: number; types: string; limit: number }],
    EventRow
  >;
  private readonly materialization: Database.Statement<[string], EventRow>;
  private readonly eventsOfAsset: Database.Statement<
    [{ key: string; floor: number; types: string; limit: number }],
    EventRow
  >;
  private readonly maxId: Database.Statement<[], number | null>;

  constructor(db: Database.Database) {
    this.runIds = new RunIds(db);
    this.latest = new LatestStates(db, this.runIds);
    this.run = db.prepare("SELECT * FROM runs WHERE id = ?");
    // seq order is commit order: "most recent first" even when clocks disagree between processes.
    this.runs = db.prepare("SELECT * FROM runs ORDER BY seq DESC LIMIT ?");
    this.events = db.prepare(`${EVENTS_OF_RUN} ORDER BY id LIMIT @limit`);
    this.eventsOfTypes = db.prepare(
      `${EVENTS_OF_RUN} AND type IN (SELECT value FROM json_each(@types)) ORDER BY id LIMIT @limit`,
    );
    this.materialization = db.prepare(
      "SELECT e.* FROM asset_latest a JOIN events e ON e.id = a.last_materialization_event_id WHERE a.asset_key = ?",
    );
    // A backward walk of the rowid from the newest event: events carry no asset index (one index
    // keeps the insert path fast), so the walk is bounded by `floor` instead.
    this.eventsOfAsset = db.prepare(
      "SELECT * FROM events WHERE id > @floor AND asset_key = @key AND type IN (SELECT value FROM json_each(@types)) ORDER BY id DESC LIMIT @limit",
    );
    this.maxId = db.prepare<[], number | null>("SELECT max(id) FROM events").pluck();
  }

  /** The run with this id, or undefined. */
  getRun(id: string): RunRecord | undefined {
    const row = this.run.get(id);
    return row && runFromRow(row);
  }

  /** Runs, most recent first. */
  listRuns(limit: number): RunRecord[] {
    return this.runs.all(limit).map(runFromRow);
  }

  /** A run's events, oldest first. */
  runEvents(runId: string, query: RunEventsQuery): StoredEvent[] {
    const after = query.afterEventId ?? 0;
    const limit = query.limit ?? -1; // SQLite: a negative LIMIT means no limit
    const rows =
      query.types === undefined
        ? this.events.all({ run: runId, after, limit })
        : this.eventsOfTypes.all({ run: runId, after, types: JSON.stringify(query.types), limit });
    return rows.map((row) => decodeEvent(row, runId));
  }

  /** The asset's events among the newest `query.window` events of the log, newest first. */
  assetEvents(key: string, query: AssetEventsQuery): { events: StoredEvent[]; complete: boolean } {
    const floor = Math.max(0, this.lastEventId() - query.window);
    const rows = this.eventsOfAsset.all({ key, floor, types: JSON.stringify(query.types), limit: query.limit });
    const events = rows.map((row) => decodeEvent(row, this.runIds.id(row.run_seq)));
    return { events, complete: floor === 0 || rows.length === query.limit };
  }

  /** The asset's latest materialization. */
  latestMaterialization(key: string): MaterializationRecord | undefined {
    const row = this.materialization.get(key);
    return row && materializationFromRow(row.id, this.runIds.id(row.run_seq), row.ts, key, row.payload);
  }

  /** Latest state per asset that has any history (all, or only `keys`). */
  latestState(keys: readonly string[] | undefined): Map<string, AssetLatestState> {
    return this.latest.get(keys);
  }

  /** Latest state of every asset with history, as the store's own cache (see LatestStates.current). */
  currentLatestStates(): ReadonlyMap<string, AssetLatestState> {
    return this.latest.current();
  }

  /** The keys the latest-state cache replaced since `revision`. */
  latestChangesSince(revision: number | undefined): ChangesSince {
    return this.latest.changesSince(revision);
  }

  /** True when a run in progress at the last latestState() has lost its owning process since. */
  runOwnerGone(): boolean {
    return this.latest.ownerGone();
  }

  /** The newest event id, 0 when the log is empty (max() on the rowid is one b-tree seek). */
  lastEventId(): number {
    return this.maxId.get() ?? 0;
  }
}
