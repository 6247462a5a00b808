/**
 * The details side panel of the selected node: what a data engineer asks of an asset before
 * acting on it. Every value is user data (descriptions, owners, check names, reasons), so all
 * of it goes in through `textContent`; nothing here builds markup from strings.
 */
import type { AssetDetails } from "../../protocol/assetDetails";
import type { LineageNode } from "../../protocol/lineage";
import { type FetchedDetails, historySections } from "./detailsHistory";
import { statusWord } from "./render";
import { timeOf } from "./timeText";

export interface DetailsHandlers {
  readonly close: () => void;
  /** Asks the host for the asset's columns and recent runs; the answer comes to `received`. */
  readonly request: (key: string) => void;
}

/**
 * The panel and what the host answered for the node it shows. Showing the same node again
 * (a status update) keeps the last answer on screen while a fresh one is asked for, so the
 * runs do not flicker to "reading…" on every run event.
 */
export class DetailsPanel {
  private node: LineageNode | undefined;
  private fetched: { readonly key: string; readonly value: FetchedDetails } | undefined;

  constructor(
    private readonly panel: HTMLElement,
    private readonly handlers: DetailsHandlers,
  ) {}

  /** Shows `node` (hides the panel when undefined); `ask`: the host knows the key (not a group box). */
  show(node: LineageNode | undefined, ask: boolean): void {
    this.node = node;
    const askHost = node !== undefined && ask && node.kind !== "placeholder";
    if (!askHost || this.fetched?.key !== node.key)
      this.fetched = askHost ? { key: node.key, value: { state: "loading" } } : undefined;
    this.render();
    if (askHost) this.handlers.request(node.key);
  }

  /** The host's answer for `key`; ignored unless that node is still the one shown. */
  received(key: string, answer: { details: AssetDetails } | { message: string }): void {
    if (this.node?.key !== key || this.fetched?.key !== key) return;
    const value: FetchedDetails =
      "details" in answer
        ? { state: "loaded", details: answer.details }
        : { state: "unavailable", message: answer.message };
    this.fetched = { key, value };
    this.render();
  }

  private render(): void {
    renderDetails(this.panel, this.node, this.handlers, this.fetched?.value);
  }
}

/** Shows `node` in the panel, or hides the panel when there is none. */
export function renderDetails(
  panel: HTMLElement,
  node: LineageNode | undefined,
  handlers: Pick<DetailsHandlers, "close">,
  fetched: FetchedDetails | undefined,
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
  // One row per fact, in reading order; a fact with no value is left out. More rows go here.
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
  if (fetched) children.push(...historySections(fetched, now));
  panel.replaceChildren(...children);
}

/** The file's name and line, as the editor shows them; the URI is the host's, not user text. */
function fileOf(uri: string, line: number): string {
  const path = decodeURIComponent(uri.replace(/^[a-z][a-z0-9+.-]*:\/\//i, ""));
  return `${path.slice(path.lastIndexOf("/") + 1)}:${line + 1}`;
}
