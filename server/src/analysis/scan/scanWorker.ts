/**
 * A scan worker (see scanPool.ts): scans its jobs in order and posts each file's facts, bumping
 * the shared counter after every answer so the thread waiting for them wakes. Any failure is
 * posted too, and the waiting thread scans the rest itself.
 */
import { workerData } from "node:worker_threads";
import type { ScanAnswer, ScanWorkerData } from "./scanPool";
import { scanFile } from "./scanFile";

const { jobs, options, port, answered } = workerData as ScanWorkerData;

function answer(message: ScanAnswer): void {
  port.postMessage(message);
  Atomics.add(answered, 0, 1);
  Atomics.notify(answered, 0);
}

try {
  jobs.forEach((job, index) => answer({ index, facts: scanFile(job.file, job.text, options) }));
} catch (error) {
  answer({ failed: error instanceof Error ? error.message : String(error) });
}
