/**
 * The read path. Everything "latest" goes through the derived tables and primary-key joins
 * into `events`, so cost grows with the number of assets asked about, not with history.
 */
import type Database from "better-sqlite3";
import { checkFromRow, decodeEvent, failureFromRow, materializationFromRow, type EventRow } from "./codec";
import type {
  AssetLatestState,
  AttemptRecord,
  CheckEvaluationRecord,
  LaunchedBy,
  MaterializationRecord,
  RunEventsQuery,
  RunRecord,
  RunStatus,
  StoredEvent,
} from "./records";

interface RunRow {
  readonly id: string;
  readonly status: string;
  readonly selection: string;
  readonly started_at: number;
  readonly finished_at: number | null;
  readonly pid: number;
  readonly pid_started_at: number | null;
  readonly hostname: string;
  readonly launched_by: string;
  readonly message: string | null;
}

/** Columns of one latestState() row: [key, mat id, run, ts, payload, fail id, run, ts, message, payload, attempt id, run, ts]. */
type LatestRow = [
  string,
  number | null, string | null, number | null, string | null,
  number | null, string | null, number | null, string | null, string | null,
  number | null, string | null, number | null,
];

const LATEST_SELECT = `
  SELECT a.asset_key,
         m.id, m.run_id, m.ts, m.payload,
         f.id, f.run_id, f.ts, f.message, f.payload,
         s.id, s.run_id, s.ts
  FROM asset_latest a
  LEFT JOIN events m ON m.id = a.last_materialization_event_id
  -- A failure older than the last materialization is history, not state.
  LEFT JOIN events f ON f.id = a.last_failure_event_id
                    AND a.last_failure_event_id > coalesce(a.last_materialization_event_id, 0)
  LEFT JOIN events s ON s.id = a.last_attempt_event_id`;
const CHECKS_SELECT = `
  SELECT e.* FROM check_latest c JOIN events e ON e.id = c.event_id`;
// json_each binds any number of keys as one parameter, so one prepared statement serves all.
const KEYS_FILTER = "(SELECT value FROM json_each(?))";

/** Converts a runs row to its record. */
export function runFromRow(row: RunRow): RunRecord {
  return {
    id: row.id,
    status: row.status as RunStatus,
    selection: row.selection,
    launchedBy: row.launched_by as LaunchedBy,
    pid: row.pid,
    hostname: row.hostname,
    startedAt: row.started_at,
    finishedAt: row.finished_at ?? undefined,
    message: row.message ?? undefined,
  };
}

export class Reader {
  private readonly run: Database.Statement<[string], RunRow>;
  private readonly runs: Database.Statement<[number], RunRow>;
  private readonly events: Database.Statement<[string, number, number], EventRow>;
  private readonly eventsOfTypes: Database.Statement<[string, number, string, number], EventRow>;
  private readonly materialization: Database.Statement<[string], EventRow>;
  private readonly latestAll: Database.Statement<[], LatestRow>;
  private readonly latestSome: Database.Statement<[string], LatestRow>;
  private readonly checksAll: Database.Statement<[], EventRow>;
  private readonly checksSome: Database.Statement<[string], EventRow>;
  private readonly maxId: Database.Statement<[], number | null>;

  constructor(db: Database.Database) {
    this.run = db.prepare("SELECT * FROM runs WHERE id = ?");
    // rowid order is commit order: "most recent first" even when clocks disagree between processes.
    this.runs = db.prepare("SELECT * FROM runs ORDER BY rowid DESC LIMIT ?");
    this.events = db.prepare("SELECT * FROM events WHERE run_id = ? AND id > ? ORDER BY id LIMIT ?");
    this.eventsOfTypes = db.prepare(
      `SELECT * FROM events WHERE run_id = ? AND id > ? AND type IN ${KEYS_FILTER} ORDER BY id LIMIT ?`,
    );
    this.materialization = db.prepare(
      "SELECT e.* FROM asset_latest a JOIN events e ON e.id = a.last_materialization_event_id WHERE a.asset_key = ?",
    );
    this.latestAll = db.prepare<[], LatestRow>(LATEST_SELECT).raw(true);
    this.latestSome = db.prepare<[string], LatestRow>(`${LATEST_SELECT} WHERE a.asset_key IN ${KEYS_FILTER}`).raw(true);
    this.checksAll = db.prepare(CHECKS_SELECT);
    this.checksSome = db.prepare(`${CHECKS_SELECT} WHERE c.asset_key IN ${KEYS_FILTER}`);
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
        ? this.events.all(runId, after, limit)
        : this.eventsOfTypes.all(runId, after, JSON.stringify(query.types), limit);
    return rows.map(decodeEvent);
  }

  /** The asset's latest materialization. */
  latestMaterialization(key: string): MaterializationRecord | undefined {
    const row = this.materialization.get(key);
    return row && materializationFromRow(row.id, row.run_id, row.ts, key, row.payload);
  }

  /** Latest state per asset that has any history (all, or only `keys`). */
  latestState(keys: readonly string[] | undefined): Map<string, AssetLatestState> {
    const filter = keys === undefined ? undefined : JSON.stringify(keys);
    const checkRows = filter === undefined ? this.checksAll.all() : this.checksSome.all(filter);
    const checksByAsset = new Map<string, CheckEvaluationRecord[]>();
    for (const row of checkRows) {
      const record = checkFromRow(row);
      const list = checksByAsset.get(record.assetKey);
      if (list === undefined) checksByAsset.set(record.assetKey, [record]);
      else list.push(record);
    }
    const rows = filter === undefined ? this.latestAll.all() : this.latestSome.all(filter);
    const result = new Map<string, AssetLatestState>();
    for (const r of rows) {
      const key = r[0];
      const checks = checksByAsset.get(key) ?? [];
      if (checks.length > 1) checks.sort((a, b) => (a.checkName < b.checkName ? -1 : a.checkName > b.checkName ? 1 : 0));
      const attempt: AttemptRecord | undefined =
        r[10] === null ? undefined : { eventId: r[10], runId: r[11] as string, timestamp: r[12] as number };
      result.set(key, {
        key,
        materialization: r[1] === null ? undefined : materializationFromRow(r[1], r[2] as string, r[3] as number, key, r[4]),
        failure: r[5] === null ? undefined : failureFromRow(r[5], r[6] as string, r[7] as number, key, r[8], r[9]),
        lastAttempt: attempt,
        checks,
      });
    }
    return result;
  }

  /** The newest event id, 0 when the log is empty (max() on the rowid is one b-tree seek). */
  lastEventId(): number {
    return this.maxId.get() ?? 0;
  }
}

export type { RunRow };
