/**
 * What the lineage panel's details show of one asset beyond the graph's own node data: the
 * columns its SQL produces and its recent runs. Asked for when a node is selected, so the
 * graph message stays small on large projects.
 */
import type { AssetNext } from "./status";
import { list, nonEmpty, number, object, optional, string } from "./untrusted";

export interface AssetDetailsParams {
  /** The asset key in user form, as the graph shows it. */
  readonly key: string;
  /** How many recent runs to report (default 10, at most MAX_RECENT_RUNS). */
  readonly runs?: number;
}

export const DEFAULT_RECENT_RUNS = 10;
export const MAX_RECENT_RUNS = 50;

/**
 * How one run went for this asset's own step; "checked": the run evaluated its checks without
 * building it; "interrupted": the step started but the run ended without its result (killed).
 */
export type AssetRunOutcome = "succeeded" | "failed" | "skipped" | "running" | "interrupted" | "checked";

export interface AssetRunCheck {
  readonly name: string;
  readonly passed: boolean;
  readonly blocking: boolean;
}

/** One run that built (or tried to build, or evaluated checks of) the asset, newest first. */
export interface AssetRun {
  readonly runId: string;
  readonly outcome: AssetRunOutcome;
  /** Epoch ms the asset's step started (the first event of the asset in the run when no step started). */
  readonly startedAt: number;
  /** The step's duration, when it ended. */
  readonly durationMs: number | undefined;
  /** Why it failed or was skipped, in the executor's words. */
  readonly message: string | undefined;
  /** The checks of the asset evaluated in that run. */
  readonly checks: readonly AssetRunCheck[];
}

export type AssetColumns =
  /** The columns of the table the asset produces, in the order its SQL states them. */
  | { readonly known: true; readonly names: readonly string[] }
  /** Why the columns are not known (no static SQL, a `*` over an upstream of unknown columns). */
  | { readonly known: false; readonly why: string };

export interface AssetDetails {
  readonly key: string;
  readonly columns: AssetColumns;
  readonly runs: readonly AssetRun[];
  /**
   * True when the history is longer than what was searched for this asset's runs: older runs
   * may exist (the status line still counts them).
   */
  readonly olderRunsNotSearched: boolean;
  /** When the next materialization is expected (as AssetStatus.next); undefined as there. */
  readonly next: AssetNext | undefined;
}

const OUTCOMES: ReadonlySet<AssetRunOutcome> = new Set<AssetRunOutcome>([
  "succeeded",
  "failed",
  "skipped",
  "running",
  "interrupted",
  "checked",
]);

/** Validates details relayed to the webview; undefined when they are not exactly AssetDetails. */
export function parseAssetDetails(raw: unknown): AssetDetails | undefined {
  const details = object(raw);
  const key = nonEmpty(details?.key);
  const columns = parseColumns(details?.columns);
  const runs = list(details?.runs, parseRun);
  const next = optional(details?.next, parseNext);
  if (!details || key === undefined || !columns || !runs || typeof details.olderRunsNotSearched !== "boolean")
    return undefined;
  if (next === null) return undefined;
  return { key, columns, runs, olderRunsNotSearched: details.olderRunsNotSearched, next };
}

function parseNext(raw: unknown): AssetNext | undefined {
  const next = object(raw);
  const expectedAt = optional(next?.expectedAt, number);
  const durationP50Ms = optional(next?.durationP50Ms, number);
  const durationP90Ms = optional(next?.durationP90Ms, number);
  const willBeOverdue = optional(next?.willBeOverdue, (value) => (typeof value === "boolean" ? value : undefined));
  const basis = string(next?.basis);
  if (!next || basis === undefined) return undefined;
  if (expectedAt === null || durationP50Ms === null || durationP90Ms === null || willBeOverdue === null)
    return undefined;
  return { expectedAt, durationP50Ms, durationP90Ms, willBeOverdue, basis };
}

function parseColumns(raw: unknown): AssetColumns | undefined {
  const columns = object(raw);
  if (columns?.known === true) {
    const names = list(columns.names, string);
    return names ? { known: true, names } : undefined;
  }
  const why = string(columns?.why);
  return columns?.known === false && why !== undefined ? { known: false, why } : undefined;
}

function parseRun(raw: unknown): AssetRun | undefined {
  const run = object(raw);
  const runId = nonEmpty(run?.runId);
  const outcome = OUTCOMES.has(run?.outcome as AssetRunOutcome) ? (run?.outcome as AssetRunOutcome) : undefined;
  const startedAt = number(run?.startedAt);
  const durationMs = optional(run?.durationMs, number);
  const message = optional(run?.message, string);
  const checks = list(run?.checks, parseRunCheck);
  if (runId === undefined || !outcome || startedAt === undefined || durationMs === null || message === null)
    return undefined;
  return checks ? { runId, outcome, startedAt, durationMs, message, checks } : undefined;
}

function parseRunCheck(raw: unknown): AssetRunCheck | undefined {
  const check = object(raw);
  const name = string(check?.name);
  if (name === undefined || typeof check?.passed !== "boolean" || typeof check.blocking !== "boolean") return undefined;
  return { name, passed: check.passed, blocking: check.blocking };
}
