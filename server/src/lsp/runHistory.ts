/**
 * The run history as the client reads it: a run with its events, for the run document behind
 * "Show Run" and links. Requests borrow the status board's read-only store (StatusBoard.reader),
 * current as of the request, so a team history is not connected to once per request.
 */
import { firstUserFrame } from "../model/stackFrames";
import type { EventType, HistoryStore, RunRecord, StoredEvent } from "../store";
import type { RunDetails, RunEventParams, RunEventType, RunSummary } from "../../../protocol";

/** Every store event type is a protocol event type: a store type the protocol lacks fails to compile here. */
function runEventType(type: EventType): RunEventType {
  return type;
}

/** A stored event as the protocol flattens it; a failure carries its stack and the user's throwing line. */
export function toRunEventParams(event: StoredEvent, root: string): RunEventParams {
  const params: { -readonly [K in keyof RunEventParams]: RunEventParams[K] } = {
    runId: event.runId,
    id: event.id,
    ts: event.ts,
    type: runEventType(event.type),
  };
  if ("assetKey" in event && event.assetKey !== undefined) params.assetKey = event.assetKey;
  if ("checkName" in event && event.checkName !== undefined) params.checkName = event.checkName;
  if ("message" in event && event.message !== undefined) params.message = event.message;
  if ("reason" in event) params.message = event.reason;
  if ("level" in event) params.level = event.level;
  if ("passed" in event) params.passed = event.passed;
  if ("attempt" in event && event.attempt !== undefined) params.attempt = event.attempt;
  if (event.type === "STEP_FAILURE" && event.error?.stack) {
    params.stack = event.error.stack;
    const location = firstUserFrame(event.error.stack, root);
    if (location) params.location = location;
  }
  return params;
}

const STEP_ENDS: readonly EventType[] = ["STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED"];

/** `ended`: the run's STEP_SUCCESS/FAILURE/SKIPPED events. */
export function toRunSummary(run: RunRecord, ended: readonly StoredEvent[]): RunSummary {
  return {
    runId: run.id,
    status: run.status,
    selection: run.selection,
    launchedBy: run.launchedBy,
    pid: run.pid,
    hostname: run.hostname,
    ...(run.user === undefined ? {} : { user: run.user }),
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    message: run.message,
    stepsDone: ended.filter((event) => STEP_ENDS.includes(event.type)).length,
    stepsFailed: ended.filter((event) => event.type === "STEP_FAILURE").length,
  };
}

/** One run and its events; null when there is no history or no such run. */
export async function runDetails(
  store: HistoryStore | undefined,
  root: string,
  runId: string,
): Promise<RunDetails | null> {
  const run = await store?.getRun(runId);
  if (!store || !run) return null;
  const events = await store.runEvents(runId);
  return { run: toRunSummary(run, events), events: events.map((event) => toRunEventParams(event, root)) };
}

/** The newest runs, newest first, with how far each got. */
export async function recentRuns(store: HistoryStore | undefined, limit: number): Promise<RunSummary[]> {
  if (!store) return [];
  const runs = await store.listRuns({ limit: Math.max(1, Math.min(limit, 200)) });
  return Promise.all(runs.map(async (run) => toRunSummary(run, await store.runEvents(run.id, { types: STEP_ENDS }))));
}
