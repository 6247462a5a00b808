/**
 * The in-memory side of "latest state per asset", shared by both backends: turning rows of the
 * derived tables into records, merging changed rows into a cache, and remembering which cached
 * assets wait on a run still in progress (whose owner may die without writing anything).
 *
 * It is correct to refresh only rows that moved past a watermark because the log is
 * append-only, ids grow in commit order (SQLite's single writer; PostgreSQL's writers take one
 * advisory lock, see postgres/writer.ts), and the derived tables only ever move forward.
 */
import { checkFromRow, failureFromRow, materializationFromRow } from "./codec";
import { abandonedStepMessage, isAbandoned, type RunOwner } from "./abandoned";
import { ChangeLog } from "./changeLog";
import type { AssetLatestState, CheckEvaluationRecord, FailureRecord } from "./records";

/**
 * [key, mat id, run seq, ts, payload, fail id, run seq, ts, message, payload, attempt id, run seq, ts,
 *  the attempt's run: status, pid, pid start, host, heartbeat deadline (local ms; PostgreSQL only)]
 */
export type AssetRow = [
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
  number | null,
];
/** [key, check name, event id, run seq, ts, passed, message, payload] */
export type CheckRow = [string, string, number, number, number, number, string | null, string | null];

/** Text run ids by integer seq (a seq's id never changes). */
export interface RunIdLookup {
  id(seq: number): string;
}

/** The run seqs rows refer to: a backend that resolves ids asynchronously loads these first. */
export function runSeqsOf(assetRows: readonly AssetRow[], checkRows: readonly CheckRow[]): Set<number> {
  const seqs = new Set<number>();
  for (const r of assetRows) for (const seq of [r[2], r[6], r[11]]) if (seq !== null) seqs.add(seq);
  for (const c of checkRows) seqs.add(c[3]);
  return seqs;
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

export class LatestCache {
  readonly cache = new Map<string, AssetLatestState>();
  /** Cached assets whose last attempt is still open in a STARTED run, with that run's owner. */
  private readonly inProgress = new Map<string, RunOwner>();
  /** Every change up to this event id is reflected in `cache`; undefined until the first load. */
  seen: number | undefined;
  /** The keys of `cache` each build replaced, for readers that only look at what changed. */
  readonly changes = new ChangeLog();

  constructor(private readonly runs: RunIdLookup) {}

  /** True when the owner of a run still in progress (as last read) has gone: a re-read would say failed. */
  ownerGone(): boolean {
    for (const owner of this.inProgress.values()) if (isAbandoned(owner)) return true;
    return false;
  }

  /** Cached assets whose run in progress has lost its owner since they were read. */
  orphaned(): string[] {
    return [...this.inProgress].filter(([, owner]) => isAbandoned(owner)).map(([key]) => key);
  }

  /** The cached states of `keys` (all when undefined); keys without history are absent. */
  select(keys: readonly string[] | undefined): Map<string, AssetLatestState> {
    if (keys === undefined) return new Map(this.cache);
    const result = new Map<string, AssetLatestState>();
    for (const key of keys) {
      const state = this.cache.get(key);
      if (state !== undefined) result.set(key, state);
    }
    return result;
  }

  /** Merges asset and check rows into `into` (new records; existing ones are never mutated). */
  build(
    assetRows: readonly AssetRow[],
    checkRows: readonly CheckRow[],
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
    if (into === this.cache) this.changes.note([...assetRows.map((r) => r[0]), ...changedChecks.keys()]);
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

  /**
   * For an asset whose last attempt started after its last materialization and failure and
   * never ended: the failure recovery will record if that run's owner is gone, else undefined
   * (and, for the cache, the owner is remembered so that its death is noticed).
   */
  private openAttemptFailure(r: AssetRow, cached: boolean): FailureRecord | undefined {
    const attempt = r[10];
    if (attempt === null || r[13] !== "STARTED" || attempt <= (r[1] ?? 0)) return undefined;
    const owner: RunOwner = {
      status: r[13],
      pid: r[14] as number,
      pid_started_at: r[15],
      hostname: r[16] as string,
      heartbeatDeadline: r[17],
    };
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
}
