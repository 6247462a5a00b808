/**
 * `assetline worker`: runs steps of distributed runs from the queue on the workspace's
 * PostgreSQL history until stopped (Ctrl-C or SIGTERM give its running steps back to the queue).
 * `assetline workers`: the live workers, what they run and when they last beat.
 */
import { availableParallelism } from "node:os";
import { loadWorkspaceConfig } from "../../config/workspaceConfig";
import { DistributedWorker } from "../../distributed/worker";
import { listWorkers } from "../../distributed/workers";
import { type Command, numberOption, stringOption, formatOption } from "../command";
import { EXIT } from "../errors";
import { visible, writeJson, writeText } from "../terminalText";
import { workspaceDir } from "../workspaceDir";
import { openPostgresHistory, postgresHistoryTarget } from "../history";
import { nodeOption } from "./materialize";

export const workerCommand: Command = {
  name: "worker",
  usage: "assetline worker [--dir DIR] [--concurrency N] [--heartbeat S] [--node PATH]",
  summary: "Run steps of distributed runs from the queue on the PostgreSQL history",
  options: {
    dir: { type: "string", short: "d" },
    concurrency: { type: "string", short: "j" },
    heartbeat: { type: "string" },
    node: { type: "string" },
  },
  async run(parsed) {
    const concurrency =
      numberOption(parsed, "concurrency", { whole: true, allowZero: false }) ?? availableParallelism();
    const heartbeat = numberOption(parsed, "heartbeat", { whole: false, allowZero: false, unit: "seconds" });
    const nodePath = nodeOption(parsed);
    const dir = workspaceDir(stringOption(parsed, "dir"));
    const { history, target } = await openPostgresHistory(dir, "assetline worker");
    const { warehouse } = loadWorkspaceConfig(dir);
    if (warehouse.kind === "sqlite") {
      process.stderr.write(
        'assetline: warning: the warehouse is this checkout\'s SQLite file; steps on other workers will not see the tables built here (set "warehouse" or ASSETLINE_WAREHOUSE_URL to a shared PostgreSQL)\n',
      );
    }
    const log = (message: string): void => void process.stdout.write(`${new Date().toISOString()} ${message}\n`);
    const worker = await DistributedWorker.start({
      workspaceRoot: dir,
      history,
      historyUrl: target.url,
      warehouse,
      concurrency,
      heartbeatMs: heartbeat === undefined ? undefined : Math.round(heartbeat * 1000),
      nodePath,
      log,
    });
    log(
      `${worker.identity.label} (${worker.identity.id}) takes up to ${concurrency} step(s) at once from ${history.location}`,
    );
    await new Promise<void>((resolve) => {
      let stopping = false;
      const onSignal = (): void => {
        if (stopping) {
          worker.killNow();
          process.exit(130);
        }
        stopping = true;
        log("stopping: running steps go back to the queue");
        void worker.stop().finally(resolve);
      };
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
      process.on("exit", () => worker.killNow());
    });
    await history.close();
    return EXIT.ok;
  },
};

export const workersCommand: Command = {
  name: "workers",
  usage: "assetline workers [--dir DIR] [--format text|json]",
  summary: "List the live workers of the PostgreSQL history: host, concurrency, steps, last heartbeat",
  options: { dir: { type: "string", short: "d" }, format: { type: "string", short: "f" } },
  async run(parsed) {
    const format = formatOption(parsed, ["text", "json"], "text");
    const dir = workspaceDir(stringOption(parsed, "dir"));
    const target = postgresHistoryTarget(dir, "assetline workers");
    const workers = await listWorkers(target.url);
    if (format === "json") {
      writeJson(process.stdout, { workers });
      return EXIT.ok;
    }
    if (workers.length === 0) {
      writeText(process.stdout, "No live workers. Start one with `assetline worker`.\n");
      return EXIT.ok;
    }
    for (const worker of workers) {
      const steps =
        worker.steps.length === 0 ? "idle" : worker.steps.map((s) => `${s.step} (run ${s.runId})`).join(", ");
      writeText(
        process.stdout,
        `${visible(worker.hostname, true)}  pid ${worker.pid}  ${worker.steps.length}/${worker.concurrency} busy  heartbeat ${(worker.heartbeatAgeMs / 1000).toFixed(1)} s ago  ${visible(steps, true)}\n`,
      );
    }
    return EXIT.ok;
  },
};
