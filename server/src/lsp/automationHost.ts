/**
 * The automation loop hosted by the language server (`assetline.automation.enabled`): the same
 * AutomationLoop as `assetline automate`, on the same single-owner claim (hostKind "editor"), so
 * the CLI and the editor never automate one workspace at once. It starts only in a trusted
 * workspace (trust as the client said it: anything but a trusted workspace means no loop) with the
 * SQLite history, and stops when the setting is turned off or the server shuts down.
 *
 * Decisions are made from the files on disk (WorkspaceTracker, as the CLI), not from unsaved
 * buffers: the executor runs what is on disk, so a loop deciding from a buffer would rebuild an
 * asset for "code changed" at every tick. A refusal (untrusted, PostgreSQL, another holder) is
 * one warning line; everything else in the server keeps working.
 */
import { DEFAULT_SCAN_OPTIONS } from "../analysis/scan/scanFile";
import type { AutomationLoop } from "../automation/loop";
import { type BackendTarget, ConfigError, loadWorkspaceConfig } from "../config/workspaceConfig";
import type { Executor } from "../executor";
import type { HistoryStore } from "../store";
import { factsSharedBy, type WorkingFacts } from "./workingFacts";
import type { AssetlineSettings } from "../../../protocol";

export interface AutomationHostOptions {
  readonly root: string;
  /** False in an untrusted workspace: the loop never starts. */
  readonly trusted: boolean;
  /** The history the workspace configuration names, or why that configuration is unusable. */
  readonly history: BackendTarget | ConfigError;
  /** A line for the server's log. */
  readonly log: (message: string) => void;
  /** A one-line warning the user sees. */
  readonly warn: (message: string) => void;
  /** The loop wrote history (a run started or ended): status should be re-read soon. */
  readonly onHistoryWritten: () => void;
  /**
   * The editor's analysis: the loop reads the files on disk, and takes its facts for every file
   * whose text on disk is the one it analysed (all but unsaved ones), instead of scanning again.
   */
  readonly working?: WorkingFacts;
}

interface Hosted {
  readonly loop: AutomationLoop;
  readonly executor: Executor;
  readonly history: HistoryStore;
  tickMs: number;
  timer: NodeJS.Timeout | undefined;
  /** The refusal printed last (definition errors), so that it is not repeated every tick. */
  lastRefusal: string | undefined;
}

export class AutomationHost {
  private hosted: Hosted | undefined;
  /** Applies settings one at a time: a quick off-on must not start two loops. */
  private queue: Promise<void> = Promise.resolve();
  /** The last refusal shown, so that each settings change does not repeat it. */
  private refusal: string | undefined;
  /** Set by stop(): a start still waiting for the first diagnostics gives up. */
  private stopping = false;

  constructor(private readonly options: AutomationHostOptions) {}

  /** True while this server holds the workspace's loop. */
  get running(): boolean {
    return this.hosted !== undefined;
  }

  /** Starts, re-times or stops the loop to match the settings. */
  apply(settings: AssetlineSettings["automation"]): Promise<void> {
    this.queue = this.queue.then(() => this.applyNow(settings)).catch((error: unknown) => this.failed(error));
    return this.queue;
  }

  /** Stops the loop: cancels its run in progress (recorded CANCELED), then releases the claim. */
  stop(): Promise<void> {
    this.stopping = true;
    this.queue = this.queue.then(() => this.stopNow()).catch((error: unknown) => this.failed(error));
    return this.queue;
  }

  private async applyNow(settings: AssetlineSettings["automation"]): Promise<void> {
    if (!settings.enabled) {
      this.refusal = undefined;
      if (this.hosted !== undefined) {
        await this.stopNow();
        this.options.log("automation: stopped (assetline.automation.enabled is off)");
      }
      return;
    }
    const tickMs = Math.round(settings.tickSeconds * 1000);
    if (this.hosted !== undefined) {
      if (this.hosted.tickMs !== tickMs) {
        this.hosted.tickMs = tickMs;
        this.schedule(this.hosted, tickMs);
      }
      return;
    }
    const refused = this.refusalNow();
    if (refused !== undefined) {
      this.refuse(refused);
      return;
    }
    await this.start(tickMs);
  }

  /** Why the loop cannot run here at all, or undefined. */
  private refusalNow(): string | undefined {
    if (!this.options.trusted)
      return "Assetline automation is off: this workspace is not trusted, and automation runs its code; trust the workspace to turn it on";
    const target = this.options.history;
    if (target instanceof ConfigError) return `Assetline automation is off: ${target.message}`;
    if (target.kind !== "sqlite")
      return "Assetline automation is off: it needs the SQLite history for now, and this workspace's history is PostgreSQL (assetline.config.json or ASSETLINE_HISTORY_URL)";
    return undefined;
  }

  private refuse(message: string): void {
    this.options.log(`automation: not started: ${message}`);
    if (this.refusal === message) return;
    this.refusal = message;
    this.options.warn(message);
  }

  private async start(tickMs: number): Promise<void> {
    const { root } = this.options;
    // Its first tick analyses the disk, taking the editor's facts: there are none to take before.
    await this.options.working?.diagnosticsPublished;
    if (this.stopping) return;
    const { openHistory } = require("../store") as typeof import("../store");
    const { Executor } = require("../executor") as typeof import("../executor");
    const { AutomationLoop, claimOrClose } = require("../automation/loop") as typeof import("../automation/loop");
    const { automationStoreOf } = require("../automation/historyView") as typeof import("../automation/historyView");
    const { DEFAULT_AUTOMATION_SETTINGS } =
      require("../automation/forecast") as typeof import("../automation/forecast");
    const { WorkspaceTracker } =
      require("../automation/workspaceTracker") as typeof import("../automation/workspaceTracker");

    const history = await openHistory(root, this.options.history as BackendTarget, { log: this.options.log });
    const store = automationStoreOf(history);
    if (store === undefined) {
      await history.close();
      throw new Error(`a ${history.backend} history was opened for a SQLite configuration`);
    }
    const executor = new Executor({
      workspaceRoot: root,
      store: history,
      warehouse: loadWorkspaceConfig(root).warehouse,
    });
    const tracker = new WorkspaceTracker(root, {
      ownSqlCache: false,
      sharedFacts: factsSharedBy(this.options.working, DEFAULT_SCAN_OPTIONS.maxFileBytes),
    });
    const loop = new AutomationLoop({
      store,
      executor,
      definitions: () => tracker.snapshot(),
      settings: { ...DEFAULT_AUTOMATION_SETTINGS, tickMs },
      hostKind: "editor",
    });
    const busy = await claimOrClose(loop, async () => {
      await executor.close();
      await history.close();
    });
    if (busy !== undefined) {
      this.refuse(`Assetline automation is not started here: ${busy.message}`);
      return;
    }
    this.refusal = undefined;
    const hosted: Hosted = { loop, executor, history, tickMs, timer: undefined, lastRefusal: undefined };
    this.hosted = hosted;
    this.options.log(`automation: started (pid ${process.pid}, a tick every ${tickMs / 1000} s)`);
    this.tick(hosted);
  }

  private schedule(hosted: Hosted, delayMs: number): void {
    if (hosted.timer !== undefined) clearTimeout(hosted.timer);
    hosted.timer = setTimeout(() => this.tick(hosted), delayMs);
  }

  private tick(hosted: Hosted): void {
    hosted.timer = undefined;
    if (this.hosted !== hosted) return;
    try {
      const report = hosted.loop.tick();
      if (report.refused !== undefined) {
        if (report.refused !== hosted.lastRefusal) this.options.log(`automation: ${report.refused}`);
        hosted.lastRefusal = report.refused;
      } else {
        hosted.lastRefusal = undefined;
      }
      if (report.runId !== undefined) {
        this.options.log(`automation: run ${report.runId}: ${report.plan.run.join(", ")}`);
        this.options.onHistoryWritten();
        void report.done.then(
          (result) => {
            if (result !== undefined)
              this.options.log(`automation: run ${result.runId} ${result.status.toLowerCase()}`);
            this.options.onHistoryWritten();
          },
          (error: unknown) =>
            this.options.log(`automation: run ${report.runId} could not be recorded: ${describe(error)}`),
        );
      }
    } catch (error) {
      // One bad tick (a history briefly locked, an unreadable file) must not end the loop.
      this.options.log(`automation: tick failed: ${describe(error)}`);
    }
    if (this.hosted === hosted) this.schedule(hosted, hosted.tickMs);
  }

  private async stopNow(): Promise<void> {
    const hosted = this.hosted;
    if (hosted === undefined) return;
    this.hosted = undefined;
    if (hosted.timer !== undefined) clearTimeout(hosted.timer);
    try {
      await hosted.executor.close();
    } finally {
      hosted.loop.release();
      await hosted.history.close();
    }
  }

  private failed(error: unknown): void {
    this.options.log(`automation: ${describe(error)}`);
    this.options.warn(`Assetline automation stopped: ${describe(error)}`);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
