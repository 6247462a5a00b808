/**
 * Mapping between typed events/records and the rows of the `events` table. Columns hold what
 * queries filter on (type, asset, check, run) plus the human message; everything else of an
 * event goes into the JSON `payload`, so new event fields need no migration.
 */
import { StoreError } from "./errors";
import type {
  CheckEvaluationRecord,
  EventInput,
  EventType,
  FailureRecord,
  JsonObject,
  MaterializationRecord,
  StoredEvent,
} from "./records";
import { EVENT_TYPES } from "./records";

/** A row of `events` as better-sqlite3 returns it. */
export interface EventRow {
  readonly id: number;
  readonly run_seq: number;
  readonly ts: number;
  readonly type: string;
  readonly asset_key: string | null;
  readonly check_name: string | null;
  readonly message: string | null;
  readonly payload: string | null;
}

/** The column values of an event about to be inserted (id and run are added by the writer). */
export interface EncodedEvent {
  readonly ts: number | undefined;
  readonly type: EventType;
  readonly assetKey: string | null;
  readonly checkName: string | null;
  readonly message: string | null;
  readonly payload: string | null;
  /** CHECK_EVALUATION's outcome, kept out of the JSON so the writer need not re-parse it. */
  readonly passed: boolean;
}

const KNOWN_TYPES = new Set<string>(EVENT_TYPES);
/** Types that must name an asset, so the derived index tables never get a null key. */
const ASSET_TYPES = new Set<string>([
  "STEP_STARTED",
  "STEP_SUCCESS",
  "STEP_FAILURE",
  "STEP_SKIPPED",
  "STEP_RETRY",
  "MATERIALIZATION",
  "CHECK_EVALUATION",
]);

/** Validates an event and splits it into columns; throws StoreError before anything is written. */
export function encodeEvent(event: EventInput): EncodedEvent {
  const { type, ts, assetKey, checkName, message, reason, ...rest } = event as EventInput & {
    assetKey?: string;
    checkName?: string;
    message?: string;
    reason?: string;
  };
  if (!KNOWN_TYPES.has(type)) throw new StoreError(`unknown event type ${JSON.stringify(type)}`);
  if (ASSET_TYPES.has(type) && typeof assetKey !== "string") {
    throw new StoreError(`${type} event needs an assetKey`);
  }
  if (ts !== undefined && !Number.isFinite(ts)) throw new StoreError(`${type} event has a non-finite ts`);
  if (type === "MATERIALIZATION" && typeof (rest as { codeVersion?: unknown }).codeVersion !== "string") {
    throw new StoreError("MATERIALIZATION event needs a codeVersion");
  }
  if (
    type === "CHECK_EVALUATION" &&
    (typeof checkName !== "string" || typeof (rest as { passed?: unknown }).passed !== "boolean")
  ) {
    throw new StoreError("CHECK_EVALUATION event needs a checkName and a boolean passed");
  }
  let payload: string | null = null;
  if (Object.keys(rest).length > 0) {
    try {
      payload = JSON.stringify(rest);
    } catch (error) {
      throw new StoreError(`${type} event payload is not JSON-serialisable: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  return {
    ts,
    type,
    assetKey: assetKey ?? null,
    checkName: checkName ?? null,
    // STEP_SKIPPED's reason shares the message column: one place to search for "why".
    message: (type === "STEP_SKIPPED" ? reason : message) ?? null,
    payload,
    passed: (rest as { passed?: unknown }).passed === true,
  };
}

/** Rebuilds the typed event from its row (`runId` is the text id of the row's run_seq). */
export function decodeEvent(row: EventRow, runId: string): StoredEvent {
  const event: Record<string, unknown> = row.payload === null ? {} : JSON.parse(row.payload);
  event.id = row.id;
  event.runId = runId;
  event.ts = row.ts;
  event.type = row.type;
  if (row.asset_key !== null) event.assetKey = row.asset_key;
  if (row.check_name !== null) event.checkName = row.check_name;
  if (row.message !== null) event[row.type === "STEP_SKIPPED" ? "reason" : "message"] = row.message;
  return event as unknown as StoredEvent;
}

function parsePayload(payload: string | null): Record<string, unknown> {
  return payload === null ? {} : (JSON.parse(payload) as Record<string, unknown>);
}

/** A MATERIALIZATION row as a record (metadata and consumed default to empty). */
export function materializationFromRow(
  id: number,
  runId: string,
  ts: number,
  key: string,
  payload: string | null,
): MaterializationRecord {
  const p = parsePayload(payload);
  return {
    eventId: id,
    runId,
    assetKey: key,
    timestamp: ts,
    codeVersion: p.codeVersion as string,
    metadata: (p.metadata as JsonObject | undefined) ?? {},
    consumed: (p.consumed as Record<string, number> | undefined) ?? {},
  };
}

/** A STEP_FAILURE row as a record. */
export function failureFromRow(
  id: number,
  runId: string,
  ts: number,
  key: string,
  message: string | null,
  payload: string | null,
): FailureRecord {
  const p = parsePayload(payload);
  return {
    eventId: id,
    runId,
    assetKey: key,
    timestamp: ts,
    message: message ?? "",
    error: p.error as FailureRecord["error"],
  };
}

/** A CHECK_EVALUATION's columns as a record. */
export function checkFromRow(
  id: number,
  runId: string,
  ts: number,
  key: string,
  checkName: string,
  passed: boolean,
  message: string | null,
  payload: string | null,
): CheckEvaluationRecord {
  const p = parsePayload(payload);
  return {
    eventId: id,
    runId,
    assetKey: key,
    checkName,
    timestamp: ts,
    passed,
    blocking: p.blocking === true,
    metadata: (p.metadata as JsonObject | undefined) ?? {},
    message: message ?? undefined,
  };
}
