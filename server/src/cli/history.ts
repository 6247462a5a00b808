/**
 * The run history a CLI command works on: the one the workspace's configuration names
 * (`assetline.config.json`, or ASSETLINE_HISTORY_URL), SQLite by default. The language server
 * reads the same configuration, so the CLI and the editor always share one history.
 */
import { existsSync } from "node:fs";
import { loadWorkspaceConfig, type PostgresTarget } from "../config/workspaceConfig";
import { type HistoryStore, NoHistoryError, openHistory, storePath } from "../store";
import type { PostgresHistory } from "../store/postgres/postgresHistory";
import { UsageError } from "./errors";

/** Opens the workspace's history for writing (created, or migrated, when needed). */
export function openWritableHistory(dir: string): Promise<HistoryStore> {
  return openHistory(dir, loadWorkspaceConfig(dir).history);
}

/**
 * The workspace's history, which `what` (distributed work) needs on PostgreSQL; a SQLite one is
 * a usage error (exit 2) saying in one line what to set.
 */
export function postgresHistoryTarget(dir: string, what: string): PostgresTarget {
  const target = loadWorkspaceConfig(dir).history;
  if (target.kind !== "postgres") {
    throw new UsageError(
      `${what} needs the run history on PostgreSQL (workers on other machines share it); set "history" in assetline.config.json or ASSETLINE_HISTORY_URL to a postgres:// URL`,
    );
  }
  return target;
}

/** Opens that PostgreSQL history for writing (created, or migrated, when needed), or exits 2 as above. */
export async function openPostgresHistory(
  dir: string,
  what: string,
): Promise<{ history: PostgresHistory; target: PostgresTarget }> {
  const target = postgresHistoryTarget(dir, what);
  return { history: await openHistory(dir, target), target };
}

/** Opens the workspace's history for reading; undefined when nothing was ever recorded. */
export async function openReadableHistory(dir: string): Promise<HistoryStore | undefined> {
  const target = loadWorkspaceConfig(dir).history;
  // Reading never creates the SQLite file, so a workspace that never ran stays untouched.
  if (target.kind === "sqlite" && !existsSync(storePath(dir))) return undefined;
  try {
    return await openHistory(dir, target, { readonly: true });
  } catch (error) {
    if (error instanceof NoHistoryError) return undefined;
    throw error;
  }
}

/** Runs `read` on the readable history and closes it; `none` when there is no history. */
export async function withReadableHistory<T>(
  dir: string,
  none: () => T,
  read: (store: HistoryStore) => Promise<T>,
): Promise<T> {
  const store = await openReadableHistory(dir);
  if (store === undefined) return none();
  try {
    return await read(store);
  } finally {
    await store.close();
  }
}
