/**
 * The PostgreSQL write path. Every write is one transaction that first takes the history's
 * advisory write lock: ids are drawn from the sequence and committed in lock order, so "newer"
 * is "greater id" for every reader, exactly as with SQLite's single writer, and a reader that
 * refreshed up to id N can never later see a smaller id appear (no lost event for the
 * incremental latest-state cache). The derived tables are updated in the same transaction, and
 * a NOTIFY tells listening editors at commit.
 */
import type pg from "pg";
import { hostname } from "node:os";
import { encodeEvent, type EncodedEvent } from "../codec";
import { derivedUpdates, TERMINAL_EVENT } from "../derived";
import { UnknownRunError } from "../errors";
import { currentUser, newRunId, processStartTime } from "../processInfo";
import type { CreateRunInput, EventInput, RunStatus, TerminalRunStatus } from "../records";
import { CHANNEL, LOCK_CLASS, WRITE_LOCK } from "./schema";
import { inTransaction } from "./connection";
import { toPg } from "./text";

const BEGIN_LOCKED = `BEGIN; SELECT pg_advisory_xact_lock(${LOCK_CLASS}, ${WRITE_LOCK})`;
const NOTIFY_COMMIT = `SELECT pg_notify('${CHANNEL}', ''); COMMIT`;

export class PgWriter {
  constructor(
    private readonly pool: pg.Pool,
    private readonly now: () => number,
  ) {}

  /**
   * Runs `fn` in one transaction holding the write lock; notifies listeners when it commits,
   * unless `wrote` says nothing of theirs changed (a worker's claim that found the queue empty).
   */
  async write<T>(fn: (client: pg.PoolClient) => Promise<T>, wrote: () => boolean = () => true): Promise<T> {
    // One round trip each for the opening and the closing pair: the constants need no parameters.
    return inTransaction(this.pool, fn, { begin: BEGIN_LOCKED, commit: () => (wrote() ? NOTIFY_COMMIT : "COMMIT") });
  }

  /** Inserts the run row and its RUN_STARTED event; returns the new run id. */
  async createRun(input: CreateRunInput): Promise<string> {
    const pid = input.pid ?? process.pid;
    const pidStartedAt = processStartTime(pid) ?? null;
    const user = input.user ?? currentUser();
    return this.write(async (client) => {
      const startedAt = this.now();
      const id = input.id ?? newRunId(startedAt);
      const inserted = await client.query<{ seq: number }>(
        `INSERT INTO runs (id, status, selection, started_at, pid, pid_started_at, hostname, username, launched_by)
         VALUES ($1, 'STARTED', $2, $3, $4, $5, $6, $7, $8) RETURNING seq`,
        [id, toPg(input.selection), startedAt, pid, pidStartedAt, toPg(hostname()), toPg(user), input.launchedBy],
      );
      await this.insertEncoded(client, inserted.rows[0].seq, [encodeEvent({ type: "RUN_STARTED", ts: startedAt })]);
      return id;
    });
  }

  /** Appends events to an existing run in one transaction; returns their ids. */
  async append(runId: string, events: readonly EventInput[]): Promise<number[]> {
    const encoded = events.map(encodeEvent);
    return this.write(async (client) => {
      const run = await runInfo(client, runId);
      return this.insertEncoded(client, run.seq, encoded);
    });
  }

  /** Ends a STARTED run with its terminal event; false when it had already ended. */
  async finish(runId: string, status: TerminalRunStatus, message: string | undefined): Promise<boolean> {
    return this.write(async (client) => {
      const run = await runInfo(client, runId);
      if (run.status !== "STARTED") return false;
      await this.insertEncoded(client, run.seq, [encodeEvent({ type: TERMINAL_EVENT[status], message } as EventInput)]);
      return true;
    });
  }

  /** Inserts encoded events (one statement) and updates the derived tables; call inside write(). */
  async insertEncoded(client: pg.PoolClient, runSeq: number, events: readonly EncodedEvent[]): Promise<number[]> {
    if (events.length === 0) return [];
    const fallbackTs = this.now();
    // unnest keeps it one round trip and one plan whatever the batch size; ORDINALITY keeps the order.
    const inserted = await client.query<{ id: number }>(
      `INSERT INTO events (run_seq, ts, type, asset_key, check_name, message, payload)
       SELECT $1, e.ts, e.type, e.asset_key, e.check_name, e.message, e.payload
       FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
            WITH ORDINALITY AS e(ts, type, asset_key, check_name, message, payload, n)
       ORDER BY e.n
       RETURNING id`,
      [
        runSeq,
        events.map((e) => e.ts ?? fallbackTs),
        events.map((e) => e.type),
        events.map((e) => toPg(e.assetKey)),
        events.map((e) => toPg(e.checkName)),
        events.map((e) => toPg(e.message)),
        events.map((e) => e.payload),
      ],
    );
    // Ids come from one sequence under the lock, so sorting restores insertion order.
    const ids = inserted.rows.map((row) => row.id).sort((a, b) => a - b);
    const { assets, checks, terminal } = derivedUpdates(events, ids, fallbackTs);
    if (terminal !== undefined) {
      await client.query(
        "UPDATE runs SET status = $1, finished_at = $2, message = $3 WHERE seq = $4 AND status = 'STARTED'",
        [terminal.status, terminal.ts, toPg(terminal.message), runSeq],
      );
    }
    if (assets.size > 0) {
      const rows = [...assets];
      await client.query(
        `INSERT INTO asset_latest (asset_key, last_materialization_event_id, last_failure_event_id, last_attempt_event_id)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[])
         ON CONFLICT (asset_key) DO UPDATE SET
           last_materialization_event_id = coalesce(excluded.last_materialization_event_id, asset_latest.last_materialization_event_id),
           last_failure_event_id = coalesce(excluded.last_failure_event_id, asset_latest.last_failure_event_id),
           last_attempt_event_id = coalesce(excluded.last_attempt_event_id, asset_latest.last_attempt_event_id)`,
        [rows.map(([key]) => toPg(key)), ...[0, 1, 2].map((i) => rows.map(([, latest]) => latest[i]))],
      );
    }
    const checkRows = [...checks].flatMap(([key, byName]) =>
      [...byName].map(([name, [id, passed]]) => [key, name, id, passed ? 1 : 0] as const),
    );
    if (checkRows.length > 0) {
      await client.query(
        `INSERT INTO check_latest (asset_key, check_name, event_id, passed)
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::integer[])
         ON CONFLICT (asset_key, check_name) DO UPDATE SET event_id = excluded.event_id, passed = excluded.passed`,
        [
          checkRows.map((row) => toPg(row[0])),
          checkRows.map((row) => toPg(row[1])),
          checkRows.map((row) => row[2]),
          checkRows.map((row) => row[3]),
        ],
      );
    }
    return ids;
  }
}

/** The run's seq and status, locked for this transaction; throws for an unknown run. */
export async function runInfo(client: pg.PoolClient, runId: string): Promise<{ seq: number; status: RunStatus }> {
  const found = await client.query<{ seq: number; status: RunStatus }>("SELECT seq, status FROM runs WHERE id = $1", [
    runId,
  ]);
  if (found.rows.length === 0) throw new UnknownRunError(runId);
  return found.rows[0];
}
