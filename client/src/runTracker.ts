/**
 * Follows runs this window started: routes the server's run notifications to whoever waits for
 * a run, and writes each run's story (steps, logs, failures) to the Assetline log.
 */
import * as vscode from "vscode";
import type { RunEventParams, RunFinishedParams } from "../../protocol/runs";

export interface RunObserver {
  onEvent(event: RunEventParams): void;
  onFinished(finished: RunFinishedParams): void;
}

/** Finished runs nobody waited for yet: the end can overtake the reply that names the run. */
const EARLY_FINISHES_KEPT = 20;

export class RunTracker implements vscode.Disposable {
  private readonly observers = new Map<string, RunObserver>();
  private readonly earlyFinishes = new Map<string, RunFinishedParams>();
  /** Planned steps of runs this window started (other processes' plans are not recorded). */
  private readonly planned = new Map<string, number>();
  private readonly eventEmitter = new vscode.EventEmitter<RunEventParams | RunFinishedParams>();
  /** Every event and end of a run this server executes, as it arrives. */
  readonly onDidEvent = this.eventEmitter.event;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  /** Records how many steps a run started from here plans, for "running 3/7". */
  plan(runId: string, steps: number): void {
    this.planned.set(runId, steps);
    for (const old of [...this.planned.keys()].slice(0, Math.max(0, this.planned.size - EARLY_FINISHES_KEPT)))
      this.planned.delete(old);
  }

  plannedSteps(runId: string): number | undefined {
    return this.planned.get(runId);
  }

  /** Follows a run until it finishes; the observer is called for every event and the end. */
  follow(runId: string, observer: RunObserver): void {
    const finished = this.earlyFinishes.get(runId);
    if (finished) {
      this.earlyFinishes.delete(runId);
      observer.onFinished(finished);
      return;
    }
    this.observers.set(runId, observer);
  }

  event(event: RunEventParams): void {
    this.write(event);
    this.observers.get(event.runId)?.onEvent(event);
    this.eventEmitter.fire(event);
  }

  finished(finished: RunFinishedParams): void {
    const seconds = (finished.durationMs / 1000).toFixed(1);
    const line = `run ${finished.runId} ${finished.status.toLowerCase()} in ${seconds} s${finished.message ? `: ${finished.message}` : ""}`;
    if (finished.status === "FAILURE") this.log.error(line);
    else this.log.info(line);
    this.eventEmitter.fire(finished);
    const observer = this.observers.get(finished.runId);
    if (observer) {
      this.observers.delete(finished.runId);
      observer.onFinished(finished);
      return;
    }
    this.earlyFinishes.set(finished.runId, finished);
    for (const runId of [...this.earlyFinishes.keys()].slice(
      0,
      Math.max(0, this.earlyFinishes.size - EARLY_FINISHES_KEPT),
    )) {
      this.earlyFinishes.delete(runId);
    }
  }

  /** The server went away: runs it was executing will never report their end. */
  serverLost(): void {
    for (const [runId, observer] of this.observers) {
      observer.onFinished({
        runId,
        status: "FAILURE",
        message: "the language server stopped during the run",
        durationMs: 0,
        steps: [],
      });
    }
    this.observers.clear();
  }

  dispose(): void {
    this.serverLost();
    this.eventEmitter.dispose();
  }

  private write(event: RunEventParams): void {
    const subject = [event.assetKey, event.checkName].filter((part) => part !== undefined).join(":");
    const text = `run ${event.runId} ${event.type}${subject ? ` ${subject}` : ""}${event.message ? `: ${event.message}` : ""}`;
    if (event.type === "STEP_FAILURE" || event.type === "RUN_FAILURE" || event.level === "error") this.log.error(text);
    else if (
      event.level === "warn" ||
      event.type === "STEP_SKIPPED" ||
      (event.type === "CHECK_EVALUATION" && event.passed === false)
    )
      this.log.warn(text);
    else if (event.type === "LOG" && event.level === "debug") this.log.debug(text);
    else this.log.info(text);
  }
}
