/**
 * The `assetline` module: what users import to declare data assets.
 *
 * These functions only *describe* assets; nothing runs at import time. The language
 * server reads the calls statically, and the executor loads the module and calls `fn`.
 * Keep this surface small: every option here is part of the contract the analysis reads.
 */
import type { SqlParameter, SqlQuery } from "./sql";

/** A value that can be recorded as metadata of a materialization or check evaluation. */
export type MetadataValue = string | number | boolean | null;
export type Metadata = Record<string, MetadataValue>;
export type MaybePromise<T> = T | Promise<T>;

export { sql, type SqlFragment, type SqlIdentifier, type SqlParameter, type SqlQuery, type SqlTag } from "./sql";

/** One prepared SQL statement of the warehouse (the subset of better-sqlite3 Assetline guarantees). */
export interface Statement {
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  // `any` rows keep `prepare("select count(*) n ...").get().n` ergonomic, as in SQL clients.
  /* eslint-disable @typescript-eslint/no-explicit-any */
  get<Row = any>(...params: unknown[]): Row;
  all<Row = any>(...params: unknown[]): Row[];
  iterate<Row = any>(...params: unknown[]): IterableIterator<Row>;
  /* eslint-enable @typescript-eslint/no-explicit-any */
}

/**
 * The embedded SQLite warehouse, synchronous (better-sqlite3). A `sql` query's parameters are
 * bound: by `exec` (one statement, then) and by `prepare`, whose statement keeps them.
 */
export interface Warehouse {
  exec(sql: string | SqlQuery): unknown;
  prepare(sql: string | SqlQuery): Statement;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R;
}

/** Which database a `WarehouseClient` talks to. */
export type WarehouseDialect = "postgresql" | "sqlite";

/**
 * The workspace's warehouse, asynchronous: PostgreSQL when the workspace configures a URL
 * (`assetline.config.json` "warehouse", or `ASSETLINE_WAREHOUSE_URL`), else the embedded SQLite
 * warehouse that `ctx.db` opens. The same asset code runs against either; write SQL both
 * accept, or branch on `dialect` where they differ.
 *
 * Placeholders are `$1`, `$2`, ... on both (SQLite binds them by number); the `sql` tag writes
 * them for you. Rows come back as plain objects: PostgreSQL's `bigint` (`count(*)`) as a number
 * (a BigInt past 2^53), `numeric` as a number up to 15 significant digits (exact text beyond),
 * `date` as `"YYYY-MM-DD"` text, as SQLite would store them.
 */
export interface WarehouseClient {
  readonly dialect: WarehouseDialect;
  /** Runs SQL for its effect: a script of several statements, or one `sql` query with parameters. */
  exec(sql: string | SqlQuery): Promise<void>;
  /** Runs one statement and returns its rows (none for a statement without results). */
  // `any` rows keep `(await query("select count(*) n ...")).at(0).n` ergonomic, as in SQL clients.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query<Row extends object = Record<string, any>>(
    sql: string | SqlQuery,
    params?: readonly SqlParameter[],
  ): Promise<Row[]>;
  /** Runs `fn` in a transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
}

/** Logs captured into the run's event log (capped per step). */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** What an asset or check function receives. */
export interface RunContext {
  /** The embedded SQLite warehouse (`.assetline/warehouse.db`), synchronous. */
  readonly db: Warehouse;
  /** The workspace's configured warehouse (PostgreSQL or SQLite), asynchronous; see WarehouseClient. */
  readonly warehouse: WarehouseClient;
  readonly log: Logger;
  /** The key of the asset being materialized (or checked), "/"-separated. */
  readonly assetKey: string;
  readonly runId: string;
  /** Aborted when the run is cancelled or the step times out. */
  readonly signal: AbortSignal;
}

export interface FreshnessPolicy {
  /** The asset is overdue when its last materialization is older than this. */
  maxLagMinutes: number;
}

/**
 * When the automation loop (`assetline automate`) materializes an asset, as a condition or a
 * list of conditions any of which triggers:
 * - `"eager"`: an upstream has a newer materialization, or the code changed since the last one;
 * - `"on-freshness"`: early enough never to exceed `freshness.maxLagMinutes`, from how long it takes;
 * - `{ cron }`: at each tick of the schedule, when upstream data is newer than the last run
 *   (`force: true`: always). `timezone` is an IANA name, e.g. "Europe/Paris"; default the machine's.
 * Written literally, so that the analysis can read it without running the code.
 */
export type AutomationCondition = "eager" | "on-freshness" | CronCondition;

export interface CronCondition {
  /** Five fields (minute hour day-of-month month day-of-week), e.g. "0 6 * * *"; six with seconds. */
  cron: string;
  timezone?: string;
  /** Run at every tick, even when no upstream changed since the last run. */
  force?: boolean;
}

export interface AssetConfig {
  /** The asset key; defaults to the exported const's name. "/" separates key path parts. */
  name?: string;
  /** Upstream assets or sources: references to their definitions, or string keys. */
  deps?: ReadonlyArray<AssetRef>;
  group?: string;
  owners?: readonly string[];
  kinds?: readonly string[];
  tags?: Readonly<Record<string, string>>;
  description?: string;
  freshness?: FreshnessPolicy;
  automation?: AutomationCondition | readonly AutomationCondition[];
}

export interface SourceConfig {
  name?: string;
  group?: string;
  owners?: readonly string[];
  kinds?: readonly string[];
  tags?: Readonly<Record<string, string>>;
  description?: string;
  freshness?: FreshnessPolicy;
}

export interface CheckConfig {
  name: string;
  /** A failed blocking check stops the downstream of its asset in the same run. */
  blocking?: boolean;
  description?: string;
}

export interface MaterializeResult {
  metadata?: Metadata;
}

export interface CheckResult {
  passed: boolean;
  metadata?: Metadata;
  description?: string;
}

export type AssetFn = (ctx: RunContext) => MaybePromise<MaterializeResult | void>;
export type CheckFn = (ctx: RunContext) => MaybePromise<CheckResult>;

const BRAND = "__assetline" as const;

export interface AssetDef {
  readonly [BRAND]: "asset";
  readonly config: AssetConfig;
  readonly fn: AssetFn;
}

export interface SourceDef {
  readonly [BRAND]: "source";
  readonly config: SourceConfig;
}

export interface CheckDef {
  readonly [BRAND]: "check";
  readonly target: AssetRef;
  readonly config: CheckConfig;
  readonly fn: CheckFn;
}

/** Anything that names an asset: its definition or its key. */
export type AssetRef = AssetDef | SourceDef | string;

/** Declares a data asset built by `fn`. */
export function asset(config: AssetConfig, fn: AssetFn): AssetDef {
  return Object.freeze({ [BRAND]: "asset" as const, config, fn });
}

/** Declares data that exists outside this workspace: observed, never built. */
export function source(config: SourceConfig = {}): SourceDef {
  return Object.freeze({ [BRAND]: "source" as const, config });
}

/** Declares a data quality check on an asset or source. */
export function check(target: AssetRef, config: CheckConfig, fn: CheckFn): CheckDef {
  return Object.freeze({ [BRAND]: "check" as const, target, config, fn });
}

/** True for values created by `asset()`, `source()` or `check()` (used by the executor). */
export function isAssetlineDefinition(value: unknown): value is AssetDef | SourceDef | CheckDef {
  return typeof value === "object" && value !== null && BRAND in value;
}
