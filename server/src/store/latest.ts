/**
 * "Latest state per asset", served from the derived tables and kept in memory between calls.
 *
 * Why a cache: the language server asks for the state of every asset after each change it
 * sees (it polls lastEventId()). Rebuilding 10,000 records from SQLite each time costs tens of
 * milliseconds, almost all of it in creating JS values; refreshing only the assets whose ids
 * moved past the last id seen costs a scan of integers in SQLite plus the few changed rows.
 * The records and the cache itself live in latestCache.ts, shared with PostgreSQL.
 */
import type Database from "better-sqlite3";
import type { ChangesSince } from "./changeLog";
import { type AssetRow, type CheckRow, LatestCache, type RunIdLookup } from "./latestCache";
import type { AssetLatestState } from "./records";

const ASSETS = `
  SELECT a.asset_key,
         m.id, m.run_seq, m.ts, m.payload,
         f.id, f.run_seq, f.ts, f.message, f.payload,
         s.id, s.run_seq, s.ts,
         r.status, r.pid, r.pid_started_at, r.hostname, NULL
  FROM asset_latest a
  LEFT JOIN events m ON m.id = a.last_materialization_event_id
  -- A failure older than the last materialization is history, not state.
  LEFT JOIN events f ON f.id = a.last_failure_event_id
                    AND a.last_failure_event_id > coalesce(a.last_materialization_event_id, 0)
  LEFT JOIN events s ON s.id = a.last_attempt_event_id
  LEFT JOIN runs r ON r.seq = s.run_seq`;
const CHECKS = `
  SELECT c.asset_key, c.check_name, e.id, e.run_seq, e.ts, c.passed, e.message, e.payload
  FROM check_latest c JOIN events e ON e.id = c.event_id`;
// json_each binds any number of keys as one parameter, so one prepared statement serves all.
const IN_KEYS = "IN (SELECT value FROM json_each(@keys))";
const CHANGED =
  "a.last_materialization_event_id > @after OR a.last_failure_event_id > @after OR a.last_attempt_event_id > @after";

/** Text run ids by integer seq; a seq's id never changes, so entries never go stale. */
export class RunIds implements RunIdLookup {
  private readonly ids = new Map<number, string>();
  private readonly lookup: Database.Statement<[number], string>;

  constructor(db: Database.Database) {
    this.lookup = db.prepare<[number], string>("SELECT id FROM runs WHERE seq = ?").pluck();
  }

  /** The text id of run `seq`. */
  id(seq: number): string {
    let id = this.ids.get(seq);
    if (id === undefined) {
      id = this.lookup.get(seq) ?? `#${seq}`;
      this.ids.set(seq, id);
    }
    return id;
  }
}

export class LatestStates {
  private readonly latest: LatestCache;
  private readonly read: Database.Transaction<(fn: () => unknown) => unknown>;
  private readonly maxId: Database.Statement<[], number | null>;
  private readonly assetsAll: Database.Statement<[], AssetRow>;
  private readonly assetsChanged: Database.Statement<[{ after: number }], AssetRow>;
  private readonly assetsOf: Database.Statement<[{ keys: string }], AssetRow>;
  private readonly checksAll: Database.Statement<[], CheckRow>;
  private readonly checksChanged: Database.Statement<[{ after: number }], CheckRow>;
  private readonly checksOf: Database.Statement<[{ keys: string }], CheckRow>;

  constructor(db: Database.Database, runs: RunIds) {
    this.latest = new LatestCache(runs);
    // A deferred transaction pins one WAL snapshot, so the id watermark and the rows agree.
    this.read = db.transaction((fn: () => unknown) => fn());
    this.maxId = db.prepare<[], number | null>("SELECT max(id) FROM events").pluck();
    const raw = <P extends unknown[], R>(sql: string) => db.prepare<P, R>(sql).raw(true);
    this.assetsAll = raw(ASSETS);
    this.assetsChanged = raw(`${ASSETS} WHERE ${CHANGED}`);
    this.assetsOf = raw(`${ASSETS} WHERE a.asset_key ${IN_KEYS}`);
    this.checksAll = raw(CHECKS);
    this.checksChanged = raw(`${CHECKS} WHERE c.event_id > @after`);
    this.checksOf = raw(`${CHECKS} WHERE c.asset_key ${IN_KEYS}`);
  }

  /**
   * Latest state of every asset with history, without copying: the cache itself, which the
   * next call of this or get() moves forward (records are replaced, never changed).
   */
  current(): ReadonlyMap<string, AssetLatestState> {
    this.catchUp();
    return this.latest.cache;
  }

  /** The keys current() replaced since `revision` (ChangeLog.since), as of the last read. */
  changesSince(revision: number | undefined): ChangesSince {
    return this.latest.changes.since(revision);
  }

  /** Latest state of every asset with history, or of `keys` (absent when without history). */
  get(keys: readonly string[] | undefined): Map<string, AssetLatestState> {
    const latest = this.latest;
    if (latest.seen === undefined && keys !== undefined) {
      // A one-off question about a few assets (the CLI) should not pay for loading them all.
      const filter = { keys: JSON.stringify(keys) };
      return this.read(() => latest.build(this.assetsOf.all(filter), this.checksOf.all(filter), new Map())) as Map<
        string,
        AssetLatestState
      >;
    }
    this.catchUp();
    return latest.select(keys);
  }

  /** Brings the cache up to date, in one read snapshot. */
  private catchUp(): void {
    const latest = this.latest;
    this.read(() => {
      this.refresh();
      // An owner that died since: no event says so, so re-read those assets (now failed).
      const orphaned = latest.orphaned();
      if (orphaned.length > 0) latest.build(this.assetsOf.all({ keys: JSON.stringify(orphaned) }), [], latest.cache);
    });
  }

  /** True when the owner of a run still in progress (as last read) has gone: get() would now say failed. */
  ownerGone(): boolean {
    return this.latest.ownerGone();
  }

  /** Brings the cache up to the newest committed event; call inside `read`. */
  private refresh(): void {
    const latest = this.latest;
    const last = this.maxId.get() ?? 0;
    if (latest.seen === last) return;
    if (latest.seen === undefined) {
      latest.build(this.assetsAll.all(), this.checksAll.all(), latest.cache);
    } else {
      const after = { after: latest.seen };
      latest.build(this.assetsChanged.all(after), this.checksChanged.all(after), latest.cache);
    }
    latest.seen = last;
  }
}
