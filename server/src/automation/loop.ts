/**
 * The automation loop of one workspace: at each tick, read the definitions and the history,
 * let the pure model decide (model/automation.ts), record why, and start the one run it planned
 * through the same Executor as `assetline materialize`. Hosted by `assetline automate` and, when
 * enabled, by the language server; the store's automation owner row keeps it to one per workspace.
 *
 * Crash safety comes from deciding from the history alone: what a killed loop finished is
 * recorded as materializations (and is not due any more), what it left running is failed by
 * recovery; in-memory state is only what this process's own unfinished runs planned.
 */
import type { AnalysisSnapshot } from "../analysis";
import { planRun, type Executor, type RunResult } from "../executor";
import { decideTick } from "../model/automation";
import { TickMemo } from "../model/automationMemo";
import type { AutomationDecision, AutomationSettings, TickPlan } from "../model/automationTypes";
import type { AutomationHostKind, AutomationOwner, EventStore, StoredEvent } from "../store";
import { CronSchedules } from "./cron";
import { StoreHistoryView } from "./historyView";

export interface AutomationLoopOptions {
  readonly store: EventStore;
  /** Absent for a loop that only previews (dry runs). */
  readonly executor?: Executor;
  /** The definitions now (re-read each tick). */
  readonly definitions: () => AnalysisSnapshot;
  readonly settings: AutomationSettings;
  readonly hostKind: AutomationHostKind;
  /** Epoch ms; tests pass a controllable clock. */
  readonly now?: () => number;
}

/** What one tick did. */
export interface TickReport {
  readonly at: number;
  readonly plan: TickPlan;
  /** Set when the definitions have errors: nothing was decided. */
  readonly refused: string | undefined;
  /** The run started, when one was. */
  readonly runId: string | undefined;
  /** Resolves when that run has ended. */
  readonly done: Promise<RunResult | undefined>;
}

/** Another process holds the loop of this workspace. */
export class AutomationBusyError extends Error {
  constructor(
    readonly owner: AutomationOwner,
    dbPath: string,
  ) {
    const where = owner.hostKind === "editor" ? "the editor's language server" : "`assetline automate`";
    super(
      `automation already runs for this workspace in ${where} (pid ${owner.pid} on ${owner.hostname}, since ${new Date(owner.since).toISOString()}); ` +
        `stop it first (history ${dbPath})`,
    );
  }
}

export class AutomationLoop {
  private readonly history: StoreHistoryView;
  private readonly cron = new CronSchedules();
  private readonly memo = new TickMemo();
  private readonly now: () => number;
  /** Keys planned by this loop's runs that have not ended. */
  private readonly inFlight = new Map<string, number>();
  private readonly runs = new Set<Promise<unknown>>();
  private claimed = false;

  constructor(private readonly options: AutomationLoopOptions) {
    this.history = new StoreHistoryView(options.store);
    this.now = options.now ?? Date.now;
  }

  /** Claims the workspace's loop; throws AutomationBusyError when another live process holds it. */
  claim(): void {
    const owner = this.options.store.claimAutomation(this.options.hostKind);
    if (owner !== undefined) throw new AutomationBusyError(owner, this.options.store.dbPath);
    this.claimed = true;
    // A loop killed mid-run left its run STARTED: fail it now, so its steps are neither running nor lost.
    this.options.store.recoverAbandonedRuns();
  }

  /** What a tick would start now and why, without recording or starting anything. */
  preview(): TickReport {
    const { plan, refused } = this.decide();
    return { at: this.now(), plan, refused, runId: undefined, done: Promise.resolve(undefined) };
  }

  /** One tick: decide, record, start. Needs the claim. */
  tick(): TickReport {
    if (!this.claimed) throw new Error("claim() the automation loop before ticking");
    const { executor } = this.options;
    if (executor === undefined) throw new Error("an automation loop without an executor can only preview");
    const at = this.now();
    const { plan, refused, snapshot } = this.decide();
    const { store } = this.options;
    const skips = plan.decisions.filter((decision) => decision.outcome === "skipped");
    store.recordAutomationDecisions(skips.map((decision) => record(decision, at, undefined)));
    for (const skip of skips) this.history.noteCronSkip(skip.key, skip.cron!, skip.cronTick!);
    if (plan.run.length === 0 || snapshot === undefined) {
      return { at, plan, refused, runId: undefined, done: Promise.resolve(undefined) };
    }

    const runPlan = planRun(snapshot, plan.run);
    const handle = executor.start(runPlan, {
      selection: `automate: ${describeKeys(plan.run)}`,
      launchedBy: this.options.hostKind,
    });
    const started = plan.decisions.filter((decision) => decision.outcome === "run");
    store.recordAutomationDecisions(started.map((decision) => record(decision, at, handle.runId)));
    // In the run's own log too, so that `assetline logs RUN` and the editor say why each step ran.
    // The executor records the run asynchronously: write once its RUN_STARTED is in (replayed
    // before the first step starts, and this store writes synchronously, so the reasons come first).
    const logReasons = (event: StoredEvent): void => {
      if (event.type !== "RUN_STARTED") return;
      handle.events.off("event", logReasons);
      store.appendEvents(
        handle.runId,
        started.map((decision) => ({
          type: "LOG" as const,
          assetKey: decision.key,
          level: "info" as const,
          message: `triggered by automation: ${decision.reason}`,
        })),
      );
    };
    handle.events.on("event", logReasons);
    for (const key of plan.run) this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
    const done = handle.done.finally(() => {
      for (const key of plan.run) {
        const left = (this.inFlight.get(key) ?? 1) - 1;
        if (left <= 0) this.inFlight.delete(key);
        else this.inFlight.set(key, left);
      }
    });
    const tracked = done.catch(() => undefined);
    this.runs.add(tracked);
    void tracked.finally(() => this.runs.delete(tracked));
    return { at, plan, refused, runId: handle.runId, done };
  }

  /** Waits for the runs this loop started to end. */
  async idle(): Promise<void> {
    while (this.runs.size > 0) await Promise.all([...this.runs]);
  }

  /** Gives up the claim (runs are the executor's to cancel). */
  release(): void {
    if (!this.claimed) return;
    this.claimed = false;
    this.options.store.releaseAutomation();
  }

  private decide(): { plan: TickPlan; refused: string | undefined; snapshot: AnalysisSnapshot | undefined } {
    const snapshot = this.options.definitions();
    const errors = snapshot.diagnostics.filter((diagnostic) => diagnostic.severity === "error");
    if (errors.length > 0) {
      const first = errors[0]!;
      const refused =
        `${errors.length} error(s) in the asset definitions (first: ${first.location.file}:${first.location.range.start.line + 1} ${first.code} ${first.message}); ` +
        "nothing is started until they are fixed (`assetline check` lists them)";
      return { plan: { run: [], decisions: [] }, refused, snapshot: undefined };
    }
    this.history.refresh();
    const plan = decideTick({
      assets: snapshot.assets,
      checks: snapshot.checks,
      history: this.history,
      cron: this.cron,
      now: this.now(),
      settings: this.options.settings,
      inFlight: new Set(this.inFlight.keys()),
      memo: this.memo,
    });
    return { plan, refused: undefined, snapshot };
  }

  /** The history view of the last tick (for forecasts shown beside the loop's output). */
  get historyView(): StoreHistoryView {
    return this.history;
  }
}

/**
 * Claims `loop` for this process. When that fails, `close` (of what was opened for the loop)
 * runs first; then the holder comes back as an AutomationBusyError, any other failure is thrown.
 */
export async function claimOrClose(
  loop: AutomationLoop,
  close: () => Promise<void>,
): Promise<AutomationBusyError | undefined> {
  try {
    loop.claim();
    return undefined;
  } catch (error) {
    await close();
    if (error instanceof AutomationBusyError) return error;
    throw error;
  }
}

function record(decision: AutomationDecision, at: number, runId: string | undefined) {
  return {
    timestamp: at,
    assetKey: decision.key,
    outcome: decision.outcome as "run" | "skipped",
    conditions: decision.conditions,
    reason: decision.reason,
    runId,
    cron: decision.cron,
    cronTick: decision.cronTick,
  };
}

function describeKeys(keys: readonly string[]): string {
  return keys.length <= 5 ? keys.join(" ") : `${keys.slice(0, 5).join(" ")} … (${keys.length} assets)`;
}
