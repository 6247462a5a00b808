/**
 * `assetline worker`: joins the step queue and runs steps of distributed runs with the same
 * machinery as a local run (the worker-process pool, the bundler and its code versions,
 * timeouts, log capture), each step bundled from this worker's own checkout. A step whose code
 * version here differs from the planner's is refused, never run. A heartbeat in `workers` says
 * this worker lives; the same tick renews its runs' heartbeats, terminates steps of cancelled
 * runs, and gives the steps of workers that stopped beating back to the queue.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { join } from "node:path";
import type pg from "pg";
import type { BackendTarget } from "../config/workspaceConfig";
import { type Attempt, failed, startAttempt, stepName, type AttemptOutcome } from "../executor/attempt";
import { BundleError, Bundler } from "../executor/bundler";
import { defaultNodePath, defaultSdkPath, defaultWorkerScript } from "../executor/executor";
import { RunEvents, RunRecorder } from "../executor/recorder";
import { WorkerPool } from "../executor/workerPool";
import { postgresDriver } from "../store/postgres/connection";
import type { PostgresHistory } from "../store/postgres/postgresHistory";
import { DistributedContext } from "./context";
import { STEPS_CHANNEL } from "./queue";
import {
  type AttemptResult,
  type Claim,
  claimStep,
  finishAttempt,
  reapLostWorkers,
  releaseSteps,
  type WorkerIdentity,
  workerLabel,
} from "./stepRecords";

export interface WorkerOptions {
  readonly workspaceRoot: string;
  readonly history: PostgresHistory;
  readonly historyUrl: string;
  readonly warehouse: BackendTarget;
  /** Steps run at once (and worker processes). */
  readonly concurrency: number;
  /** How often the heartbeat is written; default 2 s. */
  readonly heartbeatMs?: number;
  /** Silence after which other workers take this one's steps; default 5 heartbeats. */
  readonly expiryMs?: number;
  /** How often the queue is polled when no notification came; default 1 s. */
  readonly pollMs?: number;
  readonly nodePath?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly log: (message: string) => void;
}

/** How long a result that could not be written waits before the next try (the database restarting). */
const FINISH_RETRY_MS = 1000;

export class DistributedWorker {
  readonly identity: WorkerIdentity;
  private readonly pool: WorkerPool;
  private readonly bundler: Bundler;
  private readonly running = new Map<string, { claim: Claim; attempt: Attempt | undefined }>();
  private stopping = false;
  private wake: (() => void) | undefined;
  private timers: NodeJS.Timeout[] = [];
  private listener: pg.Client | undefined;
  private loopDone: Promise<void> | undefined;
  private readonly heartbeatMs: number;
  private readonly expiryMs: number;

  private constructor(
    private readonly options: WorkerOptions,
    private readonly ctx: DistributedContext,
  ) {
    const id = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
    this.identity = { id, label: workerLabel(hostname(), process.pid) };
    this.heartbeatMs = options.heartbeatMs ?? 2000;
    this.expiryMs = options.expiryMs ?? this.heartbeatMs * 5;
    this.pool = new WorkerPool({
      workerScript: defaultWorkerScript(),
      execPath: options.nodePath ?? defaultNodePath(),
      size: options.concurrency,
      cwd: options.workspaceRoot,
      env: options.env,
    });
    this.bundler = new Bundler({ workspaceRoot: options.workspaceRoot, sdkPath: defaultSdkPath() });
  }

  /** Registers the worker and starts taking steps. */
  static async start(options: WorkerOptions): Promise<DistributedWorker> {
    const heartbeatSeconds = Math.max(1, Math.round((options.heartbeatMs ?? 2000) / 1000));
    const ctx = await DistributedContext.open(
      options.history,
      options.historyUrl,
      { supervise: true, maintenanceIntervalSeconds: heartbeatSeconds },
      options.log,
    );
    const worker = new DistributedWorker(options, ctx);
    await ctx.pool.query(
      "INSERT INTO workers (id, hostname, pid, concurrency, expiry_ms) VALUES ($1, $2, $3, $4, $5)",
      [worker.identity.id, hostname(), process.pid, options.concurrency, worker.expiryMs],
    );
    await worker.pool.warm();
    await worker.listen();
    worker.timers.push(setInterval(() => void worker.tick(), worker.heartbeatMs));
    worker.timers.push(setInterval(() => worker.wake?.(), options.pollMs ?? 1000));
    worker.loopDone = worker.loop();
    return worker;
  }

  /** Steps running now. */
  get activeSteps(): number {
    return this.running.size;
  }

  /** Stops taking steps, ends running ones and gives them back to the queue for another worker. */
  async stop(reason = "the worker is stopping"): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const timer of this.timers) clearInterval(timer);
    this.wake?.();
    for (const { attempt } of this.running.values()) attempt?.terminate(reason);
    await this.loopDone;
    await releaseSteps(this.ctx, this.identity.id, `${this.identity.label} stopped (${reason})`).catch(() => 0);
    await this.ctx.pool
      .query("UPDATE workers SET stopped_at = clock_timestamp() WHERE id = $1", [this.identity.id])
      .catch(() => undefined);
    await this.listener?.end().catch(() => undefined);
    await this.pool.close();
    await this.ctx.close();
  }

  /** Kills the step processes now (process exit). */
  killNow(): void {
    this.pool.killAllNow();
  }

  private async loop(): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    while (!this.stopping) {
      while (!this.stopping && this.running.size < this.options.concurrency) {
        let claim: Awaited<ReturnType<typeof claimStep>>;
        try {
          claim = await claimStep(this.ctx, this.identity);
        } catch (error) {
          this.options.log(`could not take a step: ${message(error)}`);
          break;
        }
        if (claim === "empty") break;
        if (claim === "dropped") continue;
        const slot = { claim, attempt: undefined };
        this.running.set(claim.job.id, slot);
        const run = this.runStep(slot).finally(() => {
          this.running.delete(claim.job.id);
          inFlight.delete(run);
          this.wake?.();
        });
        inFlight.add(run);
      }
      if (this.stopping) break;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    await Promise.allSettled([...inFlight]);
  }

  private async runStep(slot: { claim: Claim; attempt: Attempt | undefined }): Promise<void> {
    const { claim } = slot;
    const { step } = claim;
    const name = `${step.kind} ${stepName(step)} (run ${claim.runId}, attempt ${claim.attempt})`;
    const started = Date.now();
    const recorder = new RunRecorder(this.options.history, claim.runId, new RunEvents(), (error) =>
      this.options.log(`${name}: its log could not be written: ${message(error)}`),
    );
    const { outcome, codeVersion, refused } = await this.execute(slot, recorder);
    await recorder.flush();
    if (this.stopping) return; // the step goes back to the queue in stop()
    const result: AttemptResult = { outcome, durationMs: Date.now() - started, codeVersion, refused };
    for (;;) {
      try {
        const recorded = await finishAttempt(this.ctx, claim, this.identity, result);
        this.options.log(`${name}: ${recorded === "recorded" ? outcomeWord(outcome) : recorded}`);
        return;
      } catch (error) {
        // The database is down or restarting: the result waits; the fence decides once it is back.
        this.options.log(`${name}: could not record the result (${message(error)}); trying again`);
        await new Promise((resolve) => setTimeout(resolve, FINISH_RETRY_MS));
        if (this.stopping) return;
      }
    }
  }

  /** Bundles the step from this checkout, refuses other code than planned, and runs it. */
  private async execute(
    slot: { claim: Claim; attempt: Attempt | undefined },
    recorder: RunRecorder,
  ): Promise<{ outcome: AttemptOutcome; codeVersion: string; refused?: boolean }> {
    const { claim } = slot;
    const { step } = claim;
    const planned = claim.job.data.codeVersion;
    if (step.unrunnable !== undefined) return { outcome: failed(step.unrunnable, false), codeVersion: planned };
    let bundle;
    try {
      bundle = await this.bundler.bundle(step.file);
    } catch (error) {
      const text = error instanceof BundleError ? error.message : `could not build ${step.file}: ${String(error)}`;
      return { outcome: failed(`${text} (on ${this.identity.label})`, false), codeVersion: planned };
    }
    const here = bundle.codeVersions[step.id];
    if (here !== planned) {
      const found =
        here === undefined
          ? `its checkout has no ${step.kind} ${stepName(step)} in ${step.file}`
          : `its checkout computes code version ${here.slice(0, 12)}`;
      const text =
        `${this.identity.label} refused ${step.kind} ${stepName(step)}: ${found}, but the run was planned with ${planned.slice(0, 12)}; ` +
        `bring this worker's checkout to the planner's revision (git pull) and restart it, or plan again`;
      return { outcome: failed(text, false), codeVersion: planned, refused: true };
    }
    const timeoutMs = claim.entry.options.timeoutMs;
    const attempt = startAttempt(
      step,
      bundle.path,
      {
        pool: this.pool,
        workspaceRoot: this.options.workspaceRoot,
        warehousePath: join(this.options.workspaceRoot, ".assetline", "warehouse.db"),
        warehouse: this.options.warehouse,
        timeoutMs,
        killGraceMs: 200,
        logCapBytes: 1024 * 1024,
      },
      claim.runId,
      recorder.logFor(step),
    );
    slot.attempt = attempt;
    return { outcome: await attempt.done, codeVersion: here };
  }

  /** The heartbeat: proof of life, runs kept alive, cancellations heard, lost workers' steps released. */
  private async tick(): Promise<void> {
    if (this.stopping) return;
    try {
      await this.ctx.pool.query(
        "UPDATE workers SET heartbeat_at = clock_timestamp(), stopped_at = NULL WHERE id = $1",
        [this.identity.id],
      );
      await this.ctx.pool.query(
        "UPDATE runs SET heartbeat_at = clock_timestamp() WHERE status = 'STARTED' AND id IN (SELECT run_id FROM dist_runs WHERE remaining > 0)",
      );
      const runIds = [...new Set([...this.running.values()].map(({ claim }) => claim.runId))];
      if (runIds.length > 0) {
        const cancelled = await this.ctx.pool.query<{ run_id: string; cancel_reason: string }>(
          "SELECT run_id, cancel_reason FROM dist_runs WHERE run_id = ANY($1) AND cancel_reason IS NOT NULL",
          [runIds],
        );
        const reasons = new Map(cancelled.rows.map((row) => [row.run_id, row.cancel_reason]));
        for (const { claim, attempt } of this.running.values()) {
          const reason = reasons.get(claim.runId);
          if (reason !== undefined) attempt?.terminate(reason);
        }
      }
      if ((await reapLostWorkers(this.ctx, this.identity.id)) > 0) this.wake?.();
    } catch (error) {
      this.options.log(`heartbeat failed: ${message(error)}`);
    }
  }

  /** Wakes the loop when a commit enqueued steps; polling covers a lost connection. */
  private async listen(): Promise<void> {
    const client = new (postgresDriver().Client)({ connectionString: this.ctx.url });
    client.on("notification", () => this.wake?.());
    client.on("error", () => void client.end().catch(() => undefined));
    client.on("end", () => {
      if (this.listener === client) this.listener = undefined;
      if (!this.stopping) setTimeout(() => void this.listen().catch(() => undefined), 1000).unref();
    });
    await client.connect();
    await client.query(`LISTEN ${STEPS_CHANNEL}`);
    this.listener = client;
  }
}

function outcomeWord(outcome: AttemptOutcome): string {
  if (outcome.status === "error") return `failed: ${outcome.error.message}`;
  return outcome.passed === false ? "check did not pass" : "succeeded";
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
