import { firstUserFrame } from "../../model/stackFrames";
import type { HistoryStore, RunRecord, StoredEvent } from "../../store";
import { withReadableHistory } from "../history";
import { type Command, formatOption, numberOption, stringOption } from "../command";
import { EXIT, UsageError } from "../errors";
import { visible, writeJson, writeText } from "../terminalText";
import { workspaceDir } from "../workspaceDir";
import { assetLink } from "../../../../protocol/links";
import { loadWorkspaceConfig } from "../../config/workspaceConfig";
import { workersOfRuns } from "../../distributed/workers";

/** Runs `read` on the workspace's history; no history yet is a usage error saying what to do. */
function readHistory<T>(dir: string, read: (store: HistoryStore) => Promise<T>): Promise<T> {
  return withReadableHistory(
    dir,
    () => {
      throw new UsageError(`no run history in ${dir} yet; run \`assetline materialize\` first`);
    },
    read,
  );
}

function time(ms: number | undefined): string {
  return ms === undefined
    ? "—"
    : new Date(ms)
        .toISOString()
        .replace("T", " ")
        .replace(/\.\d+Z$/, "Z");
}

/** `assetline runs`: the most recent runs. */
export const runsCommand: Command = {
  name: "runs",
  usage: "assetline runs [--limit N] [--dir DIR] [--format text|json]",
  summary: "List recent runs",
  options: {
    limit: { type: "string", short: "n" },
    dir: { type: "string", short: "d" },
    format: { type: "string", short: "f" },
  },
  async run(parsed) {
    const format = formatOption(parsed, ["text", "json"], "text");
    const limit = numberOption(parsed, "limit", { whole: true, allowZero: false }) ?? 20;
    const dir = workspaceDir(stringOption(parsed, "dir"));
    const { runs, ranOn } = await readHistory(dir, async (store) => {
      const listed = await store.listRuns({ limit });
      const target = loadWorkspaceConfig(dir).history;
      const workers =
        target.kind === "postgres"
          ? await workersOfRuns(
              target.url,
              listed.map((run) => run.id),
            )
          : new Map();
      return { runs: listed, ranOn: workers as Map<string, string[]> };
    });
    if (format === "json") {
      writeJson(process.stdout, {
        runs: runs.map((run) => (ranOn.has(run.id) ? { ...run, workers: ranOn.get(run.id) } : run)),
      });
    } else {
      const lines = runs.map((run) => {
        const workers = ranOn.get(run.id);
        return workers === undefined
          ? runLine(run)
          : `${runLine(run)}\n    ran on ${visible(workers.join(", "), true)}`;
      });
      writeText(process.stdout, runs.length === 0 ? "No runs yet.\n" : `${lines.join("\n")}\n`);
    }
    return EXIT.ok;
  },
};

function runLine(run: RunRecord): string {
  const took = run.finishedAt === undefined ? "" : ` ${((run.finishedAt - run.startedAt) / 1000).toFixed(1)} s`;
  const why = run.message ? `  — ${visible(run.message, true)}` : "";
  const selection = visible(run.selection, true);
  return `${run.id}  ${run.status.padEnd(8)} ${time(run.startedAt)}${took}  ${run.launchedBy} ${startedBy(run)}  ${selection}${why}`;
}

/** "by ana on ci-runner-3": who started the run, where (runs recorded before users were: the host only). */
export function startedBy(run: RunRecord): string {
  const host = visible(run.hostname, true);
  return run.user === undefined ? `on ${host}` : `by ${visible(run.user, true)} on ${host}`;
}

/** `assetline logs RUN_ID`: every event of a run, with step errors and captured output. */
export const logsCommand: Command = {
  name: "logs",
  usage: "assetline logs RUN_ID [--dir DIR] [--format text|json]",
  summary: "Show a run's events, errors and captured logs",
  options: { dir: { type: "string", short: "d" }, format: { type: "string", short: "f" } },
  async run(parsed) {
    const format = formatOption(parsed, ["text", "json"], "text");
    const runId = parsed.positionals[0];
    if (runId === undefined) throw new UsageError("missing RUN_ID; `assetline runs` lists them");
    const dir = workspaceDir(stringOption(parsed, "dir"));
    const found = await readHistory(dir, async (store) => {
      const run = await store.getRun(runId);
      return run && { run, events: await store.runEvents(runId) };
    });
    if (!found) throw new UsageError(`no run "${runId}"; \`assetline runs\` lists them`);
    const { run, events } = found;
    const link = runLink(run.id, events);
    if (format === "json") writeJson(process.stdout, { run, link: link ?? null, events });
    else {
      const lines = `${runLine(run)}\n${events.map((event) => eventText(event, dir)).join("\n")}\n`;
      writeText(process.stdout, `${lines}${link ? `Open in VS Code: ${link}\n` : ""}`);
    }
    return EXIT.ok;
  },
};

/** A link to the run's first failed step (else its first step), for alerts and chat. */
function runLink(runId: string, events: readonly StoredEvent[]): string | undefined {
  const failed = events.find((event) => event.type === "STEP_FAILURE");
  const first = failed ?? events.find((event) => event.type === "STEP_STARTED");
  if (!first || !("assetKey" in first) || !first.assetKey) return undefined;
  const check = "checkName" in first ? first.checkName : undefined;
  return assetLink({ key: first.assetKey, ...(check ? { check } : {}), run: runId });
}

function eventText(event: StoredEvent, dir: string): string {
  const at = time(event.ts);
  const scope =
    "assetKey" in event && event.assetKey
      ? ` ${event.assetKey}${"checkName" in event && event.checkName ? ` › ${event.checkName}` : ""}`
      : "";
  switch (event.type) {
    case "LOG":
      return `${at} ${event.level.toUpperCase().padEnd(5)}${scope}: ${event.message}${event.truncated ? " [truncated]" : ""}`;
    case "STEP_FAILURE": {
      // The user's line first (the stack is source-mapped to their TypeScript), then the stack.
      const where = firstUserFrame(event.error?.stack, dir);
      const userLine = where ? `\n    at ${where.file}:${where.line + 1}:${where.character + 1}` : "";
      return `${at} STEP_FAILURE${scope}: ${event.message}${userLine}${event.error?.stack ? `\n${indent(event.error.stack)}` : ""}`;
    }
    case "STEP_SKIPPED":
      return `${at} STEP_SKIPPED${scope}: ${event.reason}`;
    case "MATERIALIZATION":
      return `${at} MATERIALIZATION${scope} code ${event.codeVersion}${event.metadata && Object.keys(event.metadata).length ? ` ${JSON.stringify(event.metadata)}` : ""}`;
    case "CHECK_EVALUATION":
      return `${at} CHECK_EVALUATION${scope}: ${event.passed ? "passed" : "failed"}${event.metadata && Object.keys(event.metadata).length ? ` ${JSON.stringify(event.metadata)}` : ""}`;
    default:
      return `${at} ${event.type}${scope}${"message" in event && event.message ? `: ${event.message}` : ""}`;
  }
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}
