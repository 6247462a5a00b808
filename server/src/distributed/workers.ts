/**
 * The live workers of a history, for `assetline workers`: those whose heartbeat is younger than
 * their own expiry, with the steps they hold now.
 */
import { createPool, reachable, locationOf } from "../store/postgres/connection";
import { workerLabel } from "./stepRecords";

export interface WorkerInfo {
  readonly id: string;
  readonly hostname: string;
  readonly pid: number;
  readonly concurrency: number;
  readonly startedAt: number;
  readonly heartbeatAgeMs: number;
  readonly steps: readonly { readonly runId: string; readonly step: string; readonly attempt: number }[];
}

export async function listWorkers(url: string): Promise<WorkerInfo[]> {
  const pool = createPool(url, () => undefined);
  try {
    return await reachable(locationOf(url, undefined), async () => {
      const exists = await pool.query<{ t: string | null }>("SELECT to_regclass('assetline.workers') AS t");
      if (exists.rows[0]?.t === null) return [];
      const workers = await pool.query<{
        id: string;
        hostname: string;
        pid: number;
        concurrency: number;
        started_ms: number;
        age_ms: number;
      }>(
        `SELECT id, hostname, pid, concurrency, (extract(epoch FROM started_at) * 1000)::bigint AS started_ms,
                (extract(epoch FROM clock_timestamp() - heartbeat_at) * 1000)::bigint AS age_ms
         FROM workers
         WHERE stopped_at IS NULL AND heartbeat_at > clock_timestamp() - make_interval(secs => expiry_ms / 1000.0)
         ORDER BY hostname, pid`,
      );
      const steps = await pool.query<{ worker_id: string; run_id: string; step_id: string; attempt: number }>(
        "SELECT worker_id, run_id, step_id, attempt FROM dist_steps WHERE state = 'running' AND worker_id = ANY($1) ORDER BY run_id, step_id",
        [workers.rows.map((row) => row.id)],
      );
      return workers.rows.map((row) => ({
        id: row.id,
        hostname: row.hostname,
        pid: row.pid,
        concurrency: row.concurrency,
        startedAt: row.started_ms,
        heartbeatAgeMs: row.age_ms,
        steps: steps.rows
          .filter((step) => step.worker_id === row.id)
          .map((step) => ({ runId: step.run_id, step: step.step_id, attempt: step.attempt })),
      }));
    });
  } finally {
    await pool.end().catch(() => undefined);
  }
}

/** Which workers ran steps of each run (distributed runs only): run id → "worker pid N on host" labels, with step counts. */
export async function workersOfRuns(url: string, runIds: readonly string[]): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  if (runIds.length === 0) return found;
  const pool = createPool(url, () => undefined);
  try {
    return await reachable(locationOf(url, undefined), async () => {
      const exists = await pool.query<{ t: string | null }>("SELECT to_regclass('assetline.dist_attempts') AS t");
      if (exists.rows[0]?.t === null) return found;
      const rows = await pool.query<{ run_id: string; hostname: string; pid: number; steps: number }>(
        `SELECT a.run_id, w.hostname, w.pid, count(*)::integer AS steps
         FROM dist_attempts a JOIN workers w ON w.id = a.worker_id
         WHERE a.run_id = ANY($1)
         GROUP BY a.run_id, w.hostname, w.pid ORDER BY a.run_id, w.hostname, w.pid`,
        [[...runIds]],
      );
      for (const row of rows.rows) {
        const label = `${workerLabel(row.hostname, row.pid)} (${row.steps} attempt${row.steps === 1 ? "" : "s"})`;
        found.set(row.run_id, [...(found.get(row.run_id) ?? []), label]);
      }
      return found;
    });
  } finally {
    await pool.end().catch(() => undefined);
  }
}
