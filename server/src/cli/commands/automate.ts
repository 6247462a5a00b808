import { availableParallelism } from "node:os";
import { AutomationLoop, claimOrClose, type TickReport } from "../../automation/loop";
import { DEFAULT_AUTOMATION_SETTINGS } from "../../automation/forecast";
import { WorkspaceTracker } from "../../automation/workspaceTracker";
import { Executor } from "../../executor";
import type { AutomationDecision, AutomationSettings } from "../../model/automationTypes";
import { automationStoreOf } from "../../automation/historyView";
import { loadWorkspaceConfig } from "../../config/workspaceConfig";
import { openWritableHistory } from "../history";
import { type Command, numberOption, stringOption } from "../command";
import { EXIT } from "../errors";
import { writeText } from "../terminalText";
import { workspaceWithSources } from "../workspaceDir";
import { nodeOption } from "./materialize";

/** `assetline automate`: keep assets fresh by their own automation policies. */
export const automateCommand: Command = {
  name: "automate",
  usage:
    "assetline automate [--dir DIR] [--tick S] [--once] [--dry-run] [--concurrency N] [--max-in-flight N] [--node PATH]",
  summary: "Materialize assets when their automation conditions say so, every tick, until stopped",
  options: {
    dir: { type: "string", short: "d" },
    tick: { type: "string" },
    once: { type: "boolean" },
    "dry-run": { type: "boolean" },
    concurrency: { type: "string", short: "j" },
    "max-in-flight": { type: "string" },
    node: { type: "string" },
  },
  async run(parsed) {
    const tickSeconds = numberOption(parsed, "tick", { whole: false, allowZero: false, unit: "seconds" }) ?? 30;
    const concurrency =
      numberOption(parsed, "concurrency", { whole: true, allowZero: false }) ?? availableParallelism();
    const maxInFlight =
      numberOption(parsed, "max-in-flight", { whole: true, allowZero: false }) ??
      DEFAULT_AUTOMATION_SETTINGS.maxConcurrent;
    const nodePath = nodeOption(parsed);
    const once = parsed.values.once === true;
    const dryRun = parsed.values["dry-run"] === true;
    const { dir } = workspaceWithSources(stringOption(parsed, "dir"));
    // --max-in-flight bounds the assets planned or building at once (how much one tick may
    // queue); --concurrency, as for `materialize`, the steps running at once.
    const settings: AutomationSettings = {
      ...DEFAULT_AUTOMATION_SETTINGS,
      maxConcurrent: maxInFlight,
      tickMs: Math.round(tickSeconds * 1000),
    };
    const tracker = new WorkspaceTracker(dir);
    // The automation records (decisions, the loop's claim) live in SQLite tables only so far:
    // refuse a PostgreSQL history before connecting to it.
    if (loadWorkspaceConfig(dir).history.kind !== "sqlite") {
      process.stderr.write(
        "assetline: automation needs the SQLite history for now; this workspace's history is PostgreSQL (assetline.config.json or ASSETLINE_HISTORY_URL)\n",
      );
      return EXIT.usage;
    }
    const history = await openWritableHistory(dir);
    const store = automationStoreOf(history);
    if (store === undefined) {
      await history.close();
      throw new Error(`a ${history.backend} history was opened for a SQLite configuration`);
    }
    if (dryRun) {
      try {
        const loop = new AutomationLoop({ store, definitions: () => tracker.snapshot(), settings, hostKind: "cli" });
        printTick(loop.preview(), { dryRun: true, previous: undefined });
        return EXIT.ok;
      } finally {
        await history.close();
      }
    }

    const executor = new Executor({ workspaceRoot: dir, store: history, concurrency, nodePath });
    const loop = new AutomationLoop({
      store,
      executor,
      definitions: () => tracker.snapshot(),
      settings,
      hostKind: "cli",
    });
    const busy = await claimOrClose(loop, async () => {
      await executor.close();
      await history.close();
    });
    if (busy !== undefined) {
      process.stderr.write(`assetline: ${busy.message}\n`);
      return EXIT.problems;
    }

    const stop = stopSignal();
    let failed = false;
    try {
      let previous: Map<string, string> | undefined;
      for (;;) {
        const report = loop.tick();
        previous = printTick(report, { dryRun: false, previous, sayIdle: once });
        let printed: Promise<void> = Promise.resolve();
        if (report.runId !== undefined) {
          printed = report.done.then(
            (result) => {
              if (result === undefined) return;
              if (result.status !== "SUCCESS") failed = true;
              writeText(
                process.stdout,
                `${clock(Date.now())} run ${result.runId} ${result.status.toLowerCase()} in ${(result.durationMs / 1000).toFixed(1)} s` +
                  `${result.message ? ` (${result.message})` : ""}\n`,
              );
            },
            () => undefined,
          );
        }
        if (once) {
          await Promise.race([printed, stop.stopped]);
          break;
        }
        if (await stop.after(settings.tickMs)) break;
      }
    } finally {
      stop.dispose();
      // Cancels a run still going (recorded CANCELED), stops the workers, then gives the loop up.
      await executor.close();
      loop.release();
      await history.close();
    }
    if (stop.signal !== undefined) {
      process.stdout.write(`${clock(Date.now())} stopped (${stop.signal})\n`);
      return EXIT.ok;
    }
    return failed ? EXIT.problems : EXIT.ok;
  },
};

/** SIGINT/SIGTERM end the loop cleanly; a second signal exits at once. */
function stopSignal() {
  let signal: string | undefined;
  let wake: () => void = () => undefined;
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  const onSignal = (name: NodeJS.Signals) => {
    if (signal !== undefined) process.exit(name === "SIGINT" ? 130 : 143);
    signal = name;
    resolveStopped();
    wake();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    get signal() {
      return signal;
    },
    stopped,
    /** Waits `ms`; true when a signal came first (or already had). */
    after(ms: number): Promise<boolean> {
      if (signal !== undefined) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), ms);
        wake = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
    },
    dispose() {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}

/**
 * Prints a tick: what it started and skipped, and held assets when their reason changed since
 * the previous tick (a long-running loop would otherwise repeat them every tick). Returns the
 * held reasons to compare with next time.
 */
function printTick(
  report: TickReport,
  options: { dryRun: boolean; previous: Map<string, string> | undefined; sayIdle?: boolean },
): Map<string, string> {
  const at = clock(report.at);
  if (report.refused !== undefined) {
    writeText(process.stderr, `${at} ${report.refused}\n`);
    return options.previous ?? new Map();
  }
  const held = new Map<string, string>();
  const lines: string[] = [];
  const width = Math.max(0, ...report.plan.decisions.map((decision) => decision.key.length));
  const line = (decision: AutomationDecision) =>
    `  ${decision.key.padEnd(width)}  ${decision.outcome.padEnd(7)}  ${decision.reason}`;
  for (const decision of report.plan.decisions) {
    if (decision.outcome === "held") {
      held.set(decision.key, decision.reason);
      if (!options.dryRun && options.previous?.get(decision.key) === decision.reason) continue;
    }
    lines.push(line(decision));
  }
  const run = report.plan.run;
  if (options.dryRun) {
    lines.unshift(
      run.length === 0 ? `${at} nothing would run now` : `${at} would run ${run.length} asset(s): ${run.join(", ")}`,
    );
  } else if (report.runId !== undefined) {
    lines.unshift(`${at} run ${report.runId}: ${run.join(", ")}`);
  } else if (lines.length > 0 || options.sayIdle) {
    lines.unshift(`${at} nothing started${lines.length === 0 ? ": nothing is due" : ""}`);
  }
  if (lines.length > 0) writeText(process.stdout, `${lines.join("\n")}\n`);
  return held;
}

/** Local date and time, as in the reasons: "2026-12-01 10:02:30". */
function clock(epochMs: number): string {
  return new Date(epochMs).toLocaleString("sv-SE");
}
