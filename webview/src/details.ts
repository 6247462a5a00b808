/**
 * The details side panel of the selected node: what a data engineer asks of an asset before
 * acting on it. Every value is user data (descriptions, owners, check names, reasons), so all
 * of it goes in through `textContent`; nothing here builds markup from strings.
 */
import type { LineageNode } from "../../protocol/lineage";
import { statusWord } from "./render";

export interface DetailsHandlers {
  readonly close: () => void;
}

/** Shows `node` in the panel, or hides the panel when there is none. */
export function renderDetails(
  panel: HTMLElement,
  node: LineageNode | undefined,
  handlers: DetailsHandlers,
  now = Date.now(),
): void {
  if (!node) {
    panel.hidden = true;
    panel.replaceChildren();
    return;
  }
  panel.hidden = false;
  const heading = document.createElement("h2");
  heading.textContent = node.key;
  const close = document.createElement("button");
  close.type = "button";
  close.className = "close";
  close.title = "Close the details (Escape)";
  close.setAttribute("aria-label", "Close the details");
  close.textContent = "×";
  close.addEventListener("click", handlers.close);
  const top = document.createElement("div");
  top.className = "details-title";
  top.append(heading, close);

  const facts = document.createElement("dl");
  const fact = (term: string, value: string | undefined) => {
    if (value === undefined || value === "") return;
    const dt = document.createElement("dt");
    dt.textContent = term;
    const dd = document.createElement("dd");
    dd.textContent = value;
    facts.append(dt, dd);
  };
  fact("status", statusWord(node));
  fact("why", node.status?.reason);
  if (node.kind === "placeholder") fact("definition", "named as a dependency, defined nowhere (AL002)");
  fact("description", node.description);
  fact("group", node.group);
  fact("owners", node.owners.join(", "));
  fact("kinds", node.kinds.join(", "));
  fact("defined in", node.location ? fileOf(node.location.uri, node.location.range.start.line) : undefined);
  fact("last materialized", timeOf(node.status?.lastMaterializedAt, now));
  fact("last failed", timeOf(node.status?.lastFailedAt, now));

  const children: HTMLElement[] = [top, facts];
  if (node.checks.length > 0) {
    const title = document.createElement("h3");
    title.textContent = `Checks (${node.checks.length})`;
    const list = document.createElement("ul");
    list.className = "checks";
    for (const check of node.checks) {
      const result = node.status?.checks.find((summary) => summary.name === check.name);
      const outcome = result?.passed === undefined ? "not run" : result.passed ? "passed" : "failed";
      const item = document.createElement("li");
      item.className = `check-${outcome.replace(" ", "-")}`;
      const when = timeOf(result?.evaluatedAt, now);
      item.textContent = `${check.name}${check.blocking ? " (blocking)" : ""}: ${outcome}${when ? `, ${when}` : ""}`;
      list.append(item);
    }
    children.push(title, list);
  }
  panel.replaceChildren(...children);
}

/** The file's name and line, as the editor shows them; the URI is the host's, not user text. */
function fileOf(uri: string, line: number): string {
  const path = decodeURIComponent(uri.replace(/^[a-z][a-z0-9+.-]*:\/\//i, ""));
  return `${path.slice(path.lastIndexOf("/") + 1)}:${line + 1}`;
}

/** "2026-12-01 09:14 (3 h ago)": absolute for the record, relative to read at a glance. */
export function timeOf(epochMs: number | undefined, now: number): string | undefined {
  if (epochMs === undefined) return undefined;
  const date = new Date(epochMs);
  const pad = (value: number) => String(value).padStart(2, "0");
  const stamp = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
  return `${stamp} (${ago(now - epochMs)})`;
}

function ago(ms: number): string {
  if (ms < 0) return "in the future";
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} days ago`;
}
