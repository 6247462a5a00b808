import { loadWorkspaceConfig } from "../../config/workspaceConfig";
import { Executor, handleTerminationSignals, planRun } from "../../executor";
import { analyzeWorkspace } from "../analyze";
import { type Command, type ParsedArgs, numberOption, stringOption } from "../command";
import { EXIT, UsageError } from "../errors";
import { ProgressPrinter } from "../progress";
import { selectedKeys } from "../selection";
import { findExecutable } from "../executable";
import { openWritableHistory, postgresHistoryTarget } from "../history";
import { writeText } from "../terminalText";
import { workspaceWithSources } from "../workspaceDir";
import { formatText } from "./check";
import { materializeDistributed } from "./distributed";

/** `assetline materialize SELECTION`: build the selected assets and run their checks. */
export const materializeCommand: Command = {
  name: "materialize",
  usage:
    "assetline materialize SELECTION [--with-upstream] [--checks-only] [--dir DIR] [--concurrency N] [--timeout S] [--retries N] [--node PATH] [--distributed]",
  summary: "Build the selected assets in dependency order and run their checks",
  options: {
    "with-upstream": { type: "boolean", short: "u" },
    "checks-only": { type: "boolean" },
    dir: { type: "string", short: "d" },
    concurrency: { type: "string", short: "j" },
    timeout: { type: "string" },
    retries: { type: "string" },
    node: { type: "string" },
    distributed: { type: "boolean" },
  },
  async run(parsed) {
    const selectionText = parsed.positionals[0];
    if (selectionText === undefined)
      throw new UsageError(`missing SELECTION, e.g. "*", "+orders" or "group:marts" (usage: ${this.usage})`);
    if (parsed.positionals.length > 1)
      throw new UsageError(`one SELECTION expected; quote selections with spaces: "${parsed.positionals.join(" ")}"`);
    // Options first: a typo in one must not cost an analysis, nor record a run that fails.
    const executorOptions = {
      nodePath: nodeOption(parsed),
      concurrency: numberOption(parsed, "concurrency", { whole: true, allowZero: false }),
      timeoutMs: secondsToMs(numberOption(parsed, "timeout", { whole: false, allowZero: false, unit: "seconds" })),
      retries: numberOption(parsed, "retries", { whole: true, allowZero: true }),
    };
    const { dir, reader } = workspaceWithSources(stringOption(parsed, "dir"));
    const distributed = parsed.values.distributed === true;
    if (distributed) {
      for (const local of ["concurrency", "node"] as const) {
        if (parsed.values[local] !== undefined)
          throw new UsageError(
            `--${local} does not apply to --distributed runs: each worker has its own (assetline worker --${local} …)`,
          );
      }
      postgresHistoryTarget(dir, "materialize --distributed");
    }
    // Like the options: a bad warehouse URL is said before anything is analysed or recorded.
    const { warehouse } = loadWorkspaceConfig(dir);

    const snapshot = analyzeWorkspace(dir, reader);
    // A bad selection is a usage error (exit 2) even when the definitions have errors too.
    const keys = selectedKeys(snapshot, selectionText, dir);
    const errors = snapshot.diagnostics.filter((diagnostic) => diagnostic.severity === "error");
    if (errors.length > 0) {
      for (const diagnostic of errors) writeText(process.stderr, `${formatText(diagnostic)}\n`);
      process.stderr.write(
        `assetline: ${errors.length} error(s) in the asset definitions; fix them before materializing (\`assetline check\` lists every problem)\n`,
      );
      return EXIT.problems;
    }
    const plan = planRun(snapshot, keys, {
      withUpstream: parsed.values["with-upstream"] === true,
      checksOnly: parsed.values["checks-only"] === true,
    });
    if (plan.steps.length === 0) {
      process.stdout.write(
        "Nothing to run: the selection holds only sources, which Assetline observes but never builds.\n",
      );
      return EXIT.ok;
    }

    if (distributed) return materializeDistributed(dir, plan, selectionText, executorOptions);
    const store = await openWritableHistory(dir);
    const executor = new Executor({
      workspaceRoot: dir,
      store,
      warehouse,
      ...executorOptions,
    });
    const removeSignalHandlers = handleTerminationSignals(executor);
    const progress = new ProgressPrinter(process.stdout);
    try {
      const handle = executor.start(plan, { selection: selectionText, launchedBy: "cli" });
      progress.print(`Run ${handle.runId}: ${plan.steps.length} step(s) in ${dir}`);
      handle.events.on("event", (event) => progress.onEvent(event));
      const result = await handle.done;
      progress.stop();
      const failed = result.steps.filter((step) => step.status === "failed").length;
      const skipped = result.steps.filter((step) => step.status === "skipped").length;
      const succeeded = result.steps.length - failed - skipped;
      writeText(
        process.stdout,
        `Run ${result.runId} ${result.status.toLowerCase()} in ${(result.durationMs / 1000).toFixed(1)} s: ${succeeded} succeeded, ${failed} failed, ${skipped} skipped` +
          `${result.message ? ` (${result.message})` : ""}\n`,
      );
      if (result.status !== "SUCCESS") {
        writeText(process.stdout, `See the logs: assetline logs ${result.runId} --dir ${dir}\n`);
      }
      return result.status === "SUCCESS" ? EXIT.ok : EXIT.problems;
    } finally {
      progress.stop();
      removeSignalHandlers();
      await executor.close();
      await store.close();
    }
  },
};

function secondsToMs(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : Math.round(seconds * 1000);
}

/** `--node PATH`: a Node binary that does not exist is a usage error, not a run whose every step fails. */
export function nodeOption(parsed: ParsedArgs): string | undefined {
  const value = stringOption(parsed, "node");
  if (value === undefined) return undefined;
  const found = findExecutable(value);
  if (found === undefined) {
    throw new UsageError(
      `--node ${value}: no executable file there; give the path of a Node binary, e.g. --node "$(command -v node)"`,
    );
  }
  return found;
}
