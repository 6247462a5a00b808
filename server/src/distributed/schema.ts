/**
 * The distributed executor's tables, beside the history's in the `assetline` schema (so one
 * transaction can record a step's events, its state here and the jobs of its downstream):
 *
 * - `dist_runs`: each distributed run's plan, its per-step options and a cancellation request;
 * - `dist_steps`: each planned step's current state, attempt and worker, the fence results are
 *   checked against (a result counts only from the attempt that holds the step);
 * - `dist_attempts`: every attempt, with its worker and how it ended (what `runs` shows);
 * - `workers`: live workers and their heartbeats (what `assetline workers` lists, and what
 *   tells that a worker died holding steps).
 *
 * Created idempotently under an advisory lock, so workers and planners starting together agree.
 */
import type pg from "pg";
import { inTransaction, SCHEMA } from "../store/postgres/connection";
import { LOCK_CLASS } from "../store/postgres/schema";

/** The advisory lock (in the history's lock class) that serializes creating these tables. */
const DISTRIBUTED_SCHEMA_LOCK = 3;
/** The one that serializes creating pg-boss's step queue (queue.ts). */
export const QUEUE_CREATION_LOCK = 4;

const DDL = `
CREATE TABLE IF NOT EXISTS ${SCHEMA}.dist_runs (
  run_id text PRIMARY KEY,
  plan jsonb NOT NULL,
  options jsonb NOT NULL,
  cancel_reason text,
  -- Steps not yet ended: the transaction that brings it to 0 ends the run.
  remaining integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS dist_runs_open ON ${SCHEMA}.dist_runs (run_id) WHERE remaining > 0;
CREATE TABLE IF NOT EXISTS ${SCHEMA}.dist_steps (
  run_id text NOT NULL REFERENCES ${SCHEMA}.dist_runs (run_id),
  step_id text NOT NULL,
  state text NOT NULL CHECK (state IN ('pending', 'queued', 'running', 'succeeded', 'failed', 'skipped')),
  attempt integer NOT NULL DEFAULT 0,
  worker_id text,
  job_id uuid,
  PRIMARY KEY (run_id, step_id)
);
CREATE INDEX IF NOT EXISTS dist_steps_running ON ${SCHEMA}.dist_steps (worker_id) WHERE state = 'running';
CREATE TABLE IF NOT EXISTS ${SCHEMA}.dist_attempts (
  run_id text NOT NULL,
  step_id text NOT NULL,
  attempt integer NOT NULL,
  worker_id text NOT NULL,
  job_id uuid NOT NULL,
  started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  ended_at timestamptz,
  outcome text NOT NULL DEFAULT 'running'
    CHECK (outcome IN ('running', 'succeeded', 'failed', 'retried', 'lost', 'refused', 'rejected')),
  PRIMARY KEY (run_id, step_id, attempt)
);
CREATE TABLE IF NOT EXISTS ${SCHEMA}.workers (
  id text PRIMARY KEY,
  hostname text NOT NULL,
  pid integer NOT NULL,
  concurrency integer NOT NULL,
  expiry_ms integer NOT NULL,
  started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  heartbeat_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  stopped_at timestamptz
);
`;

/** Creates the tables when missing. */
export async function ensureDistributedSchema(pool: pg.Pool): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock($1, $2)", [LOCK_CLASS, DISTRIBUTED_SCHEMA_LOCK]);
    await client.query(DDL);
  });
}
