/**
 * Runs whose owner is gone, as readers see them. Recovery (recovery.ts) writes the failure
 * down, but only a writer can, and only the next `materialize` opens one: until then `runs`,
 * `logs` and the editor would show a killed run as STARTED forever. Readers therefore decide
 * at read time, with the same test recovery uses (this host's runs only: a pid means nothing
 * on another machine), and show such a run and its unfinished steps as failed.
 */
import { hostname } from "node:os";
import { ownerStillRunning } from "./processInfo";

/** The columns of a runs row that say who owns it. */
export interface RunOwner {
  readonly status: string;
  readonly pid: number;
  readonly pid_started_at: number | null;
  readonly hostname: string;
}

const HOST = hostname();

/** True for a STARTED run of this host whose owning process no longer runs. */
export function isAbandoned(run: RunOwner): boolean {
  return run.status === "STARTED" && run.hostname === HOST && !ownerStillRunning(run.pid, run.pid_started_at);
}

/** The message recovery will record for the run; readers show the same words before it does. */
export function abandonedRunMessage(pid: number): string {
  return `run abandoned: process ${pid} exited without finishing`;
}

/** The message recovery will record for each step the run left unfinished. */
export function abandonedStepMessage(pid: number): string {
  return `run abandoned: process ${pid} exited before this step finished`;
}
