/**
 * One step's whole life in a run: wait for its module's bundle, run attempts until one
 * succeeds or the retry policy gives up (exponential backoff between them), and report each
 * stage to the run's recorder. The scheduler decides when a step runs; this decides how.
 */
import { startAttempt, failed, stepName, type Attempt, type AttemptEnvironment, type AttemptOutcome } from "./attempt";
import { BundleError, type Bundle } from "./bundler";
import type { PlanStep } from "./planner";
import { checkFailureMessage, type RunRecorder } from "./recorder";
import type { StepResult } from "./results";
import type { RunBundles } from "./runBundles";

/** Everything the steps of an executor's runs share, built once by the executor. */
export interface StepEnvironment extends AttemptEnvironment {
  /** Extra attempts after a failed one (0: none). */
  readonly retries: number;
  /** Delay before the first retry; doubles for each further one. */
  readonly retryBackoffMs: number;
}

/** Exponential backoff stops growing here: a retry an hour later helps nobody watching a run. */
const MAX_BACKOFF_MS = 60_000;

/** Runs the steps of one run; see the module comment. */
export class StepRunner {
  private cancelReason: string | undefined;
  private readonly attempts = new Set<Attempt>();
  /** Wakes retry backoffs early on cancellation. */
  private readonly wakers = new Set<() => void>();

  constructor(
    private readonly env: StepEnvironment,
    private readonly runId: string,
    private readonly recorder: RunRecorder,
    private readonly bundles: RunBundles,
  ) {}

  /** Runs `step` to its end and records it; never rejects (a bug inside ends the step as failed). */
  async run(step: PlanStep): Promise<StepResult> {
    const started = Date.now();
    let attempts = 0;
    let consumed: Record<string, number> = {};
    /** The version of the code that ran: the bundle's, which may be newer than the plan's. */
    let codeVersion = step.codeVersion;
    let outcome: AttemptOutcome;
    try {
      const maxAttempts = step.unrunnable === undefined ? this.env.retries + 1 : 1;
      for (;;) {
        attempts++;
        consumed = await this.recorder.stepStarted(step, attempts);
        const ran = await this.attempt(step);
        outcome = ran.outcome;
        codeVersion = ran.codeVersion ?? codeVersion;
        if (outcome.status === "ok" || !outcome.retriable || attempts >= maxAttempts || this.cancelReason !== undefined)
          break;
        const delayMs = Math.min(MAX_BACKOFF_MS, this.env.retryBackoffMs * 2 ** (attempts - 1));
        this.recorder.stepRetrying(step, attempts + 1, outcome.error, delayMs);
        await this.backoff(delayMs);
        if (this.cancelReason !== undefined) {
          outcome = { ...failed(this.cancelReason, false), cancelled: true };
          break;
        }
      }
    } catch (error) {
      const message = `internal error: ${String(error)}`;
      outcome = {
        status: "error",
        error: { message, stack: (error as Error)?.stack },
        retriable: false,
        cancelled: false,
      };
    }
    const durationMs = Date.now() - started;
    const materializationEventId = await this.recorder.stepFinished(step, outcome, durationMs, consumed, codeVersion);
    return finishedResult(step, outcome, Math.max(attempts, 1), durationMs, materializationEventId);
  }

  /** Records that `step` will not run, and why. */
  skip(step: PlanStep, reason: string): StepResult {
    this.recorder.stepSkipped(step, reason);
    return skippedResult(step, reason);
  }

  /** Kills running attempts (they fail with `reason`) and ends backoffs; no new attempt starts. */
  cancel(reason: string): void {
    if (this.cancelReason !== undefined) return;
    this.cancelReason = reason;
    for (const attempt of this.attempts) attempt.terminate(reason);
    for (const wake of this.wakers) wake();
  }

  get cancelled(): boolean {
    return this.cancelReason !== undefined;
  }

  /** One attempt, and the code version of the bundle it ran (undefined when none ran). */
  private async attempt(step: PlanStep): Promise<{ outcome: AttemptOutcome; codeVersion?: string }> {
    if (step.unrunnable !== undefined) return { outcome: failed(step.unrunnable, false) };
    let bundle: Bundle;
    try {
      bundle = await this.bundles.of(step.file);
    } catch (error) {
      // A file that does not compile will not compile on the next attempt either.
      return {
        outcome: failed(
          error instanceof BundleError ? error.message : `could not build ${step.file}: ${String(error)}`,
          false,
        ),
      };
    }
    const codeVersion = bundle.codeVersions[step.id];
    if (codeVersion === undefined) {
      return {
        outcome: failed(
          `${step.file} changed since the run was planned and no longer defines ${stepName(step)}; run again`,
          false,
        ),
      };
    }
    if (this.cancelReason !== undefined) return { outcome: { ...failed(this.cancelReason, false), cancelled: true } };
    const log = this.recorder.logFor(step);
    if (codeVersion !== step.codeVersion && step.kind === "asset") {
      log(
        "warn",
        `${step.file} changed after the run was planned: the code that runs (version ${codeVersion.slice(0, 8)}) is recorded, not the planned ${step.codeVersion.slice(0, 8)}`,
      );
    }
    const attempt = startAttempt(step, bundle.path, this.env, this.runId, log);
    this.attempts.add(attempt);
    try {
      return { outcome: await attempt.done, codeVersion };
    } finally {
      this.attempts.delete(attempt);
    }
  }

  private backoff(delayMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, delayMs);
      this.wakers.add(wake);
    });
  }
}

function finishedResult(
  step: PlanStep,
  outcome: AttemptOutcome,
  attempts: number,
  durationMs: number,
  materializationEventId: number | undefined,
): StepResult {
  const base = {
    stepId: step.id,
    kind: step.kind,
    assetKey: step.assetKey,
    checkName: step.checkName,
    attempts,
    durationMs,
    blocking: step.blocking,
  };
  if (outcome.status === "error") {
    return {
      ...base,
      status: "failed",
      message: outcome.error.message,
      error: outcome.error,
      passed: undefined,
      metadata: undefined,
      materializationEventId: undefined,
    };
  }
  if (step.kind === "check") {
    const passed = outcome.passed === true;
    const message = passed ? undefined : checkFailureMessage(step, outcome);
    return {
      ...base,
      status: passed ? "succeeded" : "failed",
      message,
      error: undefined,
      passed,
      metadata: outcome.metadata,
      materializationEventId: undefined,
    };
  }
  return {
    ...base,
    status: "succeeded",
    message: undefined,
    error: undefined,
    passed: undefined,
    metadata: outcome.metadata,
    materializationEventId,
  };
}

function skippedResult(step: PlanStep, reason: string): StepResult {
  return {
    stepId: step.id,
    kind: step.kind,
    assetKey: step.assetKey,
    checkName: step.checkName,
    status: "skipped",
    attempts: 0,
    durationMs: undefined,
    message: reason,
    error: undefined,
    passed: undefined,
    blocking: step.blocking,
    metadata: undefined,
    materializationEventId: undefined,
  };
}
