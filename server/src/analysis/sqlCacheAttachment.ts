import { PersistentStatementCache, sqlCachePath } from "./sql/persistentCache";
import { sqlParserVersion, usePersistentStatementCache } from "./sql/extractTables";

/** A workspace's on-disk SQL cache, in use by this process's analysis until detached. */
export interface SqlCacheAttachment {
  /** Entries loaded or added so far. */
  readonly size: number;
  /** Writes new entries; returns the error instead of throwing (the cache is only an accelerator). */
  save(): Error | undefined;
  detach(): void;
}

/**
 * Puts `.assetline/cache/sql-statements.json` behind SQL extraction, so statements parsed by
 * an earlier run (the CLI, the language server, CI with a cached `.assetline/`) are not parsed
 * again. Hosts attach it once per workspace and save when an analysis is done.
 */
export function attachSqlCache(workspaceRoot: string): SqlCacheAttachment {
  const cache = PersistentStatementCache.open(sqlCachePath(workspaceRoot), sqlParserVersion());
  usePersistentStatementCache(cache);
  return {
    get size() {
      return cache.size;
    },
    save() {
      try {
        cache.save();
        return undefined;
      } catch (error) {
        return error instanceof Error ? error : new Error(String(error));
      }
    },
    detach() {
      usePersistentStatementCache(undefined);
    },
  };
}
