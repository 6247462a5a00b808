/**
 * Entry point of a worker process (built to dist/worker.js). A worker is long-lived: it
 * runs one task at a time, for as many tasks as the executor sends, so that a step costs
 * an IPC round trip instead of a Node start-up. It leads its own process group; the
 * executor kills that group on timeout or cancellation and forks a replacement.
 */
import type { ParentMessage, TaskOutcome, WorkerMessage, WorkerTask } from "../workerMessages";
import { captureStdio, LogSink, setStdioTarget } from "./logCapture";
import { runTask, toStepError } from "./runTask";
import { guardAgainstOrphaning } from "./watchdog";

interface Current {
  readonly task: WorkerTask;
  readonly sink: LogSink;
  readonly abort: AbortController;
  settled: boolean;
}

let current: Current | undefined;

function send(message: WorkerMessage): void {
  // The channel may already be closing when the executor is going away; nothing to report to then.
  if (process.connected) process.send?.(message);
}

function finish(entry: Current, outcome: TaskOutcome): void {
  if (entry.settled) return;
  entry.settled = true;
  if (current === entry) {
    current = undefined;
    setStdioTarget(undefined);
  }
  send({ type: "done", taskId: entry.task.taskId, outcome });
}

function start(task: WorkerTask): void {
  const entry: Current = {
    task,
    sink: new LogSink(task.taskId, task.logCapBytes, send),
    abort: new AbortController(),
    settled: false,
  };
  current = entry;
  setStdioTarget(entry.sink);
  void runTask(task, entry.sink, entry.abort.signal).then((outcome) => finish(entry, outcome));
}

/**
 * An error thrown from a timer or an un-awaited promise of the user code would kill the
 * worker with a useless message; blame it on the running task instead and ask for a
 * fresh worker, since the module state that produced it is now suspect.
 */
function failCurrent(error: unknown): void {
  const entry = current;
  if (!entry) {
    process.stderr.write(
      `assetline worker: uncaught error outside a task: ${toStepError(error).stack ?? String(error)}\n`,
    );
    return;
  }
  finish(entry, { status: "error", error: toStepError(error), droppedLogBytes: entry.sink.close(), recycle: true });
}

function onMessage(message: unknown): void {
  if (typeof message !== "object" || message === null) return;
  const parsed = message as ParentMessage;
  if (parsed.type === "run") start(parsed.task);
  else if (parsed.type === "abort" && current?.task.taskId === parsed.taskId) {
    current.abort.abort(new Error(parsed.reason));
  }
}

// Stack traces of user code point at the user's .ts lines through the bundles' inline maps.
process.setSourceMapsEnabled(true);
// Once the executor is gone its pipes are closed: a failed write (EPIPE) must not become an
// uncaught error, whose report outside a task would write, and fail, again, forever.
for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);
guardAgainstOrphaning();
captureStdio();
process.on("uncaughtException", failCurrent);
process.on("unhandledRejection", failCurrent);
process.on("message", onMessage);
send({ type: "ready", pid: process.pid });
