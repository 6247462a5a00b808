/**
 * What the automation loop keeps in the history besides runs: its decisions (why each asset
 * was started, which cron ticks were skipped), the single owner of the loop per workspace, and
 * the per-asset step outcomes it derives durations and back-off from (schema version 3).
 */
import type Database from "better-sqlite3";
import { hostname } from "node:os";
import { isAbandonedStepMessage } from "./abandoned";
import { ReadonlyStoreError } from "./errors";
import { ownerStillRunning, processStartTime } from "./processInfo";
import type { Writer } from "./writer";

/** Where a loop runs: the CLI's `assetline automate`, or the language server. */
export type AutomationHostKind = "cli" | "editor";

/** One recorded decision of the loop. */
export interface AutomationDecisionRecord {
  readonly id: number;
  /** Epoch ms. */
  readonly timestamp: number;
  readonly assetKey: string;
  readonly outcome: "run" | "skipped";
  /** The conditions that applied, as labels ("eager", "cron 0 6 * * *"). */
  readonly conditions: readonly string[];
  readonly reason: string;
  /** The run it started (outcome "run"). */
  readonly runId: string | undefined;
  /** Skipped cron ticks: the expression and the tick (epoch ms). */
  readonly cron: string | undefined;
  readonly cronTick: number | undefined;
}

export type AutomationDecisionInput = Omit<AutomationDecisionRecord, "id" | "timestamp"> & {
  readonly timestamp?: number;
};

/** The process that holds the loop of a workspace. */
export interface AutomationOwner {
  readonly pid: number;
  readonly hostname: string;
  readonly hostKind: AutomationHostKind;
  /** Epoch ms when it claimed the loop. */
  readonly since: number;
}

/** An asset step's end, newest first in queries. */
export interface StepOutcome {
  readonly eventId: number;
  readonly timestamp: number;
  readonly succeeded: boolean;
  /** Successes only. */
  readonly durationMs: number | undefined;
  /** Failures only: the run was abandoned by its killed process rather than the step failing. */
  readonly abandoned: boolean;
}

interface OwnerRow {
  readonly pid: number;
  readonly pid_started_at: number | null;
  readonly hostname: string;
  readonly host_kind: string;
  readonly since: number;
}

interface DecisionRow {
  readonly id: number;
  readonly ts: number;
  readonly asset_key: string;
  readonly outcome: string;
  readonly conditions: string;
  readonly reason: string;
  readonly run_id: string | null;
  readonly cron: string | null;
  readonly cron_tick: number | null;
}

const HOST = hostname();

/** The schema version that added the automation tables (schema.ts). */
const AUTOMATION_SCHEMA_VERSION = 3;

/** Statements on the version 3 tables, prepared on first use (an older history read-only has none). */
interface AutomationStatements {
  readonly insertDecision: Database.Statement;
  readonly decisionsDesc: Database.Statement<[number], DecisionRow>;
  readonly skips: Database.Statement<[], [string, string, number]>;
  readonly owner: Database.Statement<[], OwnerRow>;
  readonly putOwner: Database.Statement;
  readonly dropOwner: Database.Statement<[number, string]>;
}

export class AutomationRecords {
  private prepared: AutomationStatements | undefined;
  private readonly outcomes: Database.Statement<[string, number], [number, number, string, string | null, unknown]>;

  constructor(
    private readonly db: Database.Database,
    private readonly dbPath: string,
    private readonly writer: Writer | undefined,
    private readonly now: () => number,
    /** The schema version of the file (below 3 only for a read-only open of an unmigrated history). */
    private readonly schema: number,
  ) {
    // The WHERE repeats the partial index's, so SQLite serves it from events_asset_outcomes.
    // The duration is read in SQL: parsing whole payloads in JS was most of a cold tick.
    this.outcomes = db
      .prepare<[string, number], [number, number, string, string | null, unknown]>(
        `SELECT id, ts, type, message, json_extract(payload, '$.durationMs') FROM events
         WHERE asset_key = ? AND type IN ('STEP_SUCCESS', 'STEP_FAILURE') AND check_name IS NULL
         ORDER BY id DESC LIMIT ?`,
      )
      .raw(true);
  }

  /** The version 3 statements, or undefined on an older (read-only) history. */
  private statements(): AutomationStatements | undefined {
    if (this.schema < AUTOMATION_SCHEMA_VERSION) return undefined;
    const db = this.db;
    this.prepared ??= {
      insertDecision: db.prepare(
        `INSERT INTO automation_decisions (ts, asset_key, outcome, conditions, reason, run_id, cron, cron_tick)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      decisionsDesc: db.prepare("SELECT * FROM automation_decisions ORDER BY id DESC LIMIT ?"),
      skips: db
        .prepare<[], [string, string, number]>(
          `SELECT asset_key, cron, max(cron_tick) FROM automation_decisions
           WHERE outcome = 'skipped' AND cron IS NOT NULL GROUP BY asset_key, cron`,
        )
        .raw(true),
      owner: db.prepare("SELECT * FROM automation_owner WHERE id = 1"),
      putOwner: db.prepare(
        `INSERT OR REPLACE INTO automation_owner (id, pid, pid_started_at, hostname, host_kind, since)
         VALUES (1, ?, ?, ?, ?, ?)`,
      ),
      dropOwner: db.prepare("DELETE FROM automation_owner WHERE id = 1 AND pid = ? AND hostname = ?"),
    };
    return this.prepared;
  }

  /** The asset's latest `limit` step outcomes, newest first. */
  stepOutcomes(key: string, limit: number): StepOutcome[] {
    return this.outcomes.all(key, limit).map(([eventId, timestamp, type, message, duration]) => {
      const succeeded = type === "STEP_SUCCESS";
      return {
        eventId,
        timestamp,
        succeeded,
        durationMs: succeeded && typeof duration === "number" ? duration : undefined,
        abandoned: !succeeded && isAbandonedStepMessage(message ?? ""),
      };
    });
  }

  /** Records decisions in one transaction. */
  record(decisions: readonly AutomationDecisionInput[]): void {
    if (decisions.length === 0) return;
    this.write((statements) => {
      const fallback = this.now();
      for (const d of decisions) {
        statements.insertDecision.run(
          d.timestamp ?? fallback,
          d.assetKey,
          d.outcome,
          JSON.stringify(d.conditions),
          d.reason,
          d.runId ?? null,
          d.cron ?? null,
          d.cronTick ?? null,
        );
      }
    });
  }

  /** The newest decisions first. */
  decisions(limit: number): AutomationDecisionRecord[] {
    return (this.statements()?.decisionsDesc.all(limit) ?? []).map((row) => ({
      id: row.id,
      timestamp: row.ts,
      assetKey: row.asset_key,
      outcome: row.outcome as "run" | "skipped",
      conditions: JSON.parse(row.conditions) as string[],
      reason: row.reason,
      runId: row.run_id ?? undefined,
      cron: row.cron ?? undefined,
      cronTick: row.cron_tick ?? undefined,
    }));
  }

  /** The last skipped tick per asset and cron expression. */
  lastCronSkips(): Array<{ assetKey: string; cron: string; tick: number }> {
    return (this.statements()?.skips.all() ?? []).map(([assetKey, cron, tick]) => ({ assetKey, cron, tick }));
  }

  /**
   * Claims the loop for this process; returns undefined when claimed, else the live owner.
   * The read and the write are one immediate transaction: of two processes starting together,
   * the second sees the first's row.
   */
  claim(hostKind: AutomationHostKind): AutomationOwner | undefined {
    return this.write((statements) => {
      const row = statements.owner.get();
      if (row !== undefined && !(row.pid === process.pid && row.hostname === HOST) && ownerAlive(row)) {
        return {
          pid: row.pid,
          hostname: row.hostname,
          hostKind: row.host_kind as AutomationHostKind,
          since: row.since,
        };
      }
      statements.putOwner.run(process.pid, processStartTime(process.pid) ?? null, HOST, hostKind, this.now());
      return undefined;
    });
  }

  /** Gives the loop up, if this process holds it. */
  release(): void {
    this.write((statements) => statements.dropOwner.run(process.pid, HOST));
  }

  /** The process holding the loop, when one does and still runs. */
  currentOwner(): AutomationOwner | undefined {
    const row = this.statements()?.owner.get();
    if (row === undefined || !ownerAlive(row)) return undefined;
    return { pid: row.pid, hostname: row.hostname, hostKind: row.host_kind as AutomationHostKind, since: row.since };
  }

  /** Writable stores are always migrated, so the version 3 statements exist there. */
  private write<T>(fn: (statements: AutomationStatements) => T): T {
    const statements = this.statements();
    if (this.writer === undefined || statements === undefined) throw new ReadonlyStoreError(this.dbPath);
    return this.writer.write(() => fn(statements));
  }
}

/** A pid on another host cannot be checked from here: its claim stands (the message says where it runs). */
function ownerAlive(row: OwnerRow): boolean {
  return row.hostname !== HOST || ownerStillRunning(row.pid, row.pid_started_at);
}
