/**
 * What a batch of inserted events changes in the derived "latest" tables, computed once per
 * transaction by both backends: one upsert per asset and check however many events touched it.
 */
import type { EncodedEvent } from "./codec";
import type { TerminalRunStatus } from "./records";

/** The newest ids per asset in a batch; null where the batch did not move that column. */
export type LatestIds = [materialization: number | null, failure: number | null, attempt: number | null];

export interface DerivedUpdates {
  readonly assets: Map<string, LatestIds>;
  /** Asset key → check name → [event id, passed]. */
  readonly checks: Map<string, Map<string, [id: number, passed: boolean]>>;
  /** A terminal event in the batch (the first wins: a run ends once). */
  readonly terminal: { status: TerminalRunStatus; ts: number; message: string | null } | undefined;
}

/** The event that ends a run with each status. */
export const TERMINAL_EVENT: Readonly<Record<TerminalRunStatus, "RUN_SUCCESS" | "RUN_FAILURE" | "RUN_CANCELED">> = {
  SUCCESS: "RUN_SUCCESS",
  FAILURE: "RUN_FAILURE",
  CANCELED: "RUN_CANCELED",
};

const STATUS_OF_EVENT: Readonly<Record<string, TerminalRunStatus>> = {
  RUN_SUCCESS: "SUCCESS",
  RUN_FAILURE: "FAILURE",
  RUN_CANCELED: "CANCELED",
};

/** The derived-table changes of `events`, inserted with `ids`, at `ts` (each event's own, else `fallbackTs`). */
export function derivedUpdates(
  events: readonly EncodedEvent[],
  ids: readonly number[],
  fallbackTs: number,
): DerivedUpdates {
  const assets = new Map<string, LatestIds>();
  const checks = new Map<string, Map<string, [id: number, passed: boolean]>>();
  let terminal: DerivedUpdates["terminal"];
  const latest = (key: string): LatestIds => {
    let entry = assets.get(key);
    if (entry === undefined) assets.set(key, (entry = [null, null, null]));
    return entry;
  };
  for (let i = 0; i < events.length; i += 1) {
    const e = events[i];
    const id = ids[i];
    switch (e.type) {
      case "MATERIALIZATION":
        latest(e.assetKey as string)[0] = id;
        break;
      // Check steps (checkName set) say nothing about whether the asset itself was built.
      case "STEP_FAILURE":
        if (e.checkName === null) latest(e.assetKey as string)[1] = id;
        break;
      case "STEP_STARTED":
        if (e.checkName === null) latest(e.assetKey as string)[2] = id;
        break;
      case "CHECK_EVALUATION": {
        latest(e.assetKey as string);
        let byName = checks.get(e.assetKey as string);
        if (byName === undefined) checks.set(e.assetKey as string, (byName = new Map()));
        byName.set(e.checkName as string, [id, e.passed]);
        break;
      }
      case "RUN_SUCCESS":
      case "RUN_FAILURE":
      case "RUN_CANCELED":
        terminal ??= { status: STATUS_OF_EVENT[e.type], ts: e.ts ?? fallbackTs, message: e.message };
        break;
      default:
        break;
    }
  }
  return { assets, checks, terminal };
}
