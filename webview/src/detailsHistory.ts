/**
 * The details sections the host answers for after a node is selected: when the asset's next
 * materialization is expected, its columns and its recent runs. Column names, run messages,
 * check names and the forecast's basis are user data: text only.
 */
import type { AssetDetails, AssetRun } from "../../protocol/assetDetails";
import { durationOf, expectedTimeOf, timeOf } from "./timeText";

/** What the host said for the selected asset: not yet answered, answered, or why it could not. */
export type FetchedDetails =
  | { readonly state: "loading" }
  | { readonly state: "loaded"; readonly details: AssetDetails }
  | { readonly state: "unavailable"; readonly message: string };

/** The next-materialization, columns and recent-runs sections, in the order the panel shows them. */
export function historySections(fetched: FetchedDetails, now: number): HTMLElement[] {
  switch (fetched.state) {
    case "loading":
      return [paragraph("Reading columns and recent runs…", "details-note")];
    case "unavailable":
      return [paragraph(fetched.message, "details-note")];
    case "loaded":
      return [
        ...nextSection(fetched.details, now),
        ...columnsSection(fetched.details),
        ...runsSection(fetched.details, now),
      ];
  }
}

/** "When will my data be ready?": absent for sources and histories without forecasts. */
function nextSection(details: AssetDetails, now: number): HTMLElement[] {
  const { next } = details;
  if (next === undefined) return [];
  const section = document.createElement("div");
  section.className = "next";
  const when = paragraph(
    next.expectedAt === undefined ? "Not expected" : expectedTimeOf(next.expectedAt, now),
    next.willBeOverdue === true ? "next-when next-late" : "next-when",
  );
  const takes =
    next.durationP50Ms === undefined
      ? "Expected duration: not known yet (never timed)"
      : `Expected duration: ${durationOf(next.durationP50Ms)} (p50)${next.durationP90Ms === undefined ? "" : `, ${durationOf(next.durationP90Ms)} (p90)`}`;
  section.append(when, paragraph(next.basis, "next-basis"), paragraph(takes, "next-duration"));
  if (next.willBeOverdue !== undefined) {
    const overdue = next.willBeOverdue
      ? "Will be overdue: yes, its freshness deadline passes before then"
      : "Will be overdue: no, it lands within its freshness policy";
    section.append(paragraph(overdue, "next-overdue"));
  }
  return [heading("Next materialization"), section];
}

function columnsSection(details: AssetDetails): HTMLElement[] {
  const { columns } = details;
  if (!columns.known) return [heading("Columns"), paragraph(`Not known: ${columns.why}.`, "details-note")];
  const list = document.createElement("ul");
  list.className = "columns";
  for (const name of columns.names) {
    const item = document.createElement("li");
    item.textContent = name;
    list.append(item);
  }
  return [heading(`Columns (${columns.names.length})`), list];
}

function runsSection(details: AssetDetails, now: number): HTMLElement[] {
  const out: HTMLElement[] = [heading("Recent runs")];
  if (details.runs.length === 0) out.push(paragraph("No run has built or checked this asset yet.", "details-note"));
  else {
    const list = document.createElement("ul");
    list.className = "runs";
    list.append(...details.runs.map((run) => runItem(run, now)));
    out.push(list);
  }
  if (details.olderRunsNotSearched)
    out.push(paragraph("Older runs were not searched: the history is long.", "details-note"));
  return out;
}

const OUTCOME_WORDS: Readonly<Record<AssetRun["outcome"], string>> = {
  succeeded: "succeeded",
  failed: "failed",
  skipped: "skipped",
  running: "running",
  interrupted: "interrupted",
  checked: "checks only",
};

/** "failed · 2026-12-01 09:14 (3 h ago) · 1.2 s", then the message, then the run's checks. */
function runItem(run: AssetRun, now: number): HTMLElement {
  const item = document.createElement("li");
  item.className = `run-${run.outcome}`;
  item.title = `run ${run.runId}`;
  const parts = [OUTCOME_WORDS[run.outcome], timeOf(run.startedAt, now) ?? ""];
  if (run.durationMs !== undefined) parts.push(durationOf(run.durationMs));
  const line = document.createElement("div");
  line.className = "run-line";
  line.textContent = parts.join(" · ");
  item.append(line);
  if (run.message !== undefined) item.append(paragraph(run.message, "run-message"));
  if (run.checks.length > 0) {
    const checks = run.checks.map(
      (check) => `${check.name}${check.blocking ? " (blocking)" : ""} ${check.passed ? "passed" : "failed"}`,
    );
    item.append(paragraph(`checks: ${checks.join(", ")}`, "run-checks"));
  }
  return item;
}

function heading(text: string): HTMLElement {
  const element = document.createElement("h3");
  element.textContent = text;
  return element;
}

function paragraph(text: string, className: string): HTMLElement {
  const element = document.createElement("p");
  element.className = className;
  element.textContent = text;
  return element;
}
