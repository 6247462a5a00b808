/**
 * Connecting to a PostgreSQL history: one pool per store, integers as numbers, every table in
 * the `assetline` schema (a history may share its database with the warehouse or pg-boss), and
 * failures to reach the server turned into one line that names the URL without its password.
 */
import type pg from "pg";
import { redact } from "../../config/workspaceConfig";
import { StoreError } from "../errors";

/** The schema every history table lives in. */
export const SCHEMA = "assetline";
/** How long connecting may take before the server counts as unreachable. */
const CONNECT_TIMEOUT_MS = 5000;

/** The server could not be reached, or refused us: the URL, where it came from, and why. */
export class HistoryUnreachableError extends StoreError {
  constructor(
    readonly location: string,
    readonly reason: string,
    cause: unknown,
  ) {
    super(`cannot reach the run history at ${location}: ${reason}`, { cause });
  }
}

/**
 * The driver, loaded on first use: it costs ~0.15-0.3 s to load, and a CLI or language server on
 * an embedded SQLite history never connects to PostgreSQL.
 */
export function postgresDriver(): typeof pg {
  return require("pg") as typeof pg;
}

// bigint columns (ids, epoch ms) fit a double until the year 287396; numeric (ages) too.
const types = {
  getTypeParser: (oid: number, format?: "text" | "binary") =>
    oid === 20 || oid === 1700 ? (value: string) => Number(value) : postgresDriver().types.getTypeParser(oid, format),
} as pg.CustomTypesConfig;

/** A pool on `url`; `onIdleError` hears of connections the server dropped while idle (a restart). */
export function createPool(url: string, onIdleError: (error: Error) => void): pg.Pool {
  const pool = new (postgresDriver().Pool)({
    connectionString: url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    max: 4,
    types,
    options: `-c search_path=${SCHEMA}`,
    application_name: "assetline",
  });
  // Without a listener, an idle client's error (the server restarting) would crash the process.
  pool.on("error", onIdleError);
  return pool;
}

/** A client for LISTEN, outside the pool (it stays connected). */
export function createClient(url: string): pg.Client {
  return new (postgresDriver().Client)({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, types });
}

/** SQLSTATE classes and Node codes that mean "not reachable / not allowed", with the user's words. */
export function unreachableReason(error: unknown): string | undefined {
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === "string" ? e.code : undefined;
  const message = typeof e?.message === "string" ? e.message : String(error);
  switch (code) {
    case "ECONNREFUSED":
      return "connection refused (is PostgreSQL running there?)";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "unknown host";
    case "ETIMEDOUT":
    case "ECONNRESET":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `network error (${code})`;
    case "28P01":
    case "28000":
      return `authentication failed (${message}); check the user and password`;
    case "3D000":
      return `${message}; create it (createdb) or fix the URL`;
    case "57P01":
    case "57P02":
    case "57P03":
      return `the server is shutting down or starting (${message})`;
    default:
      break;
  }
  if (/timeout exceeded when trying to connect|Connection terminated/i.test(message)) {
    return "no answer from the server (timed out)";
  }
  return undefined;
}

/** Runs `fn`, turning an unreachable server into HistoryUnreachableError; other errors pass. */
export async function reachable<T>(location: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof StoreError) throw error;
    const reason = unreachableReason(error);
    if (reason !== undefined) throw new HistoryUnreachableError(location, reason, error);
    throw new StoreError(
      `the run history at ${location} failed: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

/** The URL as messages show it. */
export function locationOf(url: string, from: string | undefined): string {
  return from === undefined ? redact(url) : `${redact(url)} (${from})`;
}

/** Runs `fn` with a client of the pool's, given back however `fn` ends. */
export async function withClient<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await fn(client);
  } finally {
    client.release();
  }
}

/** What a transaction opens and closes with, beside BEGIN and COMMIT. */
export interface TransactionStatements {
  readonly begin?: string;
  readonly commit?: () => string;
}

/**
 * Runs `fn` in one transaction on `client`, rolled back when `fn` throws. `begin` and `commit`
 * let a caller fold its own statements into the opening and closing round trips (`commit` is
 * asked after `fn`, so it may depend on what `fn` did).
 */
export async function transactionOn<T>(
  client: pg.PoolClient,
  fn: (client: pg.PoolClient) => Promise<T>,
  statements: TransactionStatements = {},
): Promise<T> {
  try {
    // Inside the try: a `begin` that takes a lock may fail after BEGIN, leaving a transaction open.
    await client.query(statements.begin ?? "BEGIN");
    const result = await fn(client);
    await client.query(statements.commit?.() ?? "COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

/** Runs `fn` in one transaction on a client of its own (transactionOn, then the client given back). */
export function inTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
  statements: TransactionStatements = {},
): Promise<T> {
  return withClient(pool, (client) => transactionOn(client, fn, statements));
}
