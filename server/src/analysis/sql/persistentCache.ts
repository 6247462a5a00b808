import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { LruCache } from "../lruCache";

/**
 * Per-statement SQL results kept on disk between processes.
 *
 * A real SQL parser costs about 0.5 ms per analytics query (every JavaScript SQL parser
 * measured here costs 0.5–3 ms), several times what TypeScript spends parsing a whole
 * file. Statement results depend only on the statement's text, so they are content-addressed
 * and reused by every later analysis of the workspace: the CLI, the language server, CI
 * with a cached `.assetline/`. Only new or edited statements are parsed again.
 */
export interface StatementResult {
  readonly reads: ReadonlyArray<{ readonly name: string; readonly start: number; readonly end: number }>;
  readonly writes: ReadonlyArray<{ readonly name: string; readonly start: number; readonly end: number }>;
  readonly error?: string;
  /** The statement's columns (see cstColumns.ts); absent when the fallback read it. */
  readonly columns?: unknown;
}

/**
 * Bump when what extraction reports for the same text changes (parser upgrade, new rule):
 * a file written by another version is ignored, never trusted.
 */
export const SQL_CACHE_FORMAT = "assetline-sql-statements/4";

/** Entries kept on disk at most; the least recently used go first. */
const MAX_ENTRIES = 100_000;

interface CacheFile {
  readonly format: string;
  readonly parser: string;
  readonly entries: Record<string, StatementResult>;
}

/** Where a workspace keeps the cache: `.assetline/cache/sql-statements.json`. */
export function sqlCachePath(workspaceRoot: string): string {
  return join(workspaceRoot, ".assetline", "cache", "sql-statements.json");
}

export class PersistentStatementCache {
  private readonly entries = new LruCache<string, StatementResult>({ maxEntries: MAX_ENTRIES });
  private dirty = false;

  private constructor(
    readonly path: string,
    private readonly parserVersion: string,
  ) {}

  /** Loads the cache at `path`; a missing, unreadable or foreign file gives an empty cache. */
  static open(path: string, parserVersion: string): PersistentStatementCache {
    const cache = new PersistentStatementCache(path, parserVersion);
    try {
      const file = JSON.parse(readFileSync(path, "utf8")) as CacheFile;
      if (
        file.format === SQL_CACHE_FORMAT &&
        file.parser === parserVersion &&
        typeof file.entries === "object" &&
        file.entries
      ) {
        for (const [key, value] of Object.entries(file.entries))
          if (isStatementResult(value)) cache.entries.set(key, value);
      }
    } catch {
      // No cache yet, or one we cannot read: start empty; it is only an accelerator.
    }
    return cache;
  }

  get size(): number {
    return this.entries.size;
  }

  get(text: string): StatementResult | undefined {
    return this.entries.get(keyOf(text));
  }

  set(text: string, value: StatementResult): void {
    this.entries.set(keyOf(text), value);
    this.dirty = true;
  }

  /**
   * Writes the cache if it changed (atomically: a reader never sees half a file). Failures
   * (read-only checkout, full disk) are reported to the caller, who may ignore them.
   */
  save(): void {
    if (!this.dirty) return;
    const entries = Object.fromEntries(this.entries.entries());
    const file: CacheFile = { format: SQL_CACHE_FORMAT, parser: this.parserVersion, entries };
    mkdirSync(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(file));
    renameSync(temporary, this.path);
    this.dirty = false;
  }
}

/** Of the UTF-16 code units: UTF-8 would give every lone surrogate U+FFFD's key (format 4 on). */
function keyOf(text: string): string {
  return createHash("sha1").update(text, "utf16le").digest("base64url").slice(0, 22);
}

function isStatementResult(value: unknown): value is StatementResult {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    Array.isArray(record.reads) &&
    Array.isArray(record.writes) &&
    (record.error === undefined || typeof record.error === "string")
  );
}
