/**
 * The job queue: pg-boss 10 on the history's own PostgreSQL (schema `pgboss`). Each job is one
 * attempt-able step of a distributed run; pg-boss gives SKIP LOCKED fetching, retries with
 * backoff, and expiry of jobs whose worker vanished. Every call here takes the connection of the
 * transaction it belongs to (pg-boss's `db` option), so enqueuing downstream steps and
 * completing a job commit together with the events that record them.
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import type PgBoss from "pg-boss";
import { inTransaction } from "../store/postgres/connection";
import { LOCK_CLASS } from "../store/postgres/schema";
import { QUEUE_CREATION_LOCK } from "./schema";

/** The one queue every workspace's distributed steps go through. */
export const STEP_QUEUE = "assetline-steps";
/** Workers LISTEN here: a commit that enqueued steps wakes them instead of waiting for a poll. */
export const STEPS_CHANNEL = "assetline_steps";

/** What a job carries: enough to find its step and to refuse it when the code differs. */
export interface StepJobData {
  readonly runId: string;
  readonly stepId: string;
  /** The code version the planner's analysis computed for the step. */
  readonly codeVersion: string;
}

/** Per-job pg-boss options, from the run's options. */
export interface StepJobOptions {
  /** Attempts pg-boss may start after the first (failed attempts and lost leases together). */
  readonly retryLimit: number;
  /** Seconds before a retry (doubling with pg-boss's backoff). */
  readonly retryDelaySeconds: number;
  /** The job's lease: pg-boss fails (and retries) a job active longer than this. */
  readonly expireInSeconds: number;
}

/** A fetched job with what fencing needs: its id and which attempt this is. */
export interface FetchedJob {
  readonly id: string;
  readonly data: StepJobData;
  /** 1 for the first fetch, 2 after one retry, … */
  readonly attempt: number;
}

export interface QueueOptions {
  /** Run pg-boss maintenance (expiring lost jobs) in this process: workers do, planners not. */
  readonly supervise: boolean;
  /** How often maintenance runs; default 30 s. */
  readonly maintenanceIntervalSeconds?: number;
}

/** pg-boss's Db: one statement on the caller's transaction. */
function dbOf(client: pg.ClientBase): PgBoss.Db {
  return { executeSql: (text, values) => client.query(text, values) };
}

export class StepQueue {
  private constructor(private readonly boss: PgBoss) {}

  /**
   * Starts pg-boss on `url` (installing its schema on first use) and creates the step queue;
   * `pool` (on the same database) holds the lock that lets one process create it.
   */
  static async open(
    url: string,
    pool: pg.Pool,
    options: QueueOptions,
    onError: (error: Error) => void,
  ): Promise<StepQueue> {
    // Loaded on first use: a CLI that never distributes work never pays for pg-boss.
    const PgBossClass = require("pg-boss") as typeof PgBoss;
    const boss = new PgBossClass({
      connectionString: url,
      max: 2,
      application_name: "assetline-queue",
      supervise: options.supervise,
      schedule: false,
      maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 30,
    });
    boss.on("error", onError);
    await boss.start();
    if ((await boss.getQueue(STEP_QUEUE)) === null) {
      // pg-boss's create_queue run by processes at once on a new database can fail with
      // "deadlock detected" (workers starting together did, and exited): one creates it while
      // the others wait, then find it. Our transaction only holds the lock; pg-boss creates.
      await inTransaction(pool, async (client) => {
        await client.query("SELECT pg_advisory_xact_lock($1, $2)", [LOCK_CLASS, QUEUE_CREATION_LOCK]);
        if ((await boss.getQueue(STEP_QUEUE)) === null) await boss.createQueue(STEP_QUEUE);
      });
    }
    return new StepQueue(boss);
  }

  /**
   * Enqueues steps inside the caller's transaction, in one statement whatever their number (a
   * run's roots may be thousands); returns their job ids in order.
   */
  async send(client: pg.ClientBase, jobs: readonly StepJobData[], options: StepJobOptions): Promise<string[]> {
    if (jobs.length === 0) return [];
    const ids = jobs.map(() => randomUUID());
    await this.boss.insert(
      jobs.map((data, i) => ({
        id: ids[i],
        name: STEP_QUEUE,
        data,
        retryLimit: options.retryLimit,
        retryDelay: options.retryDelaySeconds,
        retryBackoff: true,
        expireInSeconds: options.expireInSeconds,
      })),
      { db: dbOf(client) },
    );
    await client.query("SELECT pg_notify($1, '')", [STEPS_CHANNEL]);
    return ids;
  }

  /** Takes the next job (it becomes active: this process's lease) inside the caller's transaction. */
  async fetch(client: pg.ClientBase): Promise<FetchedJob | undefined> {
    const [job] = await this.boss.fetch<StepJobData>(STEP_QUEUE, {
      db: dbOf(client),
      batchSize: 1,
      includeMetadata: true,
    });
    return job === undefined ? undefined : { id: job.id, data: job.data, attempt: job.retryCount + 1 };
  }

  /** Completes an active job; false when it is no longer active (its lease was lost). */
  async complete(client: pg.ClientBase, jobId: string): Promise<boolean> {
    const result = await this.boss.complete(STEP_QUEUE, jobId, {}, { db: dbOf(client) });
    return affected(result) === 1;
  }

  /** Fails a job not yet finished, so pg-boss retries it (or gives up at its retry limit). */
  async fail(client: pg.ClientBase, jobId: string, message: string): Promise<boolean> {
    const result = await this.boss.fail(STEP_QUEUE, jobId, { message }, { db: dbOf(client) });
    return affected(result) === 1;
  }

  /** Cancels jobs not yet finished (a cancelled run's queued steps). */
  async cancel(client: pg.ClientBase, jobIds: readonly string[]): Promise<void> {
    if (jobIds.length > 0) await this.boss.cancel(STEP_QUEUE, [...jobIds], { db: dbOf(client) });
  }

  /** The job's state as pg-boss keeps it ("retry", "failed", …), or undefined when gone. */
  async stateOf(client: pg.ClientBase, jobId: string): Promise<string | undefined> {
    const job = await this.boss.getJobById(STEP_QUEUE, jobId, { db: dbOf(client), includeArchive: true });
    return job?.state;
  }

  async close(): Promise<void> {
    await this.boss.stop({ graceful: false, wait: true, close: true }).catch(() => undefined);
  }
}

/** pg-boss 10's complete/fail/cancel resolve to `{ affected }`, which its types leave out. */
function affected(result: unknown): number {
  const count = (result as { affected?: unknown } | undefined)?.affected;
  return typeof count === "number" ? count : 0;
}
