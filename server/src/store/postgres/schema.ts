/**
 * The PostgreSQL history's schema, with the same ideas as SQLite's (schema.ts beside the
 * SQLite store): an append-only `events` log whose ids grow in commit order, `runs`, and the
 * derived `asset_latest` / `check_latest` tables kept in step by every write. Migrations run
 * under an advisory lock, so processes opening a new database together migrate it once.
 */
import type pg from "pg";
import { NoHistoryError, SchemaOutdatedError, SchemaTooNewError } from "../errors";
import { SCHEMA, transactionOn, withClient } from "./connection";

/** Two-key advisory locks of this schema: writers take WRITE, migrations MIGRATE. */
export const LOCK_CLASS = 0x41_4c_48; // "ALH"
export const WRITE_LOCK = 1;
export const MIGRATE_LOCK = 2;

/** The NOTIFY channel every commit signals (payload: nothing; readers ask lastEventId()). */
export const CHANNEL = "assetline_history";

/**
 * Version 1. Beside SQLite's columns, runs have `heartbeat_at`: their owner's proof of life,
 * which is what tells a dead run on another machine (where its pid means nothing).
 */
const V1 = `
CREATE TABLE ${SCHEMA}.runs (
  seq bigserial PRIMARY KEY,
  id text NOT NULL UNIQUE,
  status text NOT NULL CHECK (status IN ('STARTED', 'SUCCESS', 'FAILURE', 'CANCELED')),
  selection text NOT NULL,
  started_at bigint NOT NULL,
  finished_at bigint,
  pid integer NOT NULL,
  pid_started_at bigint,
  hostname text NOT NULL,
  username text,
  launched_by text NOT NULL,
  message text,
  heartbeat_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX runs_started ON ${SCHEMA}.runs (status) WHERE status = 'STARTED';

CREATE TABLE ${SCHEMA}.events (
  id bigserial PRIMARY KEY,
  run_seq bigint NOT NULL REFERENCES ${SCHEMA}.runs (seq),
  ts bigint NOT NULL,
  type text NOT NULL,
  asset_key text,
  check_name text,
  message text,
  payload text
);
CREATE INDEX events_run ON ${SCHEMA}.events (run_seq, id);

CREATE TABLE ${SCHEMA}.asset_latest (
  asset_key text PRIMARY KEY,
  last_materialization_event_id bigint,
  last_failure_event_id bigint,
  last_attempt_event_id bigint
);

CREATE TABLE ${SCHEMA}.check_latest (
  asset_key text NOT NULL,
  check_name text NOT NULL,
  event_id bigint NOT NULL,
  passed integer NOT NULL,
  PRIMARY KEY (asset_key, check_name)
);
`;

export const PG_MIGRATIONS: readonly { version: number; sql: string }[] = [{ version: 1, sql: V1 }];
export const PG_SCHEMA_VERSION = PG_MIGRATIONS[PG_MIGRATIONS.length - 1].version;

async function versionOf(client: pg.PoolClient): Promise<number> {
  const exists = await client.query<{ t: string | null }>("SELECT to_regclass($1) AS t", [`${SCHEMA}.schema_version`]);
  if (exists.rows[0]?.t === null) return 0;
  const row = await client.query<{ version: number }>(`SELECT version FROM ${SCHEMA}.schema_version`);
  return row.rows[0]?.version ?? 0;
}

/** Brings the database up to the newest known version (creating the schema); throws when it is newer. */
export async function migrate(pool: pg.Pool, location: string): Promise<void> {
  // The first look is outside the transaction, on the client that then migrates: an up-to-date
  // database (every open but the first) costs no lock.
  await withClient(pool, async (client) => {
    const before = await versionOf(client);
    if (before > PG_SCHEMA_VERSION) throw new SchemaTooNewError(location, before, PG_SCHEMA_VERSION);
    if (before === PG_SCHEMA_VERSION) return;
    await transactionOn(client, async () => {
      await client.query("SELECT pg_advisory_xact_lock($1, $2)", [LOCK_CLASS, MIGRATE_LOCK]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${SCHEMA}.schema_version (version integer NOT NULL)`);
      // Re-read under the lock: another process may have migrated since the first look.
      const current = await versionOf(client);
      if (current > PG_SCHEMA_VERSION) throw new SchemaTooNewError(location, current, PG_SCHEMA_VERSION);
      for (const migration of PG_MIGRATIONS) {
        if (migration.version <= current) continue;
        await client.query(migration.sql);
      }
      await client.query(`DELETE FROM ${SCHEMA}.schema_version`);
      await client.query(`INSERT INTO ${SCHEMA}.schema_version VALUES ($1)`, [PG_SCHEMA_VERSION]);
    });
  });
}

/** For read-only opens: the database must already be at the known version (none yet: NoHistoryError). */
export async function assertReadable(pool: pg.Pool, location: string): Promise<void> {
  const found = await withClient(pool, versionOf);
  if (found === 0) throw new NoHistoryError(location);
  if (found > PG_SCHEMA_VERSION) throw new SchemaTooNewError(location, found, PG_SCHEMA_VERSION);
  if (found < PG_SCHEMA_VERSION) throw new SchemaOutdatedError(location, found, PG_SCHEMA_VERSION);
}
