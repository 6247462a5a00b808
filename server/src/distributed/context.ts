/**
 * What every distributed operation works with: the PostgreSQL history (whose write transactions
 * also carry this module's tables and pg-boss's jobs), a pool for reads and claims, the queue,
 * and the plans already read (a plan never changes once its run is enqueued).
 */
import type pg from "pg";
import { StoreError } from "../store/errors";
import { createPool } from "../store/postgres/connection";
import { type PostgresHistory } from "../store/postgres/postgresHistory";
import type { PlanStep } from "../executor/planner";
import { StepQueue, type QueueOptions, type StepJobOptions } from "./queue";
import { PlanGraph } from "./runState";
import { ensureDistributedSchema } from "./schema";

/** Per-run settings every worker applies to the run's steps. */
export interface DistributedRunOptions {
  /** Extra attempts after a failed one, as `--retries`. */
  readonly retries: number;
  /** Per-step timeout in ms, as `--timeout`. */
  readonly timeoutMs: number | undefined;
}

/** Attempts pg-boss may add for leases lost to dead or cut-off workers, beyond `retries`. */
export const LEASE_RETRIES = 2;
/** pg-boss refuses leases of 24 h or more; a step without a timeout gets the longest it allows. */
const LONGEST_LEASE_SECONDS = 23 * 3600;

/** A result that came from an attempt no longer holding its step: recorded nowhere. */
export class LeaseLostError extends StoreError {}

export interface PlanEntry {
  readonly graph: PlanGraph;
  readonly options: DistributedRunOptions;
}

export class DistributedContext {
  private readonly plans = new Map<string, PlanEntry>();

  private constructor(
    readonly history: PostgresHistory,
    readonly pool: pg.Pool,
    readonly queue: StepQueue,
    readonly url: string,
  ) {}

  /** Opens the queue and this module's tables beside an open PostgreSQL history. */
  static async open(
    history: PostgresHistory,
    url: string,
    queueOptions: QueueOptions,
    log: (message: string) => void,
  ): Promise<DistributedContext> {
    const pool = createPool(url, (error) => log(`queue connection dropped: ${error.message}`));
    try {
      await ensureDistributedSchema(pool);
      const queue = await StepQueue.open(url, pool, queueOptions, (error) => log(`pg-boss: ${error.message}`));
      return new DistributedContext(history, pool, queue, url);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
  }

  /** The run's plan and options, read once. */
  async plan(runId: string, client?: pg.PoolClient): Promise<PlanEntry | undefined> {
    const known = this.plans.get(runId);
    if (known) return known;
    type Row = { plan: PlanStep[]; options: DistributedRunOptions };
    const sql = "SELECT plan, options FROM dist_runs WHERE run_id = $1";
    const found = client ? await client.query<Row>(sql, [runId]) : await this.pool.query<Row>(sql, [runId]);
    const row = found.rows[0];
    if (row === undefined) return undefined;
    const entry = { graph: new PlanGraph(row.plan), options: row.options };
    this.plans.set(runId, entry);
    return entry;
  }

  /** pg-boss options of the run's jobs. */
  jobOptions(options: DistributedRunOptions): StepJobOptions {
    const lease = options.timeoutMs === undefined ? LONGEST_LEASE_SECONDS : Math.ceil(options.timeoutMs / 1000) + 60;
    return {
      retryLimit: options.retries + LEASE_RETRIES,
      retryDelaySeconds: 1,
      expireInSeconds: Math.min(lease, LONGEST_LEASE_SECONDS),
    };
  }

  async close(): Promise<void> {
    await this.queue.close();
    await this.pool.end().catch(() => undefined);
  }
}
