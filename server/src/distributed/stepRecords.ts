/**
 * A step's attempts on workers, fenced: a worker claims a job and records its attempt in one
 * transaction, so the step row always names the attempt that holds it; a result counts only
 * when, at commit, its attempt still holds the step and pg-boss still has its job active. A
 * late result (the worker's lease expired, another worker took the step) is rejected: nothing
 * of it is recorded but a note saying so. Workers whose heartbeat stopped lose their steps back
 * to the queue, each loss recorded as a retry.
 */
import type { AttemptOutcome } from "../executor/attempt";
import type { PlanStep } from "../executor/planner";
import { scope, stepFinishedEvents } from "../executor/recorder";
import type { EventInput } from "../store";
import type { HistoryTransaction } from "../store/postgres/postgresHistory";
import { fromPg, toPg } from "../store/postgres/text";
import { type DistributedContext, LeaseLostError, type PlanEntry } from "./context";
import type { FetchedJob } from "./queue";
import { endStep } from "./runRecords";
import { TERMINAL_STATES } from "./runState";

/** A step this worker holds: its job, its plan entry and the attempt it runs. */
export interface Claim {
  readonly job: FetchedJob;
  readonly runId: string;
  readonly step: PlanStep;
  readonly entry: PlanEntry;
  readonly attempt: number;
  /** Each upstream's newest materialization when the attempt started: what it consumes. */
  readonly consumed: Record<string, number>;
}

/** How a worker names itself in the history. */
export interface WorkerIdentity {
  readonly id: string;
  /** "worker pid 1234 on ci-runner-3", for messages. */
  readonly label: string;
}

/**
 * A queued step's claim by one attempt, in one statement: the step row becomes this attempt's
 * (unless the step already ended), an earlier attempt pg-boss expired on its own (no reaper saw
 * its worker die) ends as lost, and the attempt is recorded. Every sub-statement sees the same
 * snapshot, so the attempt inserted here is not among those marked lost.
 */
const CLAIM_SQL = `
WITH claimed AS (
  UPDATE dist_steps SET state = 'running', attempt = $3, worker_id = $4, job_id = $5
  WHERE run_id = $1 AND step_id = $2 AND state <> ALL($6::text[])
  RETURNING step_id
), lost AS (
  UPDATE dist_attempts SET outcome = 'lost', ended_at = clock_timestamp()
  WHERE run_id = $1 AND step_id = $2 AND outcome = 'running' AND EXISTS (SELECT 1 FROM claimed)
), recorded AS (
  INSERT INTO dist_attempts (run_id, step_id, attempt, worker_id, job_id)
  SELECT $1, $2, $3, $4, $5 FROM claimed
  ON CONFLICT DO NOTHING
)
SELECT count(*)::integer AS claimed FROM claimed`;

/**
 * Takes the next queued step and records its attempt's start, in one history transaction (the
 * fence and STEP_STARTED commit together); "empty" when the queue has none, "dropped" for a job
 * of a run or step that ended.
 */
export async function claimStep(ctx: DistributedContext, worker: WorkerIdentity): Promise<Claim | "empty" | "dropped"> {
  return ctx.history.transaction(async (tx) => {
    const job = await ctx.queue.fetch(tx.client);
    if (job === undefined) return "empty";
    const { runId, stepId } = job.data;
    const entry = await ctx.plan(runId, tx.client);
    const step = entry?.graph.byId.get(stepId);
    const claimed =
      entry !== undefined &&
      step !== undefined &&
      (
        await tx.client.query<{ claimed: number }>(CLAIM_SQL, [
          runId,
          stepId,
          job.attempt,
          worker.id,
          job.id,
          TERMINAL_STATES,
        ])
      ).rows[0]!.claimed === 1;
    if (!claimed) {
      await ctx.queue.complete(tx.client, job.id);
      return "dropped";
    }
    const consumed = await newestMaterializations(tx, step.parents);
    await tx.append(runId, [
      { type: "STEP_STARTED", ...scope(step), attempt: job.attempt },
      { type: "LOG", ...scope(step), level: "info", message: `attempt ${job.attempt} on ${worker.label}` },
    ]);
    return { job, runId, step, entry, attempt: job.attempt, consumed };
  });
}

/** What a step consumes: each upstream's newest materialization, read under the write lock. */
async function newestMaterializations(
  tx: HistoryTransaction,
  parents: readonly string[],
): Promise<Record<string, number>> {
  if (parents.length === 0) return {};
  const found = await tx.client.query<{ asset_key: string; id: string }>(
    "SELECT asset_key, last_materialization_event_id AS id FROM asset_latest WHERE asset_key = ANY($1) AND last_materialization_event_id IS NOT NULL",
    [parents.map((key) => toPg(key))],
  );
  return Object.fromEntries(found.rows.map((row) => [fromPg(row.asset_key), Number(row.id)]));
}

/** What an attempt produced, to be recorded if it still holds its step. */
export interface AttemptResult {
  readonly outcome: AttemptOutcome;
  readonly durationMs: number;
  readonly codeVersion: string;
  /** The worker refused the step (its code differs from the plan's): never retried. */
  readonly refused?: boolean;
}

/** Records an attempt's end; "rejected" when it no longer held its step (nothing recorded). */
export async function finishAttempt(
  ctx: DistributedContext,
  claim: Claim,
  worker: WorkerIdentity,
  result: AttemptResult,
): Promise<"recorded" | "retrying" | "rejected"> {
  const { runId, step, entry, job } = claim;
  try {
    return await ctx.history.transaction(async (tx) => {
      const fence = await lockFence(tx, claim);
      const cancelReason = fence?.cancel_reason ?? undefined;
      const { outcome } = result;
      const retriable =
        outcome.status === "error" && outcome.retriable && result.refused !== true && cancelReason === undefined;
      const retry = retriable && (await failedAttempts(tx, claim)) < entry.options.retries;
      const jobHeld = retry
        ? await ctx.queue.fail(tx.client, job.id, outcome.status === "error" ? outcome.error.message : "")
        : await ctx.queue.complete(tx.client, job.id);
      const cancelledJob =
        !jobHeld && cancelReason !== undefined && (await ctx.queue.stateOf(tx.client, job.id)) === "cancelled";
      if (fence === undefined || (!jobHeld && !cancelledJob) || !heldBy(fence, claim, worker.id))
        throw new LeaseLostError(`attempt ${claim.attempt} of ${step.id} lost its lease`);
      if (retry && outcome.status === "error") {
        await setAttempt(tx, claim, "failed");
        await tx.client.query("UPDATE dist_steps SET state = 'queued' WHERE run_id = $1 AND step_id = $2", [
          runId,
          step.id,
        ]);
        await tx.append(runId, [
          { type: "LOG", ...scope(step), level: "error", message: outcome.error.stack ?? outcome.error.message },
          { type: "STEP_RETRY", ...scope(step), attempt: claim.attempt + 1, message: outcome.error.message },
        ]);
        return "retrying";
      }
      const succeeded = outcome.status === "ok" && (step.kind === "asset" || outcome.passed === true);
      const events = stepFinishedEvents(step, outcome, result.durationMs, claim.consumed, result.codeVersion);
      const run = { runId, remaining: fence.remaining, cancelReason };
      await endStep(ctx, tx, run, entry, step, succeeded ? "succeeded" : "failed", events, {
        attempt: claim.attempt,
        outcome: result.refused ? "refused" : succeeded ? "succeeded" : "failed",
      });
      return "recorded";
    });
  } catch (error) {
    if (!(error instanceof LeaseLostError)) throw error;
    await recordRejection(ctx, claim, worker);
    return "rejected";
  }
}

/** The run's row and the step's, locked together: what a result's fence and the step's end need. */
interface Fence {
  readonly cancel_reason: string | null;
  readonly remaining: number;
  readonly state: string;
  readonly attempt: number;
  readonly worker_id: string | null;
}

async function lockFence(tx: HistoryTransaction, claim: Pick<Claim, "runId" | "step">): Promise<Fence | undefined> {
  const found = await tx.client.query<Fence>(
    `SELECT r.cancel_reason, r.remaining, s.state, s.attempt, s.worker_id
     FROM dist_runs r JOIN dist_steps s ON s.run_id = r.run_id
     WHERE r.run_id = $1 AND s.step_id = $2
     FOR UPDATE`,
    [claim.runId, claim.step.id],
  );
  return found.rows[0];
}

/** True when `claim`'s attempt, by `workerId`, holds its step. */
function heldBy(fence: Fence, claim: Pick<Claim, "attempt">, workerId: string): boolean {
  return fence.state === "running" && fence.attempt === claim.attempt && fence.worker_id === workerId;
}

/** A late result: its attempt is marked rejected and the run says so; nothing else is written. */
async function recordRejection(ctx: DistributedContext, claim: Claim, worker: WorkerIdentity): Promise<void> {
  await ctx.history.transaction(async (tx) => {
    const holder = await tx.client.query<{ attempt: number; state: string }>(
      "SELECT attempt, state FROM dist_steps WHERE run_id = $1 AND step_id = $2",
      [claim.runId, claim.step.id],
    );
    await setAttempt(tx, claim, "rejected");
    const now = holder.rows[0];
    const message =
      `the result of attempt ${claim.attempt} from ${worker.label} was rejected: its lease on the step had expired` +
      (now === undefined ? "" : ` (the step is ${now.state}, attempt ${now.attempt})`);
    await tx.append(claim.runId, [{ type: "LOG", ...scope(claim.step), level: "warn", message }]);
  });
}

/** A worker whose heartbeat stopped, as the reaper sees it. */
interface LostWorker {
  readonly id: string;
  readonly hostname: string;
  readonly pid: number;
  readonly silent_ms: number;
}

/**
 * Gives the steps of workers whose heartbeat expired back to pg-boss (a retry, recorded as
 * STEP_RETRY, or the step's failure once its retries are spent); returns how many steps moved.
 */
export async function reapLostWorkers(ctx: DistributedContext, selfId: string): Promise<number> {
  const lost = await ctx.pool.query<LostWorker>(
    `SELECT id, hostname, pid, (extract(epoch FROM clock_timestamp() - heartbeat_at) * 1000)::integer AS silent_ms
     FROM workers
     WHERE stopped_at IS NULL AND id <> $1 AND heartbeat_at < clock_timestamp() - make_interval(secs => expiry_ms / 1000.0)`,
    [selfId],
  );
  let moved = 0;
  for (const dead of lost.rows) {
    const why = `${workerLabel(dead.hostname, dead.pid)} stopped answering (no heartbeat for ${(dead.silent_ms / 1000).toFixed(1)} s)`;
    moved += await releaseSteps(ctx, dead.id, why);
    await ctx.pool.query("UPDATE workers SET stopped_at = clock_timestamp() WHERE id = $1 AND stopped_at IS NULL", [
      dead.id,
    ]);
  }
  return moved;
}

/** Gives every step `workerId` holds back to the queue (or fails it when out of retries), saying `why`. */
export async function releaseSteps(ctx: DistributedContext, workerId: string, why: string): Promise<number> {
  const steps = await ctx.pool.query<HeldStep>(
    "SELECT run_id, step_id, attempt, job_id FROM dist_steps WHERE state = 'running' AND worker_id = $1",
    [workerId],
  );
  let moved = 0;
  for (const row of steps.rows) if (await releaseStep(ctx, workerId, row, why)) moved++;
  return moved;
}

interface HeldStep {
  readonly run_id: string;
  readonly step_id: string;
  readonly attempt: number;
  readonly job_id: string;
}

async function releaseStep(ctx: DistributedContext, workerId: string, row: HeldStep, why: string): Promise<boolean> {
  return ctx.history.transaction(async (tx) => {
    const entry = await ctx.plan(row.run_id, tx.client);
    const step = entry?.graph.byId.get(row.step_id);
    if (entry === undefined || step === undefined) return false;
    const claim = { runId: row.run_id, step, attempt: row.attempt };
    const fence = await lockFence(tx, claim);
    if (fence === undefined || !heldBy(fence, claim, workerId)) return false;
    const cancelReason = fence.cancel_reason ?? undefined;
    if (cancelReason !== undefined) await ctx.queue.cancel(tx.client, [row.job_id]);
    else if (!(await ctx.queue.fail(tx.client, row.job_id, why))) return false;
    await setAttempt(tx, claim, "lost");
    const retried = cancelReason === undefined && (await ctx.queue.stateOf(tx.client, row.job_id)) === "retry";
    if (retried) {
      await tx.client.query("UPDATE dist_steps SET state = 'queued' WHERE run_id = $1 AND step_id = $2", [
        row.run_id,
        row.step_id,
      ]);
      const message = `${why}; attempt ${row.attempt} is lost and the step goes back to the queue`;
      await tx.append(row.run_id, [{ type: "STEP_RETRY", ...scope(step), attempt: row.attempt + 1, message }]);
      return true;
    }
    const message = cancelReason ?? `${why}; attempt ${row.attempt} was the last one allowed`;
    const events: EventInput[] = [{ type: "STEP_FAILURE", ...scope(step), message }];
    await endStep(
      ctx,
      tx,
      { runId: row.run_id, remaining: fence.remaining, cancelReason },
      entry,
      step,
      "failed",
      events,
    );
    return true;
  });
}

/** "worker pid 1234 on ci-runner-3". */
export function workerLabel(hostname: string, pid: number): string {
  return `worker pid ${pid} on ${hostname}`;
}

async function setAttempt(
  tx: HistoryTransaction,
  claim: Pick<Claim, "runId" | "step" | "attempt">,
  outcome: string,
): Promise<void> {
  await tx.client.query(
    "UPDATE dist_attempts SET outcome = $4, ended_at = clock_timestamp() WHERE run_id = $1 AND step_id = $2 AND attempt = $3",
    [claim.runId, claim.step.id, claim.attempt, outcome],
  );
}

/** Attempts of the step that failed on their own (lost leases do not count against --retries). */
async function failedAttempts(tx: HistoryTransaction, claim: Claim): Promise<number> {
  const failures = await tx.client.query<{ n: number }>(
    "SELECT count(*)::integer AS n FROM dist_attempts WHERE run_id = $1 AND step_id = $2 AND outcome = 'failed'",
    [claim.runId, claim.step.id],
  );
  return failures.rows[0]!.n;
}
