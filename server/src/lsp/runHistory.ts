/**
 * The run history as the client reads it: a run with its events, for the run document behind
 * "Show Run" and links. Each request opens the store read-only and closes it again: requests
 * are rare, and another process may be writing (SQLite's WAL lets both go on).
 */
import { existsSync } from "node:fs";
import { firstUserFrame } from "../model/stackFrames";
import type { EventStore, EventType, RunRecord, StoredEvent } from "../store";
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
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    message: run.message,
    stepsDone: ended.filter((event) => STEP_ENDS.includes(event.type)).length,
    stepsFailed: ended.filter((event) => event.type === "STEP_FAILURE").length,
  };
}

/** One run and its events; null when there is no history or no such run. */
export function runDetails(dbPath: string, root: string, runId: string): RunDetails | null {
  return withStore(dbPath, null, (store) => {
    const run = store.getRun(runId);
    if (!run) return null;
    const events = store.runEvents(runId);
    return { run: toRunSummary(run, events), events: events.map((event) => toRunEventParams(event, root)) };
  });
}

/** The newest runs, newest first, with how far each got. */
export function recentRuns(dbPath: string, limit: number): RunSummary[] {
  return withStore(dbPath, [], (store) =>
    store
      .listRuns({ limit: Math.max(1, Math.min(limit, 200)) })
      .map((run) => toRunSummary(run, store.runEvents(run.id, { types: STEP_ENDS }))),
  );
}

function withStore<T>(dbPath: string, none: T, read: (store: EventStore) => T): T {
  if (!existsSync(dbPath)) return none;
  const { EventStore } = require("../store") as typeof import("../store");
  const store = EventStore.open(dbPath, { readonly: true });
  try {
    return read(store);
  } finally {
    store.close();
  }
}
