/**
 * The write path: every write is one BEGIN IMMEDIATE transaction (taking the write lock up
 * front, so SQLite can wait on busy_timeout instead of failing a deferred upgrade), retried on
 * BUSY, and keeps the derived "latest" tables in step with the events it inserts.
 */
import type Database from "better-sqlite3";
import { hostname } from "node:os";
import { encodeEvent, type EncodedEvent } from "./codec";
import { retryBusy } from "./connection";
import { derivedUpdates, TERMINAL_EVENT } from "./derived";
import { translated } from "./sqliteErrors";
import { UnknownRunError } from "./errors";
import { currentUser, newRunId, processStartTime } from "./processInfo";
import type { CreateRunInput, EventInput, RunStatus, TerminalRunStatus } from "./records";

export class Writer {
  private readonly tx: Database.Transaction<(fn: () => unknown) => unknown>;
  private readonly insertEvent: Database.Statement;
  private readonly upsertAsset: Database.Statement;
  private readonly upsertCheck: Database.Statement;
  private readonly runInfo: Database.Statement<[string], { seq: number; status: RunStatus }>;
  private readonly insertRun: Database.Statement;
  private readonly endRun: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly dbPath: string,
    private readonly now: () => number,
  ) {
    this.tx = db.transaction((fn: () => unknown) => fn());
    this.insertEvent = db.prepare(
      "INSERT INTO events (run_seq, ts, type, asset_key, check_name, message, payload) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    // Overwrites are correct: ids only grow, and writers are serialised by the write lock.
    // coalesce keeps the columns this transaction did not touch; all-null inserts the row, so a
    // check evaluated before its asset was ever built still shows up in latestState().
    this.upsertAsset = db.prepare(
      `INSERT INTO asset_latest (asset_key, last_materialization_event_id, last_failure_event_id, last_attempt_event_id)
       VALUES (?, ?, ?, ?)
       ON CONFLICT (asset_key) DO UPDATE SET
         last_materialization_event_id = coalesce(excluded.last_materialization_event_id, last_materialization_event_id),
         last_failure_event_id = coalesce(excluded.last_failure_event_id, last_failure_event_id),
         last_attempt_event_id = coalesce(excluded.last_attempt_event_id, last_attempt_event_id)`,
    );
    this.upsertCheck = db.prepare(
      `INSERT INTO check_latest (asset_key, check_name, event_id, passed) VALUES (?, ?, ?, ?)
       ON CONFLICT (asset_key, check_name) DO UPDATE SET event_id = excluded.event_id, passed = excluded.passed`,
    );
    this.runInfo = db.prepare("SELECT seq, status FROM runs WHERE id = ?");
    this.insertRun = db.prepare(
      `INSERT INTO runs (id, status, selection, started_at, pid, pid_started_at, hostname, username, launched_by)
       VALUES (?, 'STARTED', ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.endRun = db.prepare(
      "UPDATE runs SET status = ?, finished_at = ?, message = ? WHERE seq = ? AND status = 'STARTED'",
    );
  }

  /** Runs `fn` in one immediate write transaction, retried while the file is busy. */
  write<T>(fn: () => T): T {
    return translated(this.dbPath, "write", () => retryBusy(this.dbPath, () => this.tx.immediate(fn) as T));
  }

  /** Inserts the run row and its RUN_STARTED event; returns the new run id. */
  createRun(input: CreateRunInput): string {
    const pid = input.pid ?? process.pid;
    const pidStartedAt = processStartTime(pid) ?? null;
    const host = hostname();
    const user = input.user ?? currentUser();
    return this.write(() => {
      const startedAt = this.now();
      const id = input.id ?? newRunId(startedAt);
      const seq = Number(
        this.insertRun.run(id, input.selection, startedAt, pid, pidStartedAt, host, user, input.launchedBy)
          .lastInsertRowid,
      );
      this.insertEncoded(seq, [encodeEvent({ type: "RUN_STARTED", ts: startedAt })]);
      return id;
    });
  }

  /** Appends events to an existing run in one transaction; returns their ids. */
  append(runId: string, events: readonly EventInput[]): number[] {
    // Encode (and validate) before taking the lock: a bad event must not abort half a batch.
    const encoded = events.map(encodeEvent);
    return this.write(() => {
      const run = this.runInfo.get(runId);
      if (run === undefined) throw new UnknownRunError(runId);
      return this.insertEncoded(run.seq, encoded);
    });
  }

  /** Ends a STARTED run with its terminal event; false when it had already ended. */
  finish(runId: string, status: TerminalRunStatus, message: string | undefined): boolean {
    return this.write(() => {
      const run = this.runInfo.get(runId);
      if (run === undefined) throw new UnknownRunError(runId);
      if (run.status !== "STARTED") return false;
      this.insertEncoded(run.seq, [encodeEvent({ type: TERMINAL_EVENT[status], message } as EventInput)]);
      return true;
    });
  }

  /** Inserts already-encoded events and updates the derived tables; call inside write(). */
  insertEncoded(runSeq: number, events: readonly EncodedEvent[]): number[] {
    const ids: number[] = new Array(events.length);
    const fallbackTs = this.now();
    for (let i = 0; i < events.length; i += 1) {
      const e = events[i];
      ids[i] = Number(
        this.insertEvent.run(runSeq, e.ts ?? fallbackTs, e.type, e.assetKey, e.checkName, e.message, e.payload)
          .lastInsertRowid,
      );
    }
    const { assets, checks, terminal } = derivedUpdates(events, ids, fallbackTs);
    // Keeps the runs row in step even when a terminal event arrives through appendEvents.
    if (terminal !== undefined) this.endRun.run(terminal.status, terminal.ts, terminal.message, runSeq);
    for (const [key, [materialization, failure, attempt]] of assets) {
      this.upsertAsset.run(key, materialization, failure, attempt);
    }
    for (const [key, byName] of checks) {
      for (const [name, [id, passed]] of byName) this.upsertCheck.run(key, name, id, passed ? 1 : 0);
    }
    return ids;
  }
}
