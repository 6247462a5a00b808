/*
 * Making a worker, and everything its task started, die with the executor even when the
 * worker's main thread is stuck, and even when the executor is `kill -9`ed.
 *
 * Workers lead their own process group (so that a timeout can kill the whole tree), which
 * also means nothing kills them when the executor dies. A `disconnect` handler covers the
 * normal case, but a task spinning in `while (true) {}` never runs it; a tiny watchdog thread
 * does not share that event loop and notices the re-parenting instead.
 *
 * Killing the worker's group is not enough: a grandchild spawned with `detached: true` (or
 * through setsid) leads a group and session of its own. So the watchdog also keeps, every
 * poll, the list of the worker's descendants (with their start times, so that a reused pid is
 * never killed), and on orphaning kills each one's group and the process itself. What still
 * escapes: a process that is re-parented away from the worker (a double fork whose middle
 * process exits) within one poll of being started, and, off Linux, any detached descendant
 * (no /proc to walk from a thread).
 */
import { Worker } from "node:worker_threads";

const POLL_MS = 500;

/** The executor's pid, set in a worker's environment by the pool that forks it. */
export const EXECUTOR_PID_VARIABLE = "ASSETLINE_EXECUTOR_PID";

// Runs in the watchdog thread. `process.ppid` is read live from the OS on every access.
const WATCHDOG_SOURCE = `
const { workerData, parentPort } = require("node:worker_threads");
const { readdirSync, readFileSync } = require("node:fs");
const linux = process.platform === "linux";
/** pid -> start time (clock ticks since boot) of every descendant seen, while it lives. */
const known = new Map();

function startTime(pid) {
  try {
    const stat = readFileSync("/proc/" + pid + "/stat", "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

function childrenOf(pid) {
  const found = [];
  try {
    for (const task of readdirSync("/proc/" + pid + "/task")) {
      const text = readFileSync("/proc/" + pid + "/task/" + task + "/children", "utf8").trim();
      if (text) for (const child of text.split(" ")) found.push(Number(child));
    }
  } catch {}
  return found;
}

function record() {
  if (!linux) return;
  for (const [pid, start] of known) if (startTime(pid) !== start) known.delete(pid);
  const queue = childrenOf(workerData.selfPid);
  while (queue.length > 0) {
    const pid = queue.shift();
    if (known.has(pid)) { queue.push(...childrenOf(pid)); continue; }
    const start = startTime(pid);
    if (start === undefined) continue;
    known.set(pid, start);
    queue.push(...childrenOf(pid));
  }
}

function kill(target) {
  try { process.kill(target, "SIGKILL"); } catch {}
}

function orphaned() {
  record();
  // Descendants first: the group includes this very process, so killing it ends the thread.
  for (const [pid, start] of known) {
    if (startTime(pid) !== start) continue;
    kill(-pid);
    kill(pid);
  }
  kill(-workerData.groupId);
  kill(workerData.selfPid);
}

setInterval(() => (process.ppid === workerData.parentPid ? record() : orphaned()), ${POLL_MS});
// The main thread saw the IPC channel close: the executor is gone.
parentPort.on("message", orphaned);
`;

/** Kills this process's group, and the descendants that left it, when the parent goes away. */
export function guardAgainstOrphaning(): void {
  // Not process.ppid: when the executor died before this line ran, that is already the reaper,
  // and a worker comparing against it would never notice (one was found spinning 40 minutes).
  const parentPid = Number(process.env[EXECUTOR_PID_VARIABLE]) || process.ppid;
  let watchdog: Worker | undefined;
  try {
    watchdog = new Worker(WATCHDOG_SOURCE, {
      eval: true,
      workerData: { parentPid, groupId: process.pid, selfPid: process.pid },
      // The thread needs no stdio of its own; keeping the user's stdout patching simple.
      stdout: true,
      stderr: true,
    });
    watchdog.unref();
    // An eval'd thread reads the working folder as it starts, so it dies when the folder is gone
    // by then (a test removing its workspace with the executor). Not an uncaught error of the
    // worker's, then: without the thread, this thread kills the group on disconnect, or now.
    watchdog.on("error", () => {
      watchdog = undefined;
      if (!process.connected) killOwnGroup();
    });
  } catch {
    // Without threads the disconnect handler below still covers every responsive worker.
  }
  process.on("disconnect", () => {
    // The thread knows the descendants that left the group; it kills them, the group and us.
    // ref(): with the channel gone nothing else may keep this process alive until it has.
    watchdog?.ref();
    watchdog?.postMessage("orphaned");
    if (watchdog === undefined) killOwnGroup();
  });
}

function killOwnGroup(): void {
  try {
    process.kill(-process.pid, "SIGKILL");
  } catch {
    process.exit(1);
  }
}
