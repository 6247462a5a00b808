/**
 * The embedded SQLite warehouse inside a worker: one better-sqlite3 connection per worker and
 * path, opened on first use and kept for the worker's life (opening SQLite per step would
 * dominate the cost of small assets). It is `ctx.db` (synchronous), and `ctx.warehouse` too
 * when the workspace configures no PostgreSQL warehouse, so both see the same data and the
 * same transaction.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import type { Warehouse, WarehouseClient } from "../../../../sdk";
import { isSqlQuery, renderSql, type SqlParameter, type SqlQuery } from "../../../../sdk/sql";
import { captureCallSite } from "./warehouseErrors";

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

type Bindings = unknown[] | [Record<string, unknown>];

/**
 * Parameters as better-sqlite3 binds them. `$1`-style placeholders are named parameters to
 * SQLite ("1", "2", ...), so they are bound from an object; `?` ones from the list.
 */
function bindings(text: string, values: readonly SqlParameter[] | undefined): Bindings {
  if (values === undefined || values.length === 0) return [];
  const converted = values.map(toSqliteValue);
  if (!/\$\d/.test(text)) return converted;
  const named: Record<string, unknown> = {};
  converted.forEach((value, i) => (named[String(i + 1)] = value));
  return [named];
}

/** SQLite has no booleans or dates; better-sqlite3 refuses them rather than guess. */
function toSqliteValue(value: SqlParameter): unknown {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array && !Buffer.isBuffer(value))
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return value;
}

function textAndBindings(sql: string | SqlQuery, params?: readonly SqlParameter[]): [string, Bindings] {
  if (isSqlQuery(sql)) {
    if (params !== undefined && params.length > 0) {
      throw new TypeError("a sql`...` query carries its own parameters; pass no params array with it");
    }
    const { text, values } = renderSql(sql);
    return [text, bindings(text, values)];
  }
  if (typeof sql !== "string") throw new TypeError(`SQL must be a string or a sql\`...\` query, not ${typeof sql}`);
  return [sql, bindings(sql, params)];
}

/**
 * `ctx.db`: the connection itself, its `exec` and `prepare` also taking `sql` queries (their
 * parameters bound, never pasted), every other better-sqlite3 member as it is.
 */
export function sqliteDb(path: string): Warehouse {
  const db = openWarehouse(path);
  let wrapped = wrappers.get(db);
  if (wrapped === undefined) {
    wrapped = wrap(db);
    wrappers.set(db, wrapped);
  }
  return wrapped;
}

/** One wrapper per connection, so that `ctx.db === ctx.db`. */
const wrappers = new WeakMap<BetterSqlite3.Database, Warehouse>();

function wrap(db: BetterSqlite3.Database): Warehouse {
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property === "exec") {
        return (sql: string | SqlQuery) => {
          if (!isSqlQuery(sql)) return target.exec(sql);
          const [text, bound] = textAndBindings(sql);
          if (bound.length === 0) return target.exec(text);
          target.prepare(text).run(...bound);
          return receiver;
        };
      }
      if (property === "prepare") {
        return (sql: string | SqlQuery) => {
          if (!isSqlQuery(sql)) return target.prepare(sql);
          const [text, bound] = textAndBindings(sql);
          const statement = target.prepare(text);
          return bound.length === 0 ? statement : statement.bind(...bound);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  }) as unknown as Warehouse;
}

/** `ctx.warehouse` over the embedded SQLite warehouse: the asynchronous API on the synchronous driver. */
export class SqliteWarehouseClient implements WarehouseClient {
  readonly dialect = "sqlite" as const;

  constructor(private readonly path: string) {}

  async exec(sql: string | SqlQuery): Promise<void> {
    const site = captureCallSite(SqliteWarehouseClient.prototype.exec);
    try {
      const db = openWarehouse(this.path);
      const [text, bound] = textAndBindings(sql);
      if (bound.length === 0) db.exec(text);
      else db.prepare(text).run(...bound);
    } catch (error) {
      throw site.fail(messageOf(error));
    }
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async query<Row extends object = Record<string, any>>(
    sql: string | SqlQuery,
    params?: readonly SqlParameter[],
  ): Promise<Row[]> {
    const site = captureCallSite(SqliteWarehouseClient.prototype.query);
    try {
      const [text, bound] = textAndBindings(sql, params);
      const statement = openWarehouse(this.path).prepare(text);
      if (!statement.reader) {
        statement.run(...bound);
        return [];
      }
      return statement.all(...bound) as Row[];
    } catch (error) {
      throw site.fail(messageOf(error));
    }
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    const site = captureCallSite(SqliteWarehouseClient.prototype.transaction);
    const db = openWarehouse(this.path);
    if (db.inTransaction) throw site.fail("ctx.warehouse.transaction cannot be nested inside another transaction");
    db.exec("BEGIN IMMEDIATE");
    try {
      const result = await fn();
      db.exec("COMMIT");
      return result;
    } catch (error) {
      if (db.inTransaction) db.exec("ROLLBACK");
      throw error;
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
