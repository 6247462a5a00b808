import assert from "node:assert/strict";
import { fork, spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { isProcessAlive } from "../../server/src/executor";
import { EXECUTOR_PID_VARIABLE } from "../../server/src/executor/worker/watchdog";
import { EventStore, storePath } from "../../server/src/store";
import { buildWorker, repoRoot, waitFor } from "./support/executor-harness";

/** Starts an executor in its own process on a copy of `fixture`; resolves once `key` has started. */
async function startExecutorProcess(
  fixture: string,
  keys: string[],
  waitForKey: string,
): Promise<{ child: ChildProcess; root: string; runId: string; output: () => string }> {
  const root = mkdtempSync(join(tmpdir(), `assetline-${fixture}-`));
  cpSync(join(repoRoot, "test", "fixtures", fixture), root, { recursive: true });
  const script = join(repoRoot, "test", "unit", "support", "executor-child.ts");
  const child = spawn(process.execPath, ["--require", "tsx/cjs", script, root, await buildWorker(), ...keys], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  child.stdout!.setEncoding("utf8").on("data", (text: string) => (output += text));
  await waitFor(() => new RegExp(`started \\S+ ${waitForKey}\\n`).test(output), 30_000, `${waitForKey} to start`);
  const runId = /started (\S+)/.exec(output)![1]!;
  return { child, root, runId, output: () => output };
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

describe("executor: its own process dying or being signalled", function () {
  this.timeout(60_000);

  it("kill -9 of the executor mid-step: the worker tree dies, the next start marks the run failed, nothing partial", async () => {
    const { child, root, runId } = await startExecutorProcess("exec-failures", ["spins", "after_spin"], "spins");
    try {
      await waitFor(() => existsSync(join(root, "pids.json")), 10_000, "the spinning asset to report its pids");
      const pids = JSON.parse(readFileSync(join(root, "pids.json"), "utf8")) as { worker: number; grandchild: number };
      child.kill("SIGKILL");
      await exited(child);
      // The worker is stuck in `while (true) {}`: only its watchdog thread can notice the orphaning.
      await waitFor(
        () => !isProcessAlive(pids.worker) && !isProcessAlive(pids.grandchild),
        5000,
        "the orphaned worker tree to die",
      );

      const store = EventStore.open(storePath(root));
      try {
        const recovered = store.recoverAbandonedRuns();
        assert.deepEqual(
          recovered.map((r) => [r.runId, r.failedSteps]),
          [[runId, ["spins"]]],
        );
        assert.equal(store.getRun(runId)!.status, "FAILURE");
        assert.equal(store.latestMaterialization("spins"), undefined, "no partial materialization");
      } finally {
        store.close();
      }
      const db = new Database(storePath(root), { readonly: true });
      try {
        assert.equal(db.pragma("integrity_check", { simple: true }), "ok");
      } finally {
        db.close();
      }
    } finally {
      child.kill("SIGKILL");
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("a worker whose executor died before it started (another process adopted it) kills itself", async () => {
    // The pool names the executor in the worker's environment; a pid that is gone stands for an
    // executor that died between the fork and the worker's first line, when process.ppid is
    // already the adopting process (here: this test, alive, so ppid alone would never tell).
    const gone = spawn(process.execPath, ["-e", ""]);
    await exited(gone);
    const worker = fork(await buildWorker(), [], {
      env: { ...process.env, [EXECUTOR_PID_VARIABLE]: String(gone.pid) },
      stdio: ["ignore", "ignore", "ignore", "ipc"],
      detached: true,
    });
    try {
      const { signal } = await exited(worker);
      assert.equal(signal, "SIGKILL");
    } finally {
      worker.kill("SIGKILL");
    }
  });

  it("an idle worker whose working folder is gone (a timer left running) dies with its executor", async () => {
    // As in the server tests, where the workspace is removed as the language server is killed:
    // the watchdog thread, eval'd, reads the working folder as it starts and died without it,
    // leaving the worker alive (and the real one spinning on reporting that to a closed stderr).
    // The worker removes its folder itself before starting the watchdog (after loading it: tsx
    // compiles relative to it), so the thread never has it.
    const dir = mkdtempSync(join(tmpdir(), "assetline-gone-cwd-"));
    const scripts = mkdtempSync(join(tmpdir(), "assetline-idle-worker-"));
    const worker = join(scripts, "worker.cjs");
    writeFileSync(
      worker,
      `require(${JSON.stringify(require.resolve("tsx/cjs"))});
       const { guardAgainstOrphaning } = require(${JSON.stringify(join(repoRoot, "server/src/executor/worker/watchdog.ts"))});
       require("node:fs").rmSync(process.cwd(), { recursive: true });
       guardAgainstOrphaning();
       process.on("uncaughtException", () => undefined);
       setInterval(() => undefined, 1000);
       process.send("ready");`,
    );
    const executor = spawn(
      process.execPath,
      [
        "-e",
        `const worker = require("node:child_process").fork(process.argv[1], [], {
           cwd: process.argv[2], detached: true, stdio: ["ignore", "ignore", "pipe", "ipc"],
           env: { ...process.env, ${EXECUTOR_PID_VARIABLE}: String(process.pid) },
         });
         worker.on("message", () => console.log(worker.pid));`,
        worker,
        dir,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let output = "";
    executor.stdout!.setEncoding("utf8").on("data", (text: string) => (output += text));
    let workerPid = 0;
    try {
      await waitFor(() => /^\d+\n/.test(output), 30_000, "the worker to be ready");
      workerPid = Number(output.trim());
      executor.kill("SIGKILL");
      await exited(executor);
      await waitFor(() => !isProcessAlive(workerPid), 5000, "the orphaned worker to die");
    } finally {
      executor.kill("SIGKILL");
      if (workerPid && isProcessAlive(workerPid)) process.kill(workerPid, "SIGKILL");
      rmSync(dir, { recursive: true, force: true });
      rmSync(scripts, { recursive: true, force: true });
    }
  });

  it("SIGINT: running steps are killed, the run is recorded CANCELED, the process exits 130", async () => {
    const { child, root, runId } = await startExecutorProcess(
      "exec-slow",
      ["quick", "waits_long", "after_long"],
      "waits_long",
    );
    try {
      child.kill("SIGINT");
      const { code } = await exited(child);
      assert.equal(code, 130);
      const store = EventStore.open(storePath(root));
      try {
        assert.equal(store.getRun(runId)!.status, "CANCELED");
        const types = store
          .runEvents(runId)
          .map((e) => ("assetKey" in e && e.assetKey ? `${e.type} ${e.assetKey}` : e.type));
        assert.ok(types.includes("STEP_FAILURE waits_long"));
        assert.ok(types.includes("STEP_SKIPPED after_long"));
        assert.equal(types.at(-1), "RUN_CANCELED");
      } finally {
        store.close();
      }
    } finally {
      child.kill("SIGKILL");
      rmSync(root, { recursive: true, force: true });
    }
  });
});
