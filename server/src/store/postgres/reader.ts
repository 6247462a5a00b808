/**
 * The PostgreSQL read path: the same questions as the SQLite Reader and LatestStates, asked
 * with `= ANY($1)` where SQLite binds a JSON array. Latest state shares its cache and record
 * building with SQLite (latestCache.ts); each refresh reads the id watermark and the changed
 * rows in one REPEATABLE READ snapshot, so they agree as SQLite's pinned WAL snapshot does.
 */
import type pg from "pg";
import { decodeEvent, materializationFromRow, type EventRow } from "../codec";
import { type AssetRow, type CheckRow, LatestCache, type RunIdLookup, runSeqsOf } from "../latestCache";
import { runFromRow, type RunRow } from "../queries";
import { withClient } from "./connection";
import { fromPg, toPg } from "./text";
import type {
  AssetEventsQuery,
  AssetLatestState,
  MaterializationRecord,
  RunEventsQuery,
  RunRecord,
  StoredEvent,
} from "../records";

/**
 * The owner's heartbeat deadline in this process's clock: the server says how old the heartbeat
 * is (its own clock on both ends), so machines whose clocks disagree still agree on expiry.
 */
const DEADLINE = (expiryMs: number) =>
  `CASE WHEN r.status = 'STARTED'
        THEN ${expiryMs} - extract(epoch FROM (clock_timestamp() - r.heartbeat_at)) * 1000 END`;

const ASSETS = (expiryMs: number) => `
  SELECT a.asset_key,
         m.id, m.run_seq, m.ts, m.payload,
         f.id, f.run_seq, f.ts, f.message, f.payload,
         s.id, s.run_seq, s.ts,
         r.status, r.pid, r.pid_started_at, r.hostname, ${DEADLINE(expiryMs)}
  FROM asset_latest a
  LEFT JOIN events m ON m.id = a.last_materialization_event_id
  LEFT JOIN events f ON f.id = a.last_failure_event_id
                    AND a.last_failure_event_id > coalesce(a.last_materialization_event_id, 0)
  LEFT JOIN events s ON s.id = a.last_attempt_event_id
  LEFT JOIN runs r ON r.seq = s.run_seq`;
const CHECKS = `
  SELECT c.asset_key, c.check_name, e.id, e.run_seq, e.ts, c.passed, e.message, e.payload
  FROM check_latest c JOIN events e ON e.id = c.event_id`;
const CHANGED = "a.last_materialization_event_id > $1 OR a.last_failure_event_id > $1 OR a.last_attempt_event_id > $1";

/** Run ids by seq, loaded in batches before the synchronous record building needs them. */
class PgRunIds implements RunIdLookup {
  private readonly ids = new Map<number, string>();

  async load(client: pg.PoolClient, seqs: Iterable<number>): Promise<void> {
    const missing = [...seqs].filter((seq) => !this.ids.has(seq));
    if (missing.length === 0) return;
    const found = await client.query<{ seq: number; id: string }>("SELECT seq, id FROM runs WHERE seq = ANY($1)", [
      missing,
    ]);
    for (const row of found.rows) this.ids.set(row.seq, row.id);
  }

  id(seq: number): string {
    return this.ids.get(seq) ?? `#${seq}`;
  }
}

export class PgReader {
  private readonly runIds = new PgRunIds();
  private readonly latest = new LatestCache(this.runIds);
  private readonly assets: string;
  private readonly runColumns: string;

  constructor(
    private readonly pool: pg.Pool,
    expiryMs: number,
  ) {
    this.assets = ASSETS(expiryMs);
    this.runColumns = `r.*, ${DEADLINE(expiryMs)} AS heartbeat_age_left`;
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const found = await this.pool.query<RunRow & { heartbeat_age_left: number | null }>(
      `SELECT ${this.runColumns} FROM runs r WHERE r.id = $1`,
      [id],
    );
    return found.rows[0] && fromRow(found.rows[0]);
  }

  async listRuns(limit: number): Promise<RunRecord[]> {
    const found = await this.pool.query<RunRow & { heartbeat_age_left: number | null }>(
      `SELECT ${this.runColumns} FROM runs r ORDER BY r.seq DESC LIMIT $1`,
      [limit],
    );
    return found.rows.map(fromRow);
  }

  async runEvents(runId: string, query: RunEventsQuery): Promise<StoredEvent[]> {
    const found = await this.pool.query<EventRow>(
      `SELECT * FROM events
       WHERE run_seq = (SELECT seq FROM runs WHERE id = $1) AND id > $2
         AND ($3::text[] IS NULL OR type = ANY($3))
       ORDER BY id LIMIT $4`,
      [runId, query.afterEventId ?? 0, query.types ?? null, query.limit ?? null],
    );
    return found.rows.map((row) => decodeEvent(eventFromPg(row), runId));
  }

  /** As the SQLite reader's: the newest `query.window` events searched, newest first. */
  async assetEvents(key: string, query: AssetEventsQuery): Promise<{ events: StoredEvent[]; complete: boolean }> {
    const floor = Math.max(0, (await this.lastEventId()) - query.window);
    const found = await this.pool.query<EventRow & { run_id: string }>(
      `SELECT e.*, r.id AS run_id FROM events e JOIN runs r ON r.seq = e.run_seq
       WHERE e.id > $1 AND e.asset_key = $2 AND e.type = ANY($3)
       ORDER BY e.id DESC LIMIT $4`,
      [floor, toPg(key), query.types, query.limit],
    );
    const events = found.rows.map((row) => decodeEvent(eventFromPg(row), row.run_id));
    return { events, complete: floor === 0 || found.rows.length === query.limit };
  }

  async latestMaterialization(key: string): Promise<MaterializationRecord | undefined> {
    const found = await this.pool.query<EventRow & { run_id: string }>(
      `SELECT e.*, r.id AS run_id FROM asset_latest a
       JOIN events e ON e.id = a.last_materialization_event_id
       JOIN runs r ON r.seq = e.run_seq
       WHERE a.asset_key = $1`,
      [toPg(key)],
    );
    const row = found.rows[0];
    return row && materializationFromRow(row.id, row.run_id, row.ts, key, row.payload);
  }

  async lastEventId(): Promise<number> {
    const found = await this.pool.query<{ max: number | null }>("SELECT max(id) AS max FROM events");
    return found.rows[0]?.max ?? 0;
  }

  runOwnerGone(): boolean {
    return this.latest.ownerGone();
  }

  async latestState(keys: readonly string[] | undefined): Promise<Map<string, AssetLatestState>> {
    const latest = this.latest;
    return this.snapshot(async (client) => {
      if (latest.seen === undefined && keys !== undefined) {
        // A one-off question about a few assets (the CLI) should not pay for loading them all.
        const [assets, checks] = await this.rows(client, "a.asset_key = ANY($1)", "c.asset_key = ANY($1)", [
          keys.map(toPg),
        ]);
        return latest.build(assets, checks, new Map());
      }
      const last = (await client.query<{ max: number | null }>("SELECT max(id) AS max FROM events")).rows[0]?.max ?? 0;
      if (latest.seen !== last) {
        const [assets, checks] =
          latest.seen === undefined
            ? await this.rows(client, undefined, undefined, [])
            : await this.rows(client, CHANGED, "c.event_id > $1", [latest.seen]);
        latest.build(assets, checks, latest.cache);
        latest.seen = last;
      }
      // An owner that died since: no event says so, so re-read those assets (now failed).
      const orphaned = latest.orphaned();
      if (orphaned.length > 0) {
        const [assets] = await this.rows(client, "a.asset_key = ANY($1)", null, [orphaned.map(toPg)]);
        latest.build(assets, [], latest.cache);
      }
      return latest.select(keys);
    });
  }

  private async rows(
    client: pg.PoolClient,
    assetWhere: string | undefined,
    /** Undefined: every check; null: none. */
    checkWhere: string | undefined | null,
    params: unknown[],
  ): Promise<[AssetRow[], CheckRow[]]> {
    const assets = await client.query<AssetRow>({
      text: assetWhere === undefined ? this.assets : `${this.assets} WHERE ${assetWhere}`,
      values: params,
      rowMode: "array",
    });
    const checks =
      checkWhere === null
        ? { rows: [] }
        : await client.query<CheckRow>({
            text: checkWhere === undefined ? CHECKS : `${CHECKS} WHERE ${checkWhere}`,
            values: params,
            rowMode: "array",
          });
    const now = Date.now();
    for (const row of assets.rows) {
      row[0] = fromPg(row[0]);
      row[8] = fromPg(row[8]);
      row[16] = fromPg(row[16]);
      // The deadline column arrives as milliseconds left; the cache wants a local-clock instant.
      if (row[17] !== null) row[17] = now + row[17];
    }
    for (const row of checks.rows) {
      row[0] = fromPg(row[0]);
      row[1] = fromPg(row[1]);
      row[6] = fromPg(row[6]);
    }
    await this.runIds.load(client, runSeqsOf(assets.rows, checks.rows));
    return [assets.rows, checks.rows];
  }

  private async snapshot<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return withClient(this.pool, async (client) => {
      await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      try {
        return await fn(client);
      } finally {
        // Read only: ending it either way is the same, and what was read stays good.
        await client.query("COMMIT").catch(() => undefined);
      }
    });
  }
}

function fromRow(row: RunRow & { heartbeat_age_left: number | null }): RunRecord {
  const deadline = row.heartbeat_age_left === null ? null : Date.now() + row.heartbeat_age_left;
  return runFromRow({
    ...row,
    selection: fromPg(row.selection),
    hostname: fromPg(row.hostname),
    username: fromPg(row.username ?? null),
    message: fromPg(row.message),
    heartbeat_deadline: deadline,
  });
}

function eventFromPg(row: EventRow): EventRow {
  return { ...row, asset_key: fromPg(row.asset_key), check_name: fromPg(row.check_name), message: fromPg(row.message) };
}
