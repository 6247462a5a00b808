/**
 * Schema and migrations. `PRAGMA user_version` holds the schema version; migrations run in
 * order inside one immediate transaction, so two processes opening a fresh workspace at the
 * same time cannot both migrate (the second sees the bumped version and does nothing).
 */
import type Database from "better-sqlite3";
import { SchemaOutdatedError, SchemaTooNewError } from "./errors";

export interface Migration {
  /** The user_version after this migration; versions are 1, 2, 3… without gaps. */
  readonly version: number;
  readonly sql: string;
}

/**
 * Version 1. Notes on the choices:
 * - `events.id` is an INTEGER PRIMARY KEY (the rowid): monotonic because the log is
 *   append-only, so "newer" is "greater id" even across processes, and `lastEventId()` is a
 *   single b-tree seek.
 * - Events point at their run by the run's integer `seq`, not its text id: the row and the
 *   one secondary index (run_seq, then rowid implicitly) stay small on the hot insert path.
 * - Only that one index on `events`: "latest per asset" is served by the derived tables
 *   `asset_latest` / `check_latest`, maintained in the same transaction as the insert.
 * - `runs.pid_started_at` lets recovery tell a live owner from a reused pid.
 */
const V1 = `
CREATE TABLE runs (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL CHECK (status IN ('STARTED', 'SUCCESS', 'FAILURE', 'CANCELED')),
  selection TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  pid INTEGER NOT NULL,
  pid_started_at INTEGER,
  hostname TEXT NOT NULL,
  launched_by TEXT NOT NULL,
  message TEXT
);
CREATE INDEX runs_started ON runs (status) WHERE status = 'STARTED';

CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  run_seq INTEGER NOT NULL,
  ts INTEGER NOT NULL,
  type TEXT NOT NULL,
  asset_key TEXT,
  check_name TEXT,
  message TEXT,
  payload TEXT
);
CREATE INDEX events_run ON events (run_seq);

CREATE TABLE asset_latest (
  asset_key TEXT PRIMARY KEY,
  last_materialization_event_id INTEGER,
  last_failure_event_id INTEGER,
  last_attempt_event_id INTEGER
) WITHOUT ROWID;

CREATE TABLE check_latest (
  asset_key TEXT NOT NULL,
  check_name TEXT NOT NULL,
  event_id INTEGER NOT NULL,
  passed INTEGER NOT NULL,
  PRIMARY KEY (asset_key, check_name)
) WITHOUT ROWID;
`;

/**
 * Version 2: who started a run (the OS user), so a shared history can say "by ana on ci-runner-3".
 * Nullable, since runs recorded before it have no user; readers of a version-1 file see none.
 */
const V2 = "ALTER TABLE runs ADD COLUMN username TEXT;";

/**
 * Version 3: declarative automation (`assetline automate`).
 * - `automation_decisions` keeps why the loop started each asset (with the run it started) and
 *   each cron tick it skipped for want of new upstream data: the skip is recorded once per tick,
 *   so a restarted loop does not reconsider it.
 * - `automation_owner` holds at most one row, the process running the loop for this workspace:
 *   claimed in an immediate transaction and released on exit; a row whose process is gone (the
 *   same pid + start-time test as run owners) is taken over, so a dead loop cannot keep it.
 * - A partial index over asset steps' outcomes serves "recent durations" and "failures since the
 *   last success" per asset; it covers only STEP_SUCCESS / STEP_FAILURE of asset steps, so the
 *   hot insert path of logs is untouched.
 */
const V3 = `
CREATE TABLE automation_decisions (
  id INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  asset_key TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('run', 'skipped')),
  conditions TEXT NOT NULL,
  reason TEXT NOT NULL,
  run_id TEXT,
  cron TEXT,
  cron_tick INTEGER
);
CREATE INDEX automation_decisions_asset ON automation_decisions (asset_key, id);

CREATE TABLE automation_owner (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  pid INTEGER NOT NULL,
  pid_started_at INTEGER,
  hostname TEXT NOT NULL,
  host_kind TEXT NOT NULL,
  since INTEGER NOT NULL
);

CREATE INDEX events_asset_outcomes ON events (asset_key, id)
  WHERE type IN ('STEP_SUCCESS', 'STEP_FAILURE') AND check_name IS NULL;
`;

/** Every migration this Assetline knows, oldest first. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, sql: V1 },
  { version: 2, sql: V2 },
  { version: 3, sql: V3 },
];

/** The schema version this Assetline writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/**
 * The oldest version a read-only open still reads: later migrations only added nullable columns
 * (version 2) and the automation tables (version 3), which read as empty where missing, so an
 * editor upgraded before the next materialize keeps showing status.
 */
export const READABLE_FROM = 1;

/** Reads `PRAGMA user_version`. */
export function schemaVersion(db: Database.Database): number {
  return db.pragma("user_version", { simple: true }) as number;
}

/**
 * Brings a writable database up to the newest known version; throws SchemaTooNewError when the
 * file is newer than this code. Must be called outside any transaction.
 */
export function migrate(db: Database.Database, dbPath: string, migrations: readonly Migration[] = MIGRATIONS): number {
  const known = migrations.length === 0 ? 0 : migrations[migrations.length - 1].version;
  // Cheap pre-check without taking the write lock: most opens find the schema current.
  const before = schemaVersion(db);
  if (before > known) throw new SchemaTooNewError(dbPath, before, known);
  if (before === known) return known;
  db.transaction(() => {
    // Re-read under the lock: another process may have migrated since the pre-check.
    const current = schemaVersion(db);
    if (current > known) throw new SchemaTooNewError(dbPath, current, known);
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      // user_version is transactional, so a failed migration leaves the old version behind.
      db.pragma(`user_version = ${migration.version}`);
    }
  }).immediate();
  return known;
}

/** For read-only opens: the version found, from READABLE_FROM up to the known one. */
export function assertReadableSchema(db: Database.Database, dbPath: string, known: number = SCHEMA_VERSION): number {
  const found = schemaVersion(db);
  if (found > known) throw new SchemaTooNewError(dbPath, found, known);
  if (found < Math.min(READABLE_FROM, known)) throw new SchemaOutdatedError(dbPath, found, known);
  return found;
}
