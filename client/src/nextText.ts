/**
 * How the Assets view words "when will my data be ready?" (AssetNext, from StatusRequest): a
 * short description beside the asset, the whole answer in its tooltip. Text only; no vscode,
 * so it is unit-tested.
 */
import type { AssetNext } from "../../protocol/status";

/** "next in 12 min", "next now", "⏰ next in 2 h, after its deadline"; undefined when nothing will rebuild it and no deadline is at stake. */
export function nextDescription(next: AssetNext, now: number): string | undefined {
  const late = next.willBeOverdue === true;
  if (next.expectedAt === undefined) return late ? "⏰ nothing will rebuild it before its deadline" : undefined;
  const when = `next ${waitOf(next.expectedAt - now)}`;
  return late ? `⏰ ${when}, after its deadline` : when;
}

/** The tooltip lines: when, why, how long it takes, and whether it meets its freshness policy. */
export function nextTooltip(next: AssetNext, now: number): string {
  const when =
    next.expectedAt === undefined ? "not expected" : `${stampOf(next.expectedAt)} (${waitOf(next.expectedAt - now)})`;
  const lines = [`Next materialization: ${when} — ${next.basis}`];
  lines.push(
    next.durationP50Ms === undefined
      ? "Expected duration: not known yet (never timed)"
      : `Expected duration: ${durationOf(next.durationP50Ms)} (p50)` +
          (next.durationP90Ms === undefined ? "" : `, ${durationOf(next.durationP90Ms)} (p90)`),
  );
  if (next.willBeOverdue !== undefined)
    lines.push(`Will be overdue: ${next.willBeOverdue ? "yes, its freshness deadline passes first" : "no"}`);
  return lines.join("\n");
}

function waitOf(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return "now";
  if (minutes < 60) return `in ${minutes} min`;
  if (minutes < 48 * 60) return `in ${Math.floor(minutes / 60)} h`;
  return `in ${Math.floor(minutes / 1440)} days`;
}

function durationOf(ms: number): string {
  if (ms < 1000) return "under a second";
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  const minutes = Math.round(ms / 60_000);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

function stampOf(epochMs: number): string {
  const date = new Date(epochMs);
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
