import { existsSync } from "node:fs";
import { join } from "node:path";
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import type { FileFacts } from "../facts";
import { scanFile, type ScanOptions } from "./scanFile";

/** One file to scan: its workspace path and its text (read by the caller's SourceReader). */
export interface ScanJob {
  readonly file: string;
  readonly text: string;
}

/** What a scan worker is started with (scanWorker.ts). */
export interface ScanWorkerData {
  readonly jobs: readonly ScanJob[];
  readonly options: ScanOptions;
  readonly port: MessagePort;
  /** Bumped after every answer posted, so the waiting thread knows one is there. */
  readonly answered: Int32Array;
}

/** A worker's answer: the facts of its `index`-th job, or why it could not scan it. */
export type ScanAnswer = { readonly index: number; readonly facts: FileFacts } | { readonly failed: string };

/** The facts of every job, in order, and how many of them workers scanned (the rest: this thread). */
export interface ThreadedScan {
  readonly facts: FileFacts[];
  readonly byWorkers: number;
}

/** Below this many files per thread a worker's start-up (loading the compiler) costs more than it saves. */
const MIN_JOBS_PER_THREAD = 50;
/** With no answer for this long, the calling thread scans what is left itself (results are the same). */
const STALL_MS = 60_000;

/**
 * `scanFile` over every job, on `threads` threads (this one included), in the jobs' order.
 * Synchronous, like the analysis it serves: this thread scans its share, then sleeps on a shared
 * counter and takes the workers' answers with receiveMessageOnPort. Facts cross as structured
 * clones (plain data, Maps). Whatever a worker cannot do (start, scan a file) this thread does,
 * so the result never depends on the threads: test/unit/analysis-threads.test.ts compares it with
 * the single-threaded scan. Workers have no persistent SQL cache: they parse what it would hold.
 */
export function scanInThreads(jobs: readonly ScanJob[], options: ScanOptions, threads: number): ThreadedScan {
  const results = new Array<FileFacts | undefined>(jobs.length);
  const script = workerScript();
  const workerCount = script ? Math.max(0, Math.min(threads, Math.floor(jobs.length / MIN_JOBS_PER_THREAD)) - 1) : 0;
  const started: Array<{ worker: Worker; port: MessagePort; indexes: number[] }> = [];
  const answered = new Int32Array(new SharedArrayBuffer(4));
  const shares = workerCount + 1;
  for (let w = 0; w < workerCount; w++) {
    // Interleaved shares: neighbouring files are alike in size, so every thread gets a similar load.
    const indexes = jobs.map((_, i) => i).filter((i) => i % shares === w + 1);
    const { port1, port2 } = new MessageChannel();
    const workerData: ScanWorkerData = { jobs: indexes.map((i) => jobs[i]!), options, port: port2, answered };
    const worker = new Worker(script!.path, { workerData, transferList: [port2], execArgv: script!.execArgv });
    started.push({ worker, port: port1, indexes });
  }
  for (let i = 0; i < jobs.length; i += shares) results[i] = scanFile(jobs[i]!.file, jobs[i]!.text, options);
  const byWorkers = collectAnswers(started, results, answered);
  for (const { worker, port } of started) {
    port.close();
    void worker.terminate();
  }
  return { facts: results.map((facts, i) => facts ?? scanFile(jobs[i]!.file, jobs[i]!.text, options)), byWorkers };
}

function collectAnswers(
  started: ReadonlyArray<{ port: MessagePort; indexes: number[] }>,
  results: Array<FileFacts | undefined>,
  answered: Int32Array,
): number {
  let pending = started.reduce((sum, { indexes }) => sum + indexes.length, 0);
  let taken = 0;
  let byWorkers = 0;
  while (pending > 0) {
    for (const { port, indexes } of started) {
      for (let message = receiveMessageOnPort(port); message; message = receiveMessageOnPort(port)) {
        taken++;
        const answer = message.message as ScanAnswer;
        // A worker that failed leaves its remaining files to this thread.
        if ("failed" in answer) pending -= indexes.filter((i) => results[i] === undefined).length;
        else if (results[indexes[answer.index]!] === undefined) {
          results[indexes[answer.index]!] = answer.facts;
          pending--;
          byWorkers++;
        }
      }
    }
    if (pending > 0 && Atomics.wait(answered, 0, taken, STALL_MS) === "timed-out") break;
  }
  return byWorkers;
}

/** The worker's entry: beside the bundle (dist/scanWorker.js), or the source through tsx (tests). */
function workerScript(): { path: string; execArgv: string[] } | undefined {
  const bundled = join(__dirname, "scanWorker.js");
  if (existsSync(bundled)) return { path: bundled, execArgv: [] };
  const source = join(__dirname, "scanWorker.ts");
  if (existsSync(source)) return { path: source, execArgv: ["--require", "tsx/cjs"] };
  return undefined;
}
