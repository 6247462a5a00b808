/**
 * Reading a history whose folder the reader cannot write. SQLite's WAL mode needs a `-shm`
 * file next to the database even to read it; when no writer has left one behind and the
 * folder is read-only (a shared checkout, another user's workspace), SQLite refuses to read
 * at all. Readers then work on a private copy, taken when nobody is writing (no `-shm` means
 * no live writer), so the copy is consistent. A copy does not see later writes: its owner
 * compares `sourceSignature()` and reopens when the original changed.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";

export interface ReadonlyCopy {
  /** The copy's database path (its `-wal` beside it when the original had one). */
  readonly path: string;
  /** Removes the copy; call after closing the connection on it. */
  dispose(): void;
}

/** True for the errors that mean "readable file, but SQLite could not set up WAL reading here". */
export function needsPrivateCopy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === "SQLITE_READONLY_DIRECTORY" ||
    code === "SQLITE_READONLY_CANTINIT" ||
    code === "SQLITE_READONLY_RECOVERY" ||
    code === "SQLITE_CANTOPEN"
  );
}

/** Copies the database (and its `-wal`, if any) into a fresh temporary folder. */
export function copyForReading(dbPath: string): ReadonlyCopy {
  const dir = mkdtempSync(join(tmpdir(), "assetline-history-"));
  const path = join(dir, basename(dbPath));
  try {
    copyFileSync(dbPath, path);
    if (existsSync(`${dbPath}-wal`)) copyFileSync(`${dbPath}-wal`, `${path}-wal`);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { path, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Size and mtime of the database and its `-wal`: changes whenever a writer commits. */
export function sourceSignature(dbPath: string): string {
  return [dbPath, `${dbPath}-wal`]
    .map((path) => {
      try {
        const stat = statSync(path);
        return `${stat.size}:${stat.mtimeMs}`;
      } catch {
        return "-";
      }
    })
    .join("|");
}
