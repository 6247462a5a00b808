/**
 * Makes a worker die with its executor even when the worker's main thread is stuck.
 *
 * Workers lead their own process group (so that a timeout can kill the whole tree), which
 * also means nothing kills them when the executor is `kill -9`ed. A `disconnect` handler
 * covers the normal case, but a task spinning in `while (true) {}` never runs it; a tiny
 * watchdog thread does not share that event loop and notices the re-parenting instead.
 */
import { Worker } from "node:worker_threads";

const POLL_MS = 500;

// Runs in the watchdog thread. `process.ppid` is read live from the OS on every access.
const WATCHDOG_SOURCE = `
const { workerData } = require("node:worker_threads");
const timer = setInterval(() => {
  if (process.ppid === workerData.parentPid) return;
  try { process.kill(-workerData.groupId, "SIGKILL"); } catch {}
  try { process.kill(workerData.selfPid, "SIGKILL"); } catch {}
}, ${POLL_MS});
`;

/** Kills this process's group when the parent goes away; `disconnect` covers the responsive case faster. */
export function guardAgainstOrphaning(): void {
  const parentPid = process.ppid;
  const killGroup = (): void => {
    try {
      process.kill(-process.pid, "SIGKILL");
    } catch {
      process.exit(1);
    }
  };
  process.on("disconnect", killGroup);
  try {
    const watchdog = new Worker(WATCHDOG_SOURCE, {
      eval: true,
      workerData: { parentPid, groupId: process.pid, selfPid: process.pid },
      // The thread needs no stdio of its own; keeping the user's stdout patching simple.
      stdout: true,
      stderr: true,
    });
    watchdog.unref();
  } catch {
    // Without threads the disconnect handler still covers every responsive worker.
  }
}
