/**
 * Opening the history a workspace is configured for (config/workspaceConfig.ts): the SQLite
 * file under `.assetline/`, or a PostgreSQL database. Each backend is loaded only when chosen:
 * the language server must start even where the native SQLite driver cannot load.
 */
import type { BackendTarget, PostgresTarget } from "../config/workspaceConfig";
import type { HistoryStore } from "./history";
import { storePath } from "./paths";
import type { PostgresHistory } from "./postgres/postgresHistory";

export interface OpenHistoryOptions {
  /** Open without writing (no migrations); no history yet is NoHistoryError. */
  readonly readonly?: boolean;
  readonly now?: () => number;
  /** Told about dropped connections and lost notifications (PostgreSQL). */
  readonly log?: (message: string) => void;
}

/** The history of the workspace at `root` as `target` says; failures are StoreErrors of one line. */
export function openHistory(
  root: string,
  target: PostgresTarget,
  options?: OpenHistoryOptions,
): Promise<PostgresHistory>;
export function openHistory(root: string, target: BackendTarget, options?: OpenHistoryOptions): Promise<HistoryStore>;
export async function openHistory(
  root: string,
  target: BackendTarget,
  options: OpenHistoryOptions = {},
): Promise<HistoryStore> {
  if (target.kind === "postgres") {
    const { PostgresHistory } = require("./postgres/postgresHistory") as typeof import("./postgres/postgresHistory");
    return PostgresHistory.open(target.url, { ...options, from: target.from });
  }
  const { SqliteHistory } = require("./sqliteHistory") as typeof import("./sqliteHistory");
  return SqliteHistory.open(storePath(root), { readonly: options.readonly, now: options.now });
}

/**
 * Calls `onCommit` soon after any process commits to the history, where the backend can say
 * so: PostgreSQL's LISTEN/NOTIFY, on a connection of its own that comes back after outages
 * (and works before anything was recorded: the channel needs no table). Undefined for SQLite,
 * whose readers watch the file instead. Resolves to the function that stops listening.
 */
export async function listenForCommits(
  target: BackendTarget,
  onCommit: () => void,
  log: (message: string) => void,
): Promise<(() => Promise<void>) | undefined> {
  if (target.kind !== "postgres") return undefined;
  const { listen } = require("./postgres/listener") as typeof import("./postgres/listener");
  const { locationOf } = require("./postgres/connection") as typeof import("./postgres/connection");
  return listen(target.url, locationOf(target.url, target.from), onCommit, log);
}
