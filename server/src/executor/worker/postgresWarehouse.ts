/**
 * `ctx.warehouse` on PostgreSQL: one `pg` connection per worker process, opened on first use
 * and kept for the worker's life (a step pays a round trip, not a connection). The kernel
 * closes it when the executor kills the worker; a connection the server dropped (a restart)
 * is replaced by the next statement.
 */
import type { Client, ClientConfig, CustomTypesConfig, QueryResult } from "pg";
import type { WarehouseClient } from "../../../../sdk";
import { isSqlQuery, renderSql, type SqlParameter, type SqlQuery } from "../../../../sdk/sql";
import { redact } from "../../config/workspaceConfig";
import { captureCallSite, describeDriverError, type CallSite } from "./warehouseErrors";

/** A server that accepts no connection fails the step in seconds, not at the step's timeout. */
const CONNECT_TIMEOUT_MS = 10_000;

/** How long the ROLLBACK after a step may take before the connection is given up on. */
const RESET_TIMEOUT_MS = 5_000;

/** OIDs of the types whose JavaScript form is made to match what SQLite gives for the same SQL. */
const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;

/** Up to 15 significant digits a double holds any decimal exactly; beyond, the text stays exact. */
function parseNumeric(text: string): number | string {
  const digits = text.replace(/^[-+]?0*|[.]|e.*$/gi, "").replace(/^0+/, "");
  return digits.length <= 15 ? Number(text) : text;
}

function parseInt8(text: string): number | bigint {
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : BigInt(text);
}

function typeParsers(pg: typeof import("pg")): CustomTypesConfig {
  const builtin = pg.types.getTypeParser;
  const getTypeParser = ((oid: number, format?: "text" | "binary") => {
    if (format === undefined || format === "text") {
      if (oid === INT8) return parseInt8;
      if (oid === NUMERIC) return parseNumeric;
      // pg would make a Date at local midnight, a day off in half the world's time zones.
      if (oid === DATE) return (text: string) => text;
    }
    return builtin(oid, format);
  }) as CustomTypesConfig["getTypeParser"];
  return { getTypeParser };
}

function toPostgresValue(value: SqlParameter): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array && !Buffer.isBuffer(value))
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return value;
}

/** The warehouse a worker reaches at `url`; `from` names where the URL was configured, for messages. */
export class PostgresWarehouseClient implements WarehouseClient {
  readonly dialect = "postgresql" as const;
  private client: Promise<Client> | undefined;
  /** Connections the server closed (a restart, an idle timeout): replaced on next use. */
  private readonly dropped = new WeakSet<Client>();
  private inTransaction = false;
  /** Whether the current task has used the connection (only then is it reset after the task). */
  private used = false;

  constructor(
    private readonly url: string,
    private readonly from: string,
  ) {}

  async exec(sql: string | SqlQuery): Promise<void> {
    const site = captureCallSite(PostgresWarehouseClient.prototype.exec);
    await this.run(site, sql, undefined);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async query<Row extends object = Record<string, any>>(
    sql: string | SqlQuery,
    params?: readonly SqlParameter[],
  ): Promise<Row[]> {
    const site = captureCallSite(PostgresWarehouseClient.prototype.query);
    const result = await this.run(site, sql, params);
    // A script of several statements gives one result each: the last one's rows are the answer.
    const last = Array.isArray(result) ? (result as QueryResult[]).at(-1) : result;
    return (last?.rows ?? []) as Row[];
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    const site = captureCallSite(PostgresWarehouseClient.prototype.transaction);
    if (this.inTransaction) throw site.fail("ctx.warehouse.transaction cannot be nested inside another transaction");
    await this.run(site, "begin", undefined);
    this.inTransaction = true;
    try {
      const result = await fn();
      await this.run(site, "commit", undefined);
      return result;
    } catch (error) {
      await this.run(site, "rollback", undefined).catch(() => undefined);
      throw error;
    } finally {
      this.inTransaction = false;
    }
  }

  /** After each task: undo a transaction the step left open, so the next step starts clean. */
  async reset(): Promise<void> {
    if (!this.used || this.client === undefined) return;
    this.used = false;
    this.inTransaction = false;
    let client: Client;
    try {
      client = await this.client;
    } catch {
      return; // never connected: nothing to undo
    }
    // Outside a transaction PostgreSQL answers ROLLBACK with a warning, not an error.
    const rolledBack = client.query("rollback").then(
      () => true,
      () => false,
    );
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), RESET_TIMEOUT_MS)));
    const ok = await Promise.race([rolledBack, timedOut]);
    clearTimeout(timer);
    if (!ok) {
      // A server that does not answer must not hold the finished step: the next step reconnects.
      this.dropped.add(client);
      void client.end().catch(() => undefined);
    }
  }

  private async run(site: CallSite, sql: string | SqlQuery, params: readonly SqlParameter[] | undefined) {
    let text: string;
    let values: readonly SqlParameter[] | undefined;
    if (isSqlQuery(sql)) {
      if (params !== undefined && params.length > 0) {
        throw site.fail("a sql`...` query carries its own parameters; pass no params array with it");
      }
      ({ text, values } = renderSql(sql));
    } else if (typeof sql === "string") {
      text = sql;
      values = params;
    } else {
      throw site.fail(`SQL must be a string or a sql\`...\` query, not ${typeof sql}`);
    }
    const client = await this.connect(site);
    this.used = true;
    try {
      return values === undefined || values.length === 0
        ? await client.query(text)
        : await client.query(text, values.map(toPostgresValue));
    } catch (error) {
      throw site.fail(describeDriverError(error, text));
    }
  }

  private async connect(site: CallSite): Promise<Client> {
    try {
      this.client ??= this.open();
      let client = await this.client;
      if (this.dropped.has(client)) {
        this.client = this.open();
        client = await this.client;
      }
      return client;
    } catch (error) {
      this.client = undefined;
      const reason = error instanceof Error ? error.message : String(error);
      throw site.fail(`cannot connect to the warehouse ${redact(this.url)} (${this.from}): ${reason}`);
    }
  }

  private async open(): Promise<Client> {
    // Loaded on first use: a worker whose steps never touch PostgreSQL never loads the driver.
    const pg = require("pg") as typeof import("pg");
    const config: ClientConfig = {
      connectionString: this.url,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      // TCP keep-alive: a server that vanished without closing the connection is noticed.
      keepAlive: true,
      application_name: "assetline worker",
      types: typeParsers(pg),
    };
    const client = new pg.Client(config);
    // An idle connection the server drops emits 'error' (unhandled, it would kill the worker) and 'end'.
    client.on("error", () => this.dropped.add(client));
    client.on("end", () => this.dropped.add(client));
    try {
      await client.connect();
    } catch (error) {
      void client.end().catch(() => undefined);
      throw error;
    }
    try {
      // A statement of a killed worker stops within a second instead of running on (PostgreSQL 14+).
      await client.query("set client_connection_check_interval = 1000");
    } catch {
      // Older servers do not have the setting; their statements finish on their own.
    }
    return client;
  }
}
