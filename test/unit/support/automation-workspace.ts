/**
 * A scratch workspace for the automation loop tests: the given asset module, a real store, a
 * real executor with worker processes, a loop on a controllable clock, and `runs.log`, a line per
 * execution that each test asset appends (counted independently of the history).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AutomationLoop } from "../../../server/src/automation/loop";
import { WorkspaceTracker } from "../../../server/src/automation/workspaceTracker";
import { Executor, planRun, type PlanOptions } from "../../../server/src/executor";
import type { AutomationSettings } from "../../../server/src/model/automationTypes";
import { EventStore, SqliteHistory, storePath } from "../../../server/src/store";
import { buildWorker } from "./executor-harness";

export const SETTINGS: AutomationSettings = {
  maxConcurrent: 10,
  tickMs: 30_000,
  backoffInitialMs: 60_000,
  backoffMaxMs: 3_600_000,
  timeZone: "UTC",
};

/** Appends the asset's name to runs.log: `record("name")` inside a body. */
export const RECORD = `import { appendFileSync, existsSync } from "node:fs";
const record = (name: string) => appendFileSync("runs.log", name + "\\n");
const flagged = (name: string) => existsSync(name);
`;

export interface AutomationWorkspace {
  readonly root: string;
  readonly store: EventStore;
  readonly executor: Executor;
  readonly loop: AutomationLoop;
  /** The loop's clock (epoch ms); move it freely. */
  now: number;
  /** Runs `keys` by hand (as `assetline materialize`) and waits for the run. */
  materialize(keys: string[], options?: PlanOptions): Promise<void>;
  /** The names runs.log holds, in order. */
  executions(): string[];
  flag(name: string, on: boolean): void;
  /** A second loop on the same workspace (another process would hold its own store). */
  newLoop(store?: EventStore): AutomationLoop;
  dispose(): Promise<void>;
}

export async function automationWorkspace(
  source: string,
  settings: Partial<AutomationSettings> = {},
): Promise<AutomationWorkspace> {
  const root = mkdtempSync(join(tmpdir(), "assetline-automation-"));
  mkdirSync(join(root, "src"));
  writeFileSync(join(root, "package.json"), '{ "name": "automation-test", "private": true }\n');
  writeFileSync(join(root, "src", "pipeline.ts"), RECORD + source);
  const store = EventStore.open(storePath(root));
  const executor = new Executor({
    workspaceRoot: root,
    store: new SqliteHistory(store),
    workerScript: await buildWorker(),
    concurrency: 2,
  });
  const tracker = new WorkspaceTracker(root);
  const workspace: AutomationWorkspace = {
    root,
    store,
    executor,
    now: Date.now(),
    loop: undefined as unknown as AutomationLoop,
    async materialize(keys, options) {
      await executor.start(planRun(tracker.snapshot(), keys, options), { selection: keys.join(" ") }).done;
    },
    executions() {
      const log = join(root, "runs.log");
      return existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean) : [];
    },
    flag(name, on) {
      if (on) writeFileSync(join(root, name), "");
      else rmSync(join(root, name), { force: true });
    },
    newLoop(other = store) {
      return new AutomationLoop({
        store: other,
        executor,
        definitions: () => tracker.snapshot(),
        settings: { ...SETTINGS, ...settings },
        hostKind: "cli",
        now: () => workspace.now,
      });
    },
    async dispose() {
      workspace.loop.release();
      await executor.close();
      store.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
  (workspace as { loop: AutomationLoop }).loop = workspace.newLoop();
  workspace.loop.claim();
  return workspace;
}
