/**
 * Another process claiming a workspace's automation loop, for the single-instance tests: prints
 * "claimed" and stays alive until killed, or prints "refused <message>" and exits.
 *
 *   node --require tsx/cjs automation-claim-child.ts WORKSPACE
 */
import { AutomationBusyError, AutomationLoop } from "../../../server/src/automation/loop";
import { analyzeDirectory } from "../../../server/src/analysis";
import { EventStore, storePath } from "../../../server/src/store";
import { SETTINGS } from "./automation-workspace";

const root = process.argv[2];
if (!root) throw new Error("usage: automation-claim-child.ts WORKSPACE");
const store = EventStore.open(storePath(root));
const loop = new AutomationLoop({
  store,
  definitions: () => analyzeDirectory(root),
  settings: SETTINGS,
  hostKind: "editor",
});
try {
  loop.claim();
  process.stdout.write("claimed\n");
  setInterval(() => undefined, 60_000);
} catch (error) {
  if (!(error instanceof AutomationBusyError)) throw error;
  process.stdout.write(`refused ${error.message}\n`);
  store.close();
}
