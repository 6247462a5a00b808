/**
 * A pool of long-lived worker processes running the user's Node. Each worker runs one task
 * at a time; a worker whose task is terminated (timeout, cancellation) or that crashes is
 * killed with its whole process tree and replaced by a fresh one.
 */
import { fork, type ChildProcess } from "node:child_process";
import { EXECUTOR_PID_VARIABLE } from "./worker/watchdog";
import {
  isWorkerMessage,
  type LogSource,
  type TaskOutcome,
  type WorkerMessage,
  type WorkerTask,
} from "./workerMessages";
import { killProcessTree } from "./processTree";

/** How a pool starts its workers. */
export interface WorkerPoolOptions {
  /** The built worker entry (dist/worker.js). */
  readonly workerScript: string;
  /** The Node binary to run workers with: the user's, so native modules match their project. */
  readonly execPath: string;
  /** Extra Node flags for workers; the executor's own flags are never inherited. */
  readonly nodeArgs?: readonly string[];
  readonly size: number;
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** Receives a running task's output as it arrives. */
export interface TaskListener {
  onLog(level: LogSource, message: string): void;
  /** The worker's running count of log bytes it dropped past the cap. */
  onDropped(bytes: number): void;
  /** The task reached a worker process (its pid leads the process group that terminate() kills). */
  onStarted?(pid: number): void;
}

/** A task submitted to the pool. */
export interface TaskExecution {
  /** Resolves once the task ended and, if it was killed, once its worker has exited. Never rejects. */
  readonly done: Promise<TaskOutcome>;
  /** Ends the task now: aborts ctx.signal, then kills the worker's process tree after the grace period. */
  terminate(reason: string, graceMs?: number): void;
}

interface Job {
  readonly task: WorkerTask;
  readonly listener: TaskListener;
  readonly resolve: (outcome: TaskOutcome) => void;
  worker: PooledWorker | undefined;
  /** Set when terminate() was called: the outcome is this error whatever the worker says. */
  terminatedReason: string | undefined;
  settled: boolean;
}

interface PooledWorker {
  readonly child: ChildProcess;
  readonly pid: number;
  state: "starting" | "idle" | "busy" | "dead";
  job: Job | undefined;
}

/** Long-lived worker processes, each leading its own process group. */
export class WorkerPool {
  private readonly workers = new Set<PooledWorker>();
  private readonly queue: Job[] = [];
  private nextTaskId = 1;
  private closed = false;
  private keepWarm = false;

  constructor(private readonly options: WorkerPoolOptions) {}

  /** Pids of the live workers (for diagnostics and tests). */
  get pids(): number[] {
    return [...this.workers].filter((w) => w.state !== "dead").map((w) => w.pid);
  }

  /** Starts every worker now and keeps the pool full from then on, so the first steps pay no start-up. */
  async warm(): Promise<void> {
    this.keepWarm = true;
    while (this.workers.size < this.options.size) {
      if (!this.spawn()) throw new Error(`could not start a worker process with ${this.options.execPath}`);
    }
    await Promise.all([...this.workers].map((worker) => this.whenReady(worker)));
  }

  /** Queues `task` for the next free worker. */
  run(task: Omit<WorkerTask, "taskId">, listener: TaskListener): TaskExecution {
    let resolve!: (outcome: TaskOutcome) => void;
    const done = new Promise<TaskOutcome>((r) => (resolve = r));
    const job: Job = {
      task: { ...task, taskId: this.nextTaskId++ },
      listener,
      resolve,
      worker: undefined,
      terminatedReason: undefined,
      settled: false,
    };
    if (this.closed) this.settle(job, failure("the executor is shutting down"));
    else {
      this.queue.push(job);
      this.dispatch();
    }
    return { done, terminate: (reason, graceMs = 0) => this.terminate(job, reason, graceMs) };
  }

  /** Kills every worker (and anything they spawned); queued and running tasks end with an error. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) this.settle(job, failure("the executor is shutting down"));
    const exits = [...this.workers].map((worker) => this.kill(worker, "the executor is shutting down"));
    await Promise.all(exits);
  }

  /** Synchronously kills every worker tree: for process exit paths where nothing async runs any more. */
  killAllNow(): void {
    for (const worker of this.workers) killProcessTree(worker.pid);
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const idle = [...this.workers].find((worker) => worker.state === "idle");
      if (idle) {
        this.assign(idle, this.queue.shift()!);
        continue;
      }
      const pending = [...this.workers].filter((worker) => worker.state === "starting").length;
      // Start only as many workers as there are tasks waiting for one.
      if (this.workers.size >= this.options.size || pending >= this.queue.length) return;
      if (!this.spawn()) {
        const why = `could not start a worker process with ${this.options.execPath}`;
        for (const job of this.queue.splice(0)) this.settle(job, failure(why));
      }
    }
  }

  private assign(worker: PooledWorker, job: Job): void {
    worker.state = "busy";
    worker.job = job;
    job.worker = worker;
    setRef(worker.child, true);
    job.listener.onStarted?.(worker.pid);
    worker.child.send({ type: "run", task: job.task });
  }

  /** Forks one worker; undefined when the Node binary cannot be started at all. */
  private spawn(): PooledWorker | undefined {
    const child = fork(this.options.workerScript, [], {
      execPath: this.options.execPath,
      execArgv: [...(this.options.nodeArgs ?? [])],
      cwd: this.options.cwd,
      // Whose child it is: a worker whose parent died before it could look (under load, between
      // the fork and its first line) would otherwise take its new parent for the executor.
      env: { ...(this.options.env ?? process.env), [EXECUTOR_PID_VARIABLE]: String(process.pid) },
      // Its own process group, so that killing -pid also kills what the user code spawned.
      // (On Windows `detached` would open a console window; taskkill /T walks the tree there.)
      detached: process.platform !== "win32",
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      serialization: "json",
    });
    if (child.pid === undefined) {
      // The spawn failure is also emitted as an 'error' event: swallow it, the caller reports it.
      child.on("error", () => undefined);
      return undefined;
    }
    const worker: PooledWorker = { child, pid: child.pid, state: "starting", job: undefined };
    this.workers.add(worker);
    child.stdout!.setEncoding("utf8").on("data", (text: string) => worker.job?.listener.onLog("stdout", text));
    child.stderr!.setEncoding("utf8").on("data", (text: string) => worker.job?.listener.onLog("stderr", text));
    child.on("message", (message: unknown) => {
      if (isWorkerMessage(message)) this.onMessage(worker, message);
    });
    child.on("error", () => this.onExit(worker, "the worker process could not be started or signalled"));
    child.on("exit", (code, signal) =>
      this.onExit(
        worker,
        signal
          ? `the worker process exited (${signal})`
          : `the worker process exited with code ${code} (process.exit() in user code, or a crash)`,
      ),
    );
    return worker;
  }

  private onMessage(worker: PooledWorker, message: WorkerMessage): void {
    if (message.type === "ready") {
      if (worker.state !== "starting") return;
      worker.state = "idle";
      setRef(worker.child, false);
      this.dispatch();
      return;
    }
    const job = worker.job;
    if (!job || job.task.taskId !== message.taskId || job.terminatedReason !== undefined) return;
    if (message.type === "log") job.listener.onLog(message.level, message.message);
    else if (message.type === "dropped") job.listener.onDropped(message.bytes);
    else if (message.type === "done") {
      worker.job = undefined;
      this.settle(job, message.outcome);
      if (message.outcome.status === "error" && message.outcome.recycle) void this.kill(worker, undefined);
      else if (worker.state === "busy") {
        worker.state = "idle";
        setRef(worker.child, false);
      }
      this.dispatch();
    }
  }

  private onExit(worker: PooledWorker, why: string): void {
    if (worker.state === "dead") return;
    worker.state = "dead";
    this.workers.delete(worker);
    // Grandchildren outlive a crashed worker unless their group is killed too.
    killProcessTree(worker.pid);
    const job = worker.job;
    worker.job = undefined;
    if (job) this.settle(job, failure(job.terminatedReason ?? why));
    if (this.closed) return;
    if (this.keepWarm && this.workers.size < this.options.size) this.spawn();
    this.dispatch();
  }

  private terminate(job: Job, reason: string, graceMs: number): void {
    if (job.settled || job.terminatedReason !== undefined) return;
    job.terminatedReason = reason;
    const worker = job.worker;
    if (!worker) {
      this.queue.splice(this.queue.indexOf(job), 1);
      this.settle(job, failure(reason));
      return;
    }
    if (worker.child.connected) worker.child.send({ type: "abort", taskId: job.task.taskId, reason });
    // The grace lets code that honours ctx.signal clean up; the tree dies either way.
    if (graceMs > 0) setTimeout(() => void this.kill(worker, reason), graceMs).unref();
    else void this.kill(worker, reason);
  }

  /** Kills the worker's tree; resolves once the worker has exited (and its job has settled). */
  private kill(worker: PooledWorker, reason: string | undefined): Promise<void> {
    if (worker.state === "dead") return Promise.resolve();
    if (reason !== undefined && worker.job) worker.job.terminatedReason ??= reason;
    const exited = new Promise<void>((resolve) => worker.child.once("exit", () => resolve()));
    // Someone awaits this exit: an idle (unref'd) worker must keep the process alive until it is reported.
    setRef(worker.child, true);
    killProcessTree(worker.pid);
    return exited;
  }

  private whenReady(worker: PooledWorker): Promise<void> {
    if (worker.state !== "starting") return Promise.resolve();
    return new Promise((resolve) => {
      const check = (message: unknown): void => {
        if (isWorkerMessage(message) && message.type === "ready") resolve();
      };
      worker.child.on("message", check);
      worker.child.once("exit", () => resolve());
    });
  }

  private settle(job: Job, outcome: TaskOutcome): void {
    if (job.settled) return;
    job.settled = true;
    job.resolve(outcome);
  }
}

function failure(message: string): TaskOutcome {
  return { status: "error", error: { message, stack: undefined }, droppedLogBytes: 0 };
}

/** Idle workers must not keep a CLI process alive; busy ones must. */
function setRef(child: ChildProcess, ref: boolean): void {
  const handles = [child, child.channel, child.stdout, child.stderr] as Array<
    { ref?(): void; unref?(): void } | null | undefined
  >;
  for (const handle of handles) {
    if (ref) handle?.ref?.();
    else handle?.unref?.();
  }
}
