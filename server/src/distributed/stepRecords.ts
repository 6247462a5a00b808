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
import { type DistributedContext, LeaseLostError, type PlanEntry } from "./context";
import type { FetchedJob } from "./queue";
import { endStep, lockRun } from "./runRecords";
import { TERMINAL_STATES } from "./runState";

/** A step this worker holds: its job, its plan entry and the attempt it runs. */
export interface Claim {
  readonly job: FetchedJob;
  readonly runId: string;
  readonly step: PlanStep;
  readonly entry: PlanEntry;
  readonly attempt: number;
}

/** How a worker names itself in the history. */
export interface WorkerIdentity {
  readonly id: string;
  /** "worker pid 1234 on ci-runner-3", for messages. */
  readonly label: string;
}

/** Takes the next queued step; "empty" when the queue has none, "dropped" for a job of a run that ended. */
export async function claimStep(ctx: DistributedContext, worker: WorkerIdentity): Promise<Claim | "empty" | "dropped"> {
  const client = await ctx.pool.connect();
  try {
    await client.query("BEGIN");
    try {
      const job = await ctx.queue.fetch(client);
      if (job === undefined) {
        await client.query("COMMIT");
        return "empty";
      }
      const { runId, stepId } = job.data;
      const entry = await ctx.plan(runId, client);
      const step = entry?.graph.byId.get(stepId);
      const row = await client.query<{ state: string }>(
        "SELECT state FROM dist_steps WHERE run_id = $1 AND step_id = $2 FOR UPDATE",
        [runId, stepId],
      );
      const state = row.rows[0]?.state;
      if (entry === undefined || step === undefined || state === undefined || isTerminal(state)) {
        await ctx.queue.complete(client, job.id);
        await client.query("COMMIT");
        return "dropped";
      }
      // An earlier attempt pg-boss expired on its own (no reaper saw its worker die) ends here.
      await client.query(
        "UPDATE dist_attempts SET outcome = 'lost', ended_at = clock_timestamp() WHERE run_id = $1 AND step_id = $2 AND outcome = 'running'",
        [runId, stepId],
      );
      await client.query(
        "INSERT INTO dist_attempts (run_id, step_id, attempt, worker_id, job_id) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        [runId, stepId, job.attempt, worker.id, job.id],
      );
      await client.query(
        "UPDATE dist_steps SET state = 'running', attempt = $3, worker_id = $4, job_id = $5 WHERE run_id = $1 AND step_id = $2",
        [runId, stepId, job.attempt, worker.id, job.id],
      );
      await client.query("COMMIT");
      return { job, runId, step, entry, attempt: job.attempt };
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    }
  } finally {
    client.release();
  }
}

/** Records the attempt's start; returns what it consumes (each upstream's newest materialization). */
export async function recordStarted(
  ctx: DistributedContext,
  claim: Claim,
  worker: WorkerIdentity,
): Promise<Record<string, number>> {
  const consumed: Record<string, number> = {};
  for (const parent of claim.step.parents) {
    const latest = await ctx.history.latestMaterialization(parent);
    if (latest) consumed[parent] = latest.eventId;
  }
  await ctx.history.transaction(async (tx) => {
    if (!(await holds(tx, claim, worker.id))) throw new LeaseLostError(`attempt ${claim.attempt} lost its step`);
    await tx.append(claim.runId, [
      { type: "STEP_STARTED", ...scope(claim.step), attempt: claim.attempt },
      { type: "LOG", ...scope(claim.step), level: "info", message: `attempt ${claim.attempt} on ${worker.label}` },
    ]);
  });
  return consumed;
}

/** What an attempt produced, to be recorded if it still holds its step. */
export interface AttemptResult {
  readonly outcome: AttemptOutcome;
  readonly durationMs: number;
  readonly consumed: Record<string, number>;
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
      const run = await lockRun(tx, runId);
      const cancelReason = run?.cancel_reason ?? undefined;
      const { outcome } = result;
      const retriable =
        outcome.status === "error" && outcome.retriable && result.refused !== true && cancelReason === undefined;
      const retry = retriable && (await failedAttempts(tx, claim)) < entry.options.retries;
      const jobHeld = retry
        ? await ctx.queue.fail(tx.client, job.id, outcome.status === "error" ? outcome.error.message : "")
        : await ctx.queue.complete(tx.client, job.id);
      const cancelledJob =
        !jobHeld && cancelReason !== undefined && (await ctx.queue.stateOf(tx.client, job.id)) === "cancelled";
      if ((!jobHeld && !cancelledJob) || !(await holds(tx, claim, worker.id)))
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
      await setAttempt(tx, claim, result.refused ? "refused" : succeeded ? "succeeded" : "failed");
      const events = stepFinishedEvents(step, outcome, result.durationMs, result.consumed, result.codeVersion);
      await endStep(ctx, tx, runId, entry, step, succeeded ? "succeeded" : "failed", events, cancelReason);
      return "recorded";
    });
  } catch (error) {
    if (!(error instanceof LeaseLostError)) throw error;
    await recordRejection(ctx, claim, worker);
    return "rejected";
  }
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
    const run = await lockRun(tx, row.run_id);
    const entry = await ctx.plan(row.run_id, tx.client);
    const step = entry?.graph.byId.get(row.step_id);
    if (run === undefined || entry === undefined || step === undefined) return false;
    const claim = { runId: row.run_id, step, attempt: row.attempt };
    if (!(await holds(tx, claim, workerId))) return false;
    const cancelReason = run.cancel_reason ?? undefined;
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
    await endStep(ctx, tx, row.run_id, entry, step, "failed", events, cancelReason);
    return true;
  });
}

/** "worker pid 1234 on ci-runner-3". */
export function workerLabel(hostname: string, pid: number): string {
  return `worker pid ${pid} on ${hostname}`;
}

/** True when `claim`'s attempt, by `workerId`, holds its step (the row is locked for the transaction). */
async function holds(
  tx: HistoryTransaction,
  claim: Pick<Claim, "runId" | "step" | "attempt">,
  workerId: string,
): Promise<boolean> {
  const row = await tx.client.query<{ state: string; attempt: number; worker_id: string | null }>(
    "SELECT state, attempt, worker_id FROM dist_steps WHERE run_id = $1 AND step_id = $2 FOR UPDATE",
    [claim.runId, claim.step.id],
  );
  const found = row.rows[0];
  return (
    found !== undefined && found.state === "running" && found.attempt === claim.attempt && found.worker_id === workerId
  );
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

function isTerminal(state: string): boolean {
  return (TERMINAL_STATES as readonly string[]).includes(state);
}
