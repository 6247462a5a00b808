/**
 * `materialize --distributed`: the run goes to the step queue on the workspace's PostgreSQL
 * history and `assetline worker` processes run it; this process records the plan, enqueues the
 * first steps and prints the run's progress until a worker records its end. Ctrl-C cancels the
 * run (the workers see it); a second Ctrl-C leaves at once and the run goes on being cancelled.
 */
import { DistributedContext } from "../../distributed/context";
import { launchDistributedRun } from "../../distributed/launch";
import type { RunPlan } from "../../executor";
import type { PostgresHistory } from "../../store/postgres/postgresHistory";
import { EXIT } from "../errors";
import { openPostgresHistory } from "../history";
import { ProgressPrinter } from "../progress";
import { writeText } from "../terminalText";

/** Opens the configured PostgreSQL history (or exits 2, naming `what`) and the queue beside it. */
export async function openDistributed(
  dir: string,
  what: string,
  supervise: boolean,
): Promise<{ history: PostgresHistory; ctx: DistributedContext }> {
  const { history, target } = await openPostgresHistory(dir, what);
  try {
    const ctx = await DistributedContext.open(history, target.url, { supervise }, (message) =>
      process.stderr.write(`assetline: ${message}\n`),
    );
    return { history, ctx };
  } catch (error) {
    await history.close();
    throw error;
  }
}

export async function materializeDistributed(
  dir: string,
  plan: RunPlan,
  selection: string,
  options: { retries: number | undefined; timeoutMs: number | undefined },
): Promise<number> {
  const { history, ctx } = await openDistributed(dir, "materialize --distributed", false);
  const progress = new ProgressPrinter(process.stdout);
  let interrupts = 0;
  const onSignal = (): void => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    process.stdout.write("Cancelling the run; the workers stop its running steps (Ctrl-C again to leave now)\n");
    void handle?.cancel("run cancelled").catch((error: unknown) => {
      process.stderr.write(`assetline: could not cancel the run: ${String(error)}\n`);
    });
  };
  let handle: Awaited<ReturnType<typeof launchDistributedRun>> | undefined;
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const started = Date.now();
  try {
    handle = await launchDistributedRun(ctx, history, plan, {
      selection,
      retries: options.retries ?? 0,
      timeoutMs: options.timeoutMs,
      onEvent: (event) => progress.onEvent(event),
    });
    progress.print(`Run ${handle.runId}: ${plan.steps.length} step(s) queued for the workers on ${history.location}`);
    if (interrupts > 0) await handle.cancel("run cancelled");
    const end = await handle.done;
    progress.stop();
    const status = end.type === "RUN_SUCCESS" ? "success" : end.type === "RUN_CANCELED" ? "canceled" : "failure";
    const message = "message" in end && end.message ? ` (${end.message})` : "";
    writeText(
      process.stdout,
      `Run ${handle.runId} ${status} in ${((Date.now() - started) / 1000).toFixed(1)} s${message}\n`,
    );
    if (status !== "success") writeText(process.stdout, `See the logs: assetline logs ${handle.runId} --dir ${dir}\n`);
    return status === "success" ? EXIT.ok : EXIT.problems;
  } finally {
    progress.stop();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await ctx.close();
    await history.close();
  }
}
