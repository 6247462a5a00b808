/**
 * Crash recovery. A run whose owning process died (editor closed, kill -9, power loss) stays
 * STARTED forever unless someone notices: every store user calls this at start. Nothing
 * partial needs undoing, because a materialization is only ever one event written after the
 * asset function succeeded; a dangling STEP_STARTED is only an attempt, never a materialization.
 */
import type Database from "better-sqlite3";
import { hostname } from "node:os";
import { abandonedRunMessage, abandonedStepMessage } from "./abandoned";
import { encodeEvent, type EncodedEvent } from "./codec";
import { ownerStillRunning } from "./processInfo";
import type { RecoveredRun } from "./records";
import type { Writer } from "./writer";

interface StartedRun {
  readonly seq: number;
  readonly id: string;
  readonly pid: number;
  readonly pid_started_at: number | null;
}

export interface StepRow {
  readonly asset_key: string;
  readonly check_name: string | null;
  readonly type: string;
}

export class Recovery {
  private readonly started: Database.Statement<[string], StartedRun>;
  private readonly status: Database.Statement<[number], string>;
  private readonly steps: Database.Statement<[number], StepRow>;

  constructor(
    db: Database.Database,
    private readonly writer: Writer,
  ) {
    // Only this host's runs: a pid means nothing on another machine sharing the file.
    this.started = db.prepare(
      "SELECT seq, id, pid, pid_started_at FROM runs WHERE status = 'STARTED' AND hostname = ?",
    );
    this.status = db.prepare<[number], string>("SELECT status FROM runs WHERE seq = ?").pluck();
    this.steps = db.prepare(
      `SELECT asset_key, check_name, type FROM events
       WHERE run_seq = ? AND type IN (SELECT value FROM json_each('${JSON.stringify(STEP_LIFECYCLE_TYPES)}'))
       ORDER BY id`,
    );
  }

  /** Fails every STARTED run of this host whose process is gone, and its unfinished steps. */
  recover(): RecoveredRun[] {
    const recovered: RecoveredRun[] = [];
    for (const run of this.started.all(hostname())) {
      if (ownerStillRunning(run.pid, run.pid_started_at)) continue;
      const result = this.writer.write(() => this.failRun(run));
      if (result) recovered.push(result);
    }
    return recovered;
  }

  private failRun(run: StartedRun): RecoveredRun | undefined {
    // Another process may have recovered the same run between our scan and our lock.
    if (this.status.get(run.seq) !== "STARTED") return undefined;
    const { events, failedSteps } = abandonment(run.pid, this.steps.all(run.seq));
    this.writer.insertEncoded(run.seq, events);
    return { runId: run.id, pid: run.pid, failedSteps };
  }
}

/** The rows recovery reads for a run: its step lifecycle events, oldest first. */
export const STEP_LIFECYCLE_TYPES = ["STEP_STARTED", "STEP_RETRY", "STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED"];

/**
 * What recovery writes for a run whose owner (`pid`) died: a failure for each step whose last
 * lifecycle event is a start (or a retry about to start), then the run's failure.
 */
export function abandonment(
  pid: number,
  stepRows: readonly StepRow[],
): { events: EncodedEvent[]; failedSteps: string[] } {
  const open = openSteps(stepRows);
  const events: EncodedEvent[] = open.map((step) =>
    encodeEvent({
      type: "STEP_FAILURE",
      assetKey: step.assetKey,
      ...(step.checkName === undefined ? {} : { checkName: step.checkName }),
      message: abandonedStepMessage(pid),
    }),
  );
  events.push(encodeEvent({ type: "RUN_FAILURE", message: abandonedRunMessage(pid) }));
  return {
    events,
    failedSteps: open.map((s) => (s.checkName === undefined ? s.assetKey : `${s.assetKey}:${s.checkName}`)),
  };
}

/** Steps whose last lifecycle event is a start (or a retry about to start): they never ended. */
function openSteps(rows: readonly StepRow[]): { assetKey: string; checkName: string | undefined }[] {
  const last = new Map<string, StepRow>();
  for (const row of rows) last.set(JSON.stringify([row.asset_key, row.check_name]), row);
  const open: { assetKey: string; checkName: string | undefined }[] = [];
  for (const row of last.values()) {
    if (row.type === "STEP_STARTED" || row.type === "STEP_RETRY") {
      open.push({ assetKey: row.asset_key, checkName: row.check_name ?? undefined });
    }
  }
  return open;
}
