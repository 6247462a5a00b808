/**
 * A separate executor process for the crash and signal tests: runs the given keys of an
 * already-copied workspace, prints "started <runId>" once the run is under way, and exits
 * through handleTerminationSignals when signalled.
 *
 *   node --require tsx/cjs executor-child.ts WORKSPACE WORKER_SCRIPT KEY...
 */
import { analyzeDirectory } from "../../../server/src/analysis";
import { Executor, handleTerminationSignals, planRun } from "../../../server/src/executor";
import { EventStore, SqliteHistory, storePath } from "../../../server/src/store";

const [root, workerScript, ...keys] = process.argv.slice(2);
if (!root || !workerScript || keys.length === 0)
  throw new Error("usage: executor-child.ts WORKSPACE WORKER_SCRIPT KEY...");
const store = EventStore.open(storePath(root));
const executor = new Executor({ workspaceRoot: root, store: new SqliteHistory(store), workerScript, concurrency: 1 });
handleTerminationSignals(executor);
const run = executor.start(planRun(analyzeDirectory(root), keys), { selection: keys.join(" ") });
run.events.on("event", (event) => {
  if (event.type === "STEP_STARTED") process.stdout.write(`started ${run.runId} ${event.assetKey}\n`);
});
void run.done.then(async (result) => {
  process.stdout.write(`done ${result.status}\n`);
  await executor.close();
  store.close();
});
