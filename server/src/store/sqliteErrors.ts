/**
 * Turning SQLite's and the file system's failures on the history file into StoreErrors that
 * name the file and say what to do. Everything else (a bug) is left as it is, so it still
 * reaches the user as an internal error.
 */
import { accessSync, constants, existsSync } from "node:fs";
import { dirname } from "node:path";
import { StoreAccessError, StoreError, StoreUnreadableError } from "./errors";

/** What the failing operation needed from the file. */
export type Access = "read" | "write";

/** The StoreError `error` stands for, or undefined when it is not a problem with the file. */
export function storeErrorFrom(dbPath: string, error: unknown, access: Access): StoreError | undefined {
  if (error instanceof StoreError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return undefined;
  const detail = error instanceof Error ? error.message : String(error);
  if (code === "SQLITE_NOTADB" || code.startsWith("SQLITE_CORRUPT")) {
    return new StoreUnreadableError(dbPath, detail, error);
  }
  if (
    code.startsWith("SQLITE_READONLY") ||
    code.startsWith("SQLITE_CANTOPEN") ||
    code === "SQLITE_PERM" ||
    code === "SQLITE_AUTH"
  ) {
    return new StoreAccessError(dbPath, access, blocker(dbPath, access, code), error);
  }
  if (code === "EACCES" || code === "EPERM" || code === "EROFS") {
    return new StoreAccessError(dbPath, access, blocker(dbPath, access, code), error);
  }
  if (code === "SQLITE_FULL" || code === "ENOSPC") {
    return new StoreError(`cannot write the run history ${dbPath}: the disk is full; free some space and run again`, {
      cause: error,
    });
  }
  if (code.startsWith("SQLITE_IOERR") || code === "EIO") {
    return new StoreError(
      `cannot ${access} the run history ${dbPath}: input/output error (${detail}); check the disk`,
      {
        cause: error,
      },
    );
  }
  return undefined;
}

/** Runs `fn`, rethrowing file problems as StoreErrors (see storeErrorFrom). */
export function translated<T>(dbPath: string, access: Access, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw storeErrorFrom(dbPath, error, access) ?? error;
  }
}

/**
 * Which path stands in the way, found by asking the file system rather than trusting the
 * SQLite code: SQLITE_CANTOPEN says nothing about whether the file or its folder is at fault.
 */
function blocker(dbPath: string, access: Access, code: string): { path: string; what: "file" | "folder" } {
  let folder = dirname(dbPath);
  // A history not created yet: the first folder that exists is the one that refused it.
  while (!existsSync(folder) && dirname(folder) !== folder) folder = dirname(folder);
  if (code === "SQLITE_READONLY_DIRECTORY" || !existsSync(dbPath)) return { path: folder, what: "folder" };
  if (!canAccess(folder, constants.X_OK)) return { path: folder, what: "folder" };
  if (!canAccess(dbPath, access === "write" ? constants.R_OK | constants.W_OK : constants.R_OK)) {
    return { path: dbPath, what: "file" };
  }
  // The file is fine, so SQLite needed to create its -wal/-shm files next to it.
  return { path: folder, what: "folder" };
}

function canAccess(path: string, mode: number): boolean {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
}
