/**
 * Ending a run cleanly when the executor's own process is told to stop (Ctrl+C in the CLI,
 * SIGTERM from a supervisor): kill the workers' process trees, record the run CANCELED, then
 * exit with the conventional code. A second signal exits at once, still killing the trees.
 */
import type { Executor } from "./executor";

const EXIT_CODES: Readonly<Record<"SIGINT" | "SIGTERM", number>> = { SIGINT: 130, SIGTERM: 143 };

/** Installs SIGINT/SIGTERM handlers for `executor`; returns a function that removes them. */
export function handleTerminationSignals(executor: Executor, options: { exit?: boolean } = {}): () => void {
  const exit = options.exit ?? true;
  let stopping = false;
  const onSignal = (signal: "SIGINT" | "SIGTERM"): void => {
    if (stopping) {
      executor.killWorkersNow();
      process.exit(EXIT_CODES[signal]);
    }
    stopping = true;
    void executor.close().finally(() => {
      if (exit) process.exit(EXIT_CODES[signal]);
    });
  };
  // Whatever ends the process, never leave a worker tree behind (exit handlers must be synchronous).
  const onExit = (): void => executor.killWorkersNow();
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("exit", onExit);
  return () => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    process.off("exit", onExit);
  };
}
