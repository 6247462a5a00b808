/**
 * Run-level records of a distributed run, each one history write transaction: enqueuing a
 * planned run, cancelling it, and ending one of its steps (recording its events, enqueuing the
 * downstream that became ready, skipping what can no longer run, and ending the run with its
 * last step). The history's write lock is taken first in every one of them, then the run's row,
 * then jobs, then step rows: one order, so concurrent workers never deadlock.
 */
import type { PlanStep, RunPlan } from "../executor/planner";
import { scope } from "../executor/recorder";
import { TERMINAL_EVENT } from "../store/derived";
import type { EventInput } from "../store";
import type { HistoryTransaction } from "../store/postgres/postgresHistory";
import type { DistributedContext, DistributedRunOptions, PlanEntry } from "./context";
import { advance, PlanGraph, runOutcome, type StepState } from "./runState";

/** Records the plan of a created run and enqueues the steps that wait for nothing. */
export async function enqueueRun(
  ctx: DistributedContext,
  runId: string,
  plan: RunPlan,
  options: DistributedRunOptions,
): Promise<void> {
  const graph = new PlanGraph(plan.steps);
  await ctx.history.transaction(async (tx) => {
    await tx.client.query("INSERT INTO dist_runs (run_id, plan, options, remaining) VALUES ($1, $2, $3, $4)", [
      runId,
      JSON.stringify(plan.steps),
      JSON.stringify(options),
      plan.steps.length,
    ]);
    await tx.client.query("INSERT INTO dist_steps (run_id, step_id, state) SELECT $1, unnest($2::text[]), 'pending'", [
      runId,
      plan.steps.map((step) => step.id),
    ]);
    await enqueueSteps(ctx, tx, runId, graph.roots(), options);
  });
}

/**
 * Cancels a run: queued and pending steps are skipped (their jobs cancelled), running ones are
 * terminated by their workers, which see the request; the run ends with its last step, or now.
 */
export async function cancelRun(ctx: DistributedContext, runId: string, reason: string): Promise<void> {
  await ctx.history.transaction(async (tx) => {
    const run = await lockRun(tx, runId);
    if (run === undefined || run.cancel_reason !== null || run.remaining === 0) return;
    await tx.client.query("UPDATE dist_runs SET cancel_reason = $2 WHERE run_id = $1", [runId, reason]);
    const queued = await tx.client.query<{ job_id: string }>(
      "SELECT job_id FROM dist_steps WHERE run_id = $1 AND state = 'queued' AND job_id IS NOT NULL",
      [runId],
    );
    await ctx.queue.cancel(
      tx.client,
      queued.rows.map((row) => row.job_id),
    );
    const skipped = await tx.client.query<{ step_id: string }>(
      "UPDATE dist_steps SET state = 'skipped' WHERE run_id = $1 AND state IN ('pending', 'queued') RETURNING step_id",
      [runId],
    );
    const entry = await ctx.plan(runId, tx.client);
    const events: EventInput[] = skipped.rows.map(({ step_id }) => ({
      type: "STEP_SKIPPED",
      ...scope(entry!.graph.byId.get(step_id)!),
      reason,
    }));
    await tx.append(runId, events);
    await countDown(tx, runId, skipped.rows.length, entry!, reason);
  });
}

/** The run's row, locked for this transaction. */
export async function lockRun(
  tx: HistoryTransaction,
  runId: string,
): Promise<{ cancel_reason: string | null; remaining: number } | undefined> {
  const found = await tx.client.query<{ cancel_reason: string | null; remaining: number }>(
    "SELECT cancel_reason, remaining FROM dist_runs WHERE run_id = $1 FOR UPDATE",
    [runId],
  );
  return found.rows[0];
}

/** The run's row as a step's end needs it, locked by the caller's transaction. */
export interface LockedRun {
  readonly runId: string;
  readonly remaining: number;
  readonly cancelReason: string | undefined;
}

/**
 * Ending a step in one statement: its state, the run's count of steps left, the attempt's
 * outcome (when given), and the states of the steps its end touches, as they were before (the
 * sub-statements share one snapshot; the ended step's own new state is known).
 */
const END_STEP_SQL = `
WITH ended AS (
  UPDATE dist_steps SET state = $3 WHERE run_id = $1 AND step_id = $2
), counted AS (
  UPDATE dist_runs SET remaining = remaining - 1 WHERE run_id = $1
), attempt AS (
  UPDATE dist_attempts SET outcome = $5, ended_at = clock_timestamp()
  WHERE run_id = $1 AND step_id = $2 AND attempt = $6::integer AND $5::text IS NOT NULL
)
SELECT step_id, state FROM dist_steps WHERE run_id = $1 AND step_id = ANY($4)`;

/**
 * Ends `step` as `state` with its `events`, inside the caller's transaction (which holds the
 * run's row): records the attempt's outcome when given, enqueues what became ready, skips what
 * cannot run, and ends the run when nothing is left.
 */
export async function endStep(
  ctx: DistributedContext,
  tx: HistoryTransaction,
  run: LockedRun,
  entry: PlanEntry,
  step: PlanStep,
  state: "succeeded" | "failed",
  events: readonly EventInput[],
  attempt?: { readonly attempt: number; readonly outcome: string },
): Promise<void> {
  const { runId, cancelReason } = run;
  const touched = entry.graph.touchedBy(step.id, state === "succeeded");
  const found = await tx.client.query<{ step_id: string; state: StepState }>(END_STEP_SQL, [
    runId,
    step.id,
    state,
    touched,
    attempt?.outcome ?? null,
    attempt?.attempt ?? null,
  ]);
  const states = new Map(found.rows.map((row) => [row.step_id, row.state]));
  states.set(step.id, state);
  const { ready, skipped } = advance(entry.graph, states, step.id);
  const skipEvents: EventInput[] = skipped.map(({ step: other, reason }) => ({
    type: "STEP_SKIPPED",
    ...scope(other),
    reason,
  }));
  await tx.append(runId, [...events, ...skipEvents]);
  if (skipped.length > 0) {
    await tx.client.query(
      `WITH skipped AS (UPDATE dist_steps SET state = 'skipped' WHERE run_id = $1 AND step_id = ANY($2))
       UPDATE dist_runs SET remaining = remaining - $3 WHERE run_id = $1`,
      [runId, skipped.map(({ step: other }) => other.id), skipped.length],
    );
  }
  // A cancelled run starts nothing more; what was pending was skipped by the cancellation.
  if (cancelReason === undefined) await enqueueSteps(ctx, tx, runId, ready, entry.options);
  // The run's row is locked: what is left is known without reading it again.
  if (run.remaining - 1 - skipped.length === 0) await endRun(tx, runId, entry, cancelReason);
}

/** Sends the steps' jobs and marks the steps queued. */
async function enqueueSteps(
  ctx: DistributedContext,
  tx: HistoryTransaction,
  runId: string,
  steps: readonly PlanStep[],
  options: DistributedRunOptions,
): Promise<void> {
  const jobs = steps.map((step) => ({ runId, stepId: step.id, codeVersion: step.codeVersion }));
  const jobIds = await ctx.queue.send(tx.client, jobs, ctx.jobOptions(options));
  if (jobIds.length === 0) return;
  await tx.client.query(
    `UPDATE dist_steps SET state = 'queued', job_id = j.job_id
     FROM unnest($2::text[], $3::uuid[]) AS j(step_id, job_id)
     WHERE dist_steps.run_id = $1 AND dist_steps.step_id = j.step_id`,
    [runId, steps.map((step) => step.id), jobIds],
  );
}

/** Counts `ended` steps off the run; the transaction that ends the last one ends the run. */
async function countDown(
  tx: HistoryTransaction,
  runId: string,
  ended: number,
  entry: PlanEntry,
  cancelReason: string | undefined,
): Promise<void> {
  const left = await tx.client.query<{ remaining: number }>(
    "UPDATE dist_runs SET remaining = remaining - $2 WHERE run_id = $1 RETURNING remaining",
    [runId, ended],
  );
  if (left.rows[0]!.remaining === 0) await endRun(tx, runId, entry, cancelReason);
}

/** Records the run's terminal event, from the states of all its steps. */
async function endRun(
  tx: HistoryTransaction,
  runId: string,
  entry: PlanEntry,
  cancelReason: string | undefined,
): Promise<void> {
  const all = await tx.client.query<{ step_id: string; state: StepState }>(
    "SELECT step_id, state FROM dist_steps WHERE run_id = $1",
    [runId],
  );
  const states = new Map(all.rows.map((row) => [row.step_id, row.state]));
  const { status, message } = runOutcome(entry.graph, states, cancelReason !== undefined);
  const terminal = { type: TERMINAL_EVENT[status], message: status === "CANCELED" ? cancelReason : message };
  await tx.append(runId, [terminal as EventInput]);
}
