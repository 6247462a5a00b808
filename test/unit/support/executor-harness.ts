/**
 * Test harness for the executor suites: a built worker, throw-away copies of the fixture
 * workspaces, a real store, and small waiting helpers. No mocks: real processes, real files.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as esbuild from "esbuild";
import { analyzeDirectory, type AnalysisSnapshot } from "../../../server/src/analysis";
import {
  Executor,
  planRun,
  type ExecutorOptions,
  type PlanOptions,
  type RunHandle,
} from "../../../server/src/executor";
import { EventStore, SqliteHistory, storePath } from "../../../server/src/store";

export const repoRoot = resolve(__dirname, "../../..");
/** Inside the repository so that the worker's external packages (better-sqlite3) resolve from its node_modules. */
const workerOutDir = join(repoRoot, "node_modules", ".cache", "assetline-executor-tests");
let workerScript: Promise<string> | undefined;

/** Builds the worker entry once per test process, independently of the full dist/ build. */
export function buildWorker(): Promise<string> {
  workerScript ??= (async () => {
    mkdirSync(workerOutDir, { recursive: true });
    const outfile = join(workerOutDir, "worker.js");
    await esbuild.build({
      entryPoints: [join(repoRoot, "server/src/executor/worker/main.ts")],
      bundle: true,
      platform: "node",
      target: "node20",
      format: "cjs",
      packages: "external",
      sourcemap: "inline",
      outfile,
      logLevel: "warning",
    });
    return outfile;
  })();
  return workerScript;
}

/** A fixture workspace copied to a temp dir, its analysis, store and executor. */
export interface Workspace {
  readonly root: string;
  readonly snapshot: AnalysisSnapshot;
  readonly store: EventStore;
  readonly executor: Executor;
  /** Plans `keys` and starts the run. */
  run(keys: readonly string[], options?: PlanOptions): RunHandle;
  dispose(): Promise<void>;
}

/** Copies test/fixtures/<fixture> to a temp dir and opens an executor on it. */
export async function openWorkspace(fixture: string, options: Partial<ExecutorOptions> = {}): Promise<Workspace> {
  const root = mkdtempSync(join(tmpdir(), `assetline-${fixture}-`));
  cpSync(join(repoRoot, "test", "fixtures", fixture), root, { recursive: true });
  const snapshot = analyzeDirectory(root);
  const store = EventStore.open(storePath(root));
  const executor = new Executor({
    workspaceRoot: root,
    store: new SqliteHistory(store),
    workerScript: await buildWorker(),
    ...options,
  });
  return {
    root,
    snapshot,
    store,
    executor,
    run: (keys, planOptions) => executor.start(planRun(snapshot, keys, planOptions), { selection: keys.join(" ") }),
    async dispose() {
      await executor.close();
      store.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Resolves when `predicate` holds, polling; rejects after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs = 10_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
