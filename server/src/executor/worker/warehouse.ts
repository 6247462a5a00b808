/**
 * The warehouse connection handed to user code as `ctx.db`: one better-sqlite3 connection
 * per worker and path, opened on first use and kept for the worker's life, because opening
 * SQLite per step would dominate the cost of small assets.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type BetterSqlite3 from "better-sqlite3";

/** Several workers write the same warehouse in parallel: wait for the lock rather than fail. */
const BUSY_TIMEOUT_MS = 60_000;

const connections = new Map<string, BetterSqlite3.Database>();

/** The cached connection to the warehouse at `path`, creating the file and its directory when missing. */
export function openWarehouse(path: string): BetterSqlite3.Database {
  let db = connections.get(path);
  if (db?.open) return db;
  // Loaded lazily so that a worker that never touches a warehouse never loads the native module.
  const Database = require("better-sqlite3") as typeof BetterSqlite3;
  mkdirSync(dirname(path), { recursive: true });
  db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  // WAL lets checks and downstream assets read while another worker writes.
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  connections.set(path, db);
  return db;
}

/** Rolls back a transaction a finished step left open on this worker's connection. */
export function rollBackLeftoverTransaction(path: string): void {
  const db = connections.get(path);
  // A step that began a transaction and threw would otherwise hold the write lock forever
  // and make the next step on this worker see its half-done writes.
  if (db?.open && db.inTransaction) db.exec("ROLLBACK");
}
