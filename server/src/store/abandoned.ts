/**
 * Runs whose owner is gone, as readers see them. Recovery (recovery.ts) writes the failure
 * down, but only a writer can, and only the next `materialize` opens one: until then `runs`,
 * `logs` and the editor would show a killed run as STARTED forever. Readers therefore decide
 * at read time, with the same test recovery uses (a pid only on this host: it means nothing on
 * another machine, where PostgreSQL's heartbeat decides), and show such a run and its
 * unfinished steps as failed.
 */
import { hostname } from "node:os";
import { ownerStillRunning } from "./processInfo";

/** The columns of a runs row that say who owns it. */
export interface RunOwner {
  readonly status: string;
  readonly pid: number;
  readonly pid_started_at: number | null;
  readonly hostname: string;
  /**
   * PostgreSQL only: when (local clock, ms) the owner's heartbeat expires. A shared history has
   * runs of other machines, whose pids mean nothing here; a stopped heartbeat is what says
   * their owner died. Null or absent for SQLite, whose runs are this host's.
   */
  readonly heartbeatDeadline?: number | null;
}

const HOST = hostname();

/** True for a STARTED run whose owner is gone: a dead process on this host, or an expired heartbeat. */
export function isAbandoned(run: RunOwner): boolean {
  if (run.status !== "STARTED") return false;
  if (run.hostname === HOST && !ownerStillRunning(run.pid, run.pid_started_at)) return true;
  return run.heartbeatDeadline !== undefined && run.heartbeatDeadline !== null && Date.now() > run.heartbeatDeadline;
}

/** The message recovery will record for the run; readers show the same words before it does. */
export function abandonedRunMessage(pid: number): string {
  return `run abandoned: process ${pid} exited without finishing`;
}

/** The message recovery will record for each step the run left unfinished. */
export function abandonedStepMessage(pid: number): string {
  return `run abandoned: process ${pid} exited before this step finished`;
}

/** True for the failure recovery records for a step its killed run left unfinished (the step did not fail on its own). */
export function isAbandonedStepMessage(message: string): boolean {
  return /^run abandoned: process \d+ exited before this step finished$/.test(message);
}
