/**
 * The write path: every write is one BEGIN IMMEDIATE transaction (taking the write lock up
 * front, so SQLite can wait on busy_timeout instead of failing a deferred upgrade), retried on
 * BUSY, and keeps the derived "latest" tables in step with the events it inserts.
 */
import type Database from "better-sqlite3";
import { hostname } from "node:os";
import { encodeEvent, type EncodedEvent } from "./codec";
import { retryBusy } from "./connection";
import { UnknownRunError } from "./errors";
import { newRunId, processStartTime } from "./process-info";
import type { CreateRunInput, EventInput, RunStatus, TerminalRunStatus } from "./records";

const TERMINAL_EVENT: Readonly<Record<TerminalRunStatus, "RUN_SUCCESS" | "RUN_FAILURE" | "RUN_CANCELED">> = {
  SUCCESS: "RUN_SUCCESS",
  FAILURE: "RUN_FAILURE",
  CANCELED: "RUN_CANCELED",
};
const STATUS_OF_EVENT: Readonly<Record<string, TerminalRunStatus>> = {
  RUN_SUCCESS: "SUCCESS",
  RUN_FAILURE: "FAILURE",
  RUN_CANCELED: "CANCELED",
};

export class Writer {
  private readonly tx: Database.Transaction<(fn: () => unknown) => unknown>;
  private readonly insertEvent: Database.Statement;
  private readonly setMaterialization: Database.Statement;
  private readonly setFailure: Database.Statement;
  private readonly setAttempt: Database.Statement;
  private readonly ensureAsset: Database.Statement;
  private readonly setCheck: Database.Statement;
  private readonly runStatus: Database.Statement;
  private readonly insertRun: Database.Statement;
  private readonly endRun: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly dbPath: string,
    private readonly now: () => number,
  ) {
    this.tx = db.transaction((fn: () => unknown) => fn());
    this.insertEvent = db.prepare(
      "INSERT INTO events (run_id, ts, type, asset_key, check_name, message, payload) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    // Plain overwrites are correct: ids only grow, and writers are serialised by the write lock.
    const upsert = (column: string) =>
      db.prepare(
        `INSERT INTO asset_latest (asset_key, ${column}) VALUES (?, ?)
         ON CONFLICT (asset_key) DO UPDATE SET ${column} = excluded.${column}`,
      );
    this.setMaterialization = upsert("last_materialization_event_id");
    this.setFailure = upsert("last_failure_event_id");
    this.setAttempt = upsert("last_attempt_event_id");
    // A check can be evaluated before its asset was ever built; the asset still gets a row so
    // latestState() (which walks asset_latest) reports the check.
    this.ensureAsset = db.prepare("INSERT INTO asset_latest (asset_key) VALUES (?) ON CONFLICT (asset_key) DO NOTHING");
    this.setCheck = db.prepare(
      `INSERT INTO check_latest (asset_key, check_name, event_id, passed) VALUES (?, ?, ?, ?)
       ON CONFLICT (asset_key, check_name) DO UPDATE SET event_id = excluded.event_id, passed = excluded.passed`,
    );
    this.runStatus = db.prepare("SELECT status FROM runs WHERE id = ?").pluck();
    this.insertRun = db.prepare(
      `INSERT INTO runs (id, status, selection, started_at, pid, pid_started_at, hostname, launched_by)
       VALUES (?, 'STARTED', ?, ?, ?, ?, ?, ?)`,
    );
    this.endRun = db.prepare(
      "UPDATE runs SET status = ?, finished_at = ?, message = ? WHERE id = ? AND status = 'STARTED'",
    );
  }

  /** Runs `fn` in one immediate write transaction, retried while the file is busy. */
  write<T>(fn: () => T): T {
    return retryBusy(this.dbPath, () => this.tx.immediate(fn) as T);
  }

  /** Inserts the run row and its RUN_STARTED event; returns the new run id. */
  createRun(input: CreateRunInput): string {
    const pid = input.pid ?? process.pid;
    const pidStartedAt = processStartTime(pid) ?? null;
    const host = hostname();
    return this.write(() => {
      const startedAt = this.now();
      const id = newRunId(startedAt);
      this.insertRun.run(id, input.selection, startedAt, pid, pidStartedAt, host, input.launchedBy);
      this.insertEncoded(id, [encodeEvent({ type: "RUN_STARTED", ts: startedAt })]);
      return id;
    });
  }

  /** Appends events to an existing run in one transaction; returns their ids. */
  append(runId: string, events: readonly EventInput[]): number[] {
    // Encode (and validate) before taking the lock: a bad event must not abort half a batch.
    const encoded = events.map(encodeEvent);
    return this.write(() => {
      if (this.runStatus.get(runId) === undefined) throw new UnknownRunError(runId);
      return this.insertEncoded(runId, encoded);
    });
  }

  /** Ends a STARTED run with its terminal event; false when it had already ended. */
  finish(runId: string, status: TerminalRunStatus, message: string | undefined): boolean {
    return this.write(() => {
      const current = this.runStatus.get(runId) as RunStatus | undefined;
      if (current === undefined) throw new UnknownRunError(runId);
      if (current !== "STARTED") return false;
      this.insertEncoded(runId, [encodeEvent({ type: TERMINAL_EVENT[status], message } as EventInput)]);
      return true;
    });
  }

  /** Inserts already-encoded events and updates the derived tables; call inside write(). */
  insertEncoded(runId: string, events: readonly EncodedEvent[]): number[] {
    const ids: number[] = new Array(events.length);
    const fallbackTs = this.now();
    for (let i = 0; i < events.length; i += 1) {
      const e = events[i];
      const ts = e.ts ?? fallbackTs;
      const id = Number(
        this.insertEvent.run(runId, ts, e.type, e.assetKey, e.checkName, e.message, e.payload).lastInsertRowid,
      );
      ids[i] = id;
      switch (e.type) {
        case "MATERIALIZATION":
          this.setMaterialization.run(e.assetKey, id);
          break;
        // Check steps (checkName set) say nothing about whether the asset itself was built.
        case "STEP_STARTED":
          if (e.checkName === null) this.setAttempt.run(e.assetKey, id);
          break;
        case "STEP_FAILURE":
          if (e.checkName === null) this.setFailure.run(e.assetKey, id);
          break;
        case "CHECK_EVALUATION": {
          this.ensureAsset.run(e.assetKey);
          this.setCheck.run(e.assetKey, e.checkName, id, e.passed ? 1 : 0);
          break;
        }
        case "RUN_SUCCESS":
        case "RUN_FAILURE":
        case "RUN_CANCELED":
          // Keeps the runs row in step even when a terminal event arrives through appendEvents.
          this.endRun.run(STATUS_OF_EVENT[e.type], ts, e.message, runId);
          break;
        default:
          break;
      }
    }
    return ids;
  }
}
