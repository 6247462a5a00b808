/**
 * "Latest state per asset", served from the derived tables and kept in memory between calls.
 *
 * Why a cache: the language server asks for the state of every asset after each change it
 * sees (it polls lastEventId()). Rebuilding 10,000 records from SQLite each time costs tens of
 * milliseconds, almost all of it in creating JS values; refreshing only the assets whose ids
 * moved past the last id seen costs a scan of integers in SQLite plus the few changed rows.
 * It is correct because the log is append-only and the derived tables only ever move forward.
 */
import type Database from "better-sqlite3";
import { checkFromRow, failureFromRow, materializationFromRow } from "./codec";
import { abandonedStepMessage, isAbandoned, type RunOwner } from "./abandoned";
import type { AssetLatestState, CheckEvaluationRecord, FailureRecord } from "./records";

/**
 * [key, mat id, run seq, ts, payload, fail id, run seq, ts, message, payload, attempt id, run seq, ts,
 *  the attempt's run: status, pid, pid start, host]
 */
type AssetRow = [
  string,
  number | null,
  number | null,
  number | null,
  string | null,
  number | null,
  number | null,
  number | null,
  string | null,
  string | null,
  number | null,
  number | null,
  number | null,
  string | null,
  number | null,
  number | null,
  string | null,
];
/** [key, check name, event id, run seq, ts, passed, message, payload] */
type CheckRow = [string, string, number, number, number, number, string | null, string | null];

const ASSETS = `
  SELECT a.asset_key,
         m.id, m.run_seq, m.ts, m.payload,
         f.id, f.run_seq, f.ts, f.message, f.payload,
         s.id, s.run_seq, s.ts,
         r.status, r.pid, r.pid_started_at, r.hostname
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
export class RunIds {
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

function compareChecks(a: CheckEvaluationRecord, b: CheckEvaluationRecord): number {
  return a.checkName < b.checkName ? -1 : a.checkName > b.checkName ? 1 : 0;
}

/** The previous checks with newer evaluations replacing same-named ones, sorted by name. */
function mergeChecks(
  previous: readonly CheckEvaluationRecord[] | undefined,
  changed: CheckEvaluationRecord[] | undefined,
): readonly CheckEvaluationRecord[] {
  if (changed === undefined) return previous ?? [];
  let checks = changed;
  if (previous !== undefined && previous.length > 0) {
    const byName = new Map(previous.map((c) => [c.checkName, c]));
    for (const record of changed) byName.set(record.checkName, record);
    checks = [...byName.values()];
  }
  if (checks.length > 1) checks.sort(compareChecks);
  return checks;
}

export class LatestStates {
  private readonly cache = new Map<string, AssetLatestState>();
  /** Cached assets whose last attempt is still open in a STARTED run, with that run's owner. */
  private readonly inProgress = new Map<string, RunOwner>();
  /** Every change up to this event id is reflected in `cache`; undefined until the first load. */
  private seen: number | undefined;
  private readonly read: Database.Transaction<(fn: () => unknown) => unknown>;
  private readonly maxId: Database.Statement<[], number | null>;
  private readonly assetsAll: Database.Statement<[], AssetRow>;
  private readonly assetsChanged: Database.Statement<[{ after: number }], AssetRow>;
  private readonly assetsOf: Database.Statement<[{ keys: string }], AssetRow>;
  private readonly checksAll: Database.Statement<[], CheckRow>;
  private readonly checksChanged: Database.Statement<[{ after: number }], CheckRow>;
  private readonly checksOf: Database.Statement<[{ keys: string }], CheckRow>;

  constructor(
    db: Database.Database,
    private readonly runs: RunIds,
  ) {
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

  /** Latest state of every asset with history, or of `keys` (absent when without history). */
  get(keys: readonly string[] | undefined): Map<string, AssetLatestState> {
    if (this.seen === undefined && keys !== undefined) {
      // A one-off question about a few assets (the CLI) should not pay for loading them all.
      const filter = { keys: JSON.stringify(keys) };
      return this.read(() => this.build(this.assetsOf.all(filter), this.checksOf.all(filter), new Map())) as Map<
        string,
        AssetLatestState
      >;
    }
    this.read(() => {
      this.refresh();
      // An owner that died since: no event says so, so re-read those assets (now failed).
      const orphaned = [...this.inProgress].filter(([, owner]) => isAbandoned(owner)).map(([key]) => key);
      if (orphaned.length > 0) {
        const filter = { keys: JSON.stringify(orphaned) };
        this.build(this.assetsOf.all(filter), [], this.cache);
      }
    });
    if (keys === undefined) return new Map(this.cache);
    const result = new Map<string, AssetLatestState>();
    for (const key of keys) {
      const state = this.cache.get(key);
      if (state !== undefined) result.set(key, state);
    }
    return result;
  }

  /** True when the owner of a run still in progress (as last read) has gone: get() would now say failed. */
  ownerGone(): boolean {
    for (const owner of this.inProgress.values()) if (isAbandoned(owner)) return true;
    return false;
  }

  /** Brings the cache up to the newest committed event; call inside `read`. */
  private refresh(): void {
    const last = this.maxId.get() ?? 0;
    if (this.seen === last) return;
    if (this.seen === undefined) {
      this.build(this.assetsAll.all(), this.checksAll.all(), this.cache);
    } else {
      const after = { after: this.seen };
      this.build(this.assetsChanged.all(after), this.checksChanged.all(after), this.cache);
    }
    this.seen = last;
  }

  /**
   * For an asset whose last attempt started after its last materialization and failure and
   * never ended: the failure recovery will record if that run's owner is gone, else undefined
   * (and, for the cache, the owner is remembered so that its death is noticed).
   */
  private openAttemptFailure(r: AssetRow, cached: boolean): FailureRecord | undefined {
    const attempt = r[10];
    if (attempt === null || r[13] !== "STARTED" || attempt <= (r[1] ?? 0)) return undefined;
    const owner: RunOwner = { status: r[13], pid: r[14] as number, pid_started_at: r[15], hostname: r[16] as string };
    if (!isAbandoned(owner)) {
      if (cached) this.inProgress.set(r[0], owner);
      return undefined;
    }
    return {
      eventId: attempt,
      runId: this.runs.id(r[11] as number),
      assetKey: r[0],
      timestamp: r[12] as number,
      message: abandonedStepMessage(owner.pid),
      error: undefined,
    };
  }

  /** Merges asset and check rows into `into` (new records; existing ones are never mutated). */
  private build(
    assetRows: AssetRow[],
    checkRows: CheckRow[],
    into: Map<string, AssetLatestState>,
  ): Map<string, AssetLatestState> {
    // Checks first, so each asset's record is created once, with its checks.
    const changedChecks = new Map<string, CheckEvaluationRecord[]>();
    for (const c of checkRows) {
      const record = checkFromRow(c[2], this.runs.id(c[3]), c[4], c[0], c[1], c[5] === 1, c[6], c[7]);
      const list = changedChecks.get(c[0]);
      if (list === undefined) changedChecks.set(c[0], [record]);
      else list.push(record);
    }
    for (const r of assetRows) {
      const key = r[0];
      const previous = into.get(key);
      if (into === this.cache) this.inProgress.delete(key);
      into.set(key, {
        key,
        materialization:
          r[1] === null
            ? undefined
            : materializationFromRow(r[1], this.runs.id(r[2] as number), r[3] as number, key, r[4]),
        failure:
          r[5] === null
            ? this.openAttemptFailure(r, into === this.cache)
            : failureFromRow(r[5], this.runs.id(r[6] as number), r[7] as number, key, r[8], r[9]),
        lastAttempt:
          r[10] === null
            ? undefined
            : { eventId: r[10], runId: this.runs.id(r[11] as number), timestamp: r[12] as number },
        checks: mergeChecks(previous?.checks, changedChecks.get(key)),
      });
      changedChecks.delete(key);
    }
    // Assets whose checks changed but whose own row did not.
    for (const [key, records] of changedChecks) {
      const previous = into.get(key);
      const checks = mergeChecks(previous?.checks, records);
      into.set(
        key,
        previous === undefined
          ? { key, materialization: undefined, failure: undefined, lastAttempt: undefined, checks }
          : { ...previous, checks },
      );
    }
    return into;
  }
}
