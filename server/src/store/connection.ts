/**
 * Opening the SQLite file with the settings that let the language server and the CLI share
 * it, and the bounded retry that keeps SQLITE_BUSY from ever reaching the user.
 */
import Database from "better-sqlite3";
import { existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { NoHistoryError, StoreBusyError } from "./errors";
import { copyForReading, needsPrivateCopy } from "./readonlyCopy";
import { translated } from "./sqliteErrors";

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/** How many times a write transaction is tried when SQLite still reports BUSY. */
const BUSY_ATTEMPTS = 5;
/** First back-off; doubles each attempt (50, 100, 200, 400 ms) on top of busy_timeout. */
const BUSY_BACKOFF_MS = 50;

export interface ConnectionOptions {
  readonly readonly: boolean;
  readonly busyTimeoutMs: number;
}

/** An open database, and what closing it must release. */
export interface Connection {
  readonly db: Database.Database;
  /** True when `db` is a private copy of the history (see readonlyCopy.ts): it never sees later writes. */
  readonly isCopy: boolean;
  /** Closes the database and removes the copy, if any. */
  close(): void;
}

/**
 * Opens the database file with WAL, synchronous=NORMAL and a busy timeout. Failures that are
 * the file's fault (permissions, not a database, disk) become StoreErrors naming the file.
 */
export function openConnection(dbPath: string, options: ConnectionOptions): Connection {
  if (options.readonly && !existsSync(dbPath)) {
    throw new NoHistoryError(dbPath);
  }
  const access = options.readonly ? "read" : "write";
  return translated(dbPath, access, () => {
    if (!options.readonly) mkdirSync(dirname(dbPath), { recursive: true });
    const opened = new Database(dbPath, { readonly: options.readonly, fileMustExist: options.readonly });
    const db = configure(dbPath, opened, options);
    if (!options.readonly) return { db, isCopy: false, close: () => db.close() };
    try {
      // The first read is where SQLite finds out whether it can set up WAL reading here.
      db.prepare("SELECT count(*) FROM sqlite_schema").get();
      return { db, isCopy: false, close: () => db.close() };
    } catch (error) {
      db.close();
      if (!needsPrivateCopy(error)) throw error;
    }
    const copy = copyForReading(dbPath);
    try {
      // Writable, so SQLite can replay a copied -wal into the copy; nothing else writes it.
      const copied = configure(dbPath, new Database(copy.path, { fileMustExist: true }), options);
      return {
        db: copied,
        isCopy: true,
        close: () => {
          copied.close();
          copy.dispose();
        },
      };
    } catch (error) {
      copy.dispose();
      throw error;
    }
  });
}

function configure(dbPath: string, db: Database.Database, options: ConnectionOptions): Database.Database {
  try {
    // busy_timeout first: the pragmas below may themselves need a lock another process holds.
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs))}`);
    if (!options.readonly) {
      // WAL lets readers (the editor polling) proceed while a writer commits, and is
      // persistent in the file, so read-only connections inherit it.
      retryBusy(dbPath, () => db.pragma("journal_mode = WAL"));
      // NORMAL in WAL mode is durable against process crashes (the kill -9 case); only a power
      // loss can drop the last commits, which is acceptable for run history.
      db.pragma("synchronous = NORMAL");
    }
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** True for SQLITE_BUSY and its extended codes (BUSY_RECOVERY, BUSY_SNAPSHOT, BUSY_TIMEOUT). */
export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    typeof code === "string" && (code === "SQLITE_BUSY" || code.startsWith("SQLITE_BUSY_") || code === "SQLITE_LOCKED")
  );
}

/**
 * Runs `fn`, retrying a bounded number of times while SQLite reports BUSY. The second line of
 * defence: busy_timeout plus BEGIN IMMEDIATE already make BUSY rare (it can still surface
 * during WAL recovery after a crash, or when a lock is held longer than the timeout).
 */
export function retryBusy<T>(dbPath: string, fn: () => T): T {
  let delay = BUSY_BACKOFF_MS;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return fn();
    } catch (error) {
      if (!isBusy(error)) throw error;
      if (attempt >= BUSY_ATTEMPTS) throw new StoreBusyError(dbPath, attempt, error);
      sleepSync(delay);
      delay *= 2;
    }
  }
}

/** Blocks the thread: the store API is synchronous, and this only runs on a contended lock. */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
