/**
 * The impact view's content as plain data: changed assets → the assets they impact → those
 * assets' owners, and last everyone to tell. Pure (no vscode import), so what the view shows
 * is unit-tested from a summary and pages alone; the view only turns these into TreeItems and
 * fetches a change's downstream when it is expanded, a page at a time.
 */
import type {
  ImpactCategory,
  ImpactChange,
  ImpactChangeSummary,
  ImpactCheckChange,
  ImpactDownstreamEntry,
  ImpactedAsset,
  ImpactSummary,
} from "../../../protocol/impact";

/** A codicon and, when it carries meaning, a theme colour id (the view makes them ThemeIcon/ThemeColor). */
export interface ImpactIcon {
  readonly id: string;
  readonly color?: string;
}

/** Where an item's code is: workspace-relative path and 1-based line, as the report gives them. */
export interface ImpactLocation {
  readonly file: string;
  readonly line: number;
}

export type ImpactItemKind = "change" | "check" | "impacted" | "owner" | "owners" | "more" | "note";

/** A list the server hands out a page at a time: a change's downstream, or the owners to tell. */
export type ImpactList = { readonly list: "downstream"; readonly change: string } | { readonly list: "owners" };

export interface ImpactTreeItem {
  /** Stable across refreshes, so an expanded item stays expanded while the user types. */
  readonly id: string;
  readonly kind: ImpactItemKind;
  readonly label: string;
  readonly description: string;
  readonly tooltip: string;
  readonly icon: ImpactIcon;
  /** What a click opens; absent when there is no code (a placeholder, the owners list). */
  readonly open?: ImpactLocation;
  readonly children: readonly ImpactTreeItem[];
  /** Children the view fetches when the item is expanded (a change's downstream); `children` is then empty. */
  readonly lazy?: ImpactList;
  /** On a `more` item: the list whose next page a click loads. */
  readonly more?: ImpactList;
}

/** What of a list the view has loaded: its first entries, and how long the whole list is. */
export interface Loaded<T> {
  readonly entries: readonly T[];
  readonly total: number;
}

const ERROR_COLOR = "list.errorForeground";
const WARNING_COLOR = "list.warningForeground";
const MODIFIED_COLOR = "gitDecoration.modifiedResourceForeground";

/** What the user must look at first comes first: what fails, what cannot be judged, then the rest. */
const CATEGORY_ORDER: Record<ImpactCategory, number> = { breaking: 0, unknown: 1, "non-breaking": 2, metadata: 3 };

const CHANGE_ICONS: Record<ImpactChange["change"], string> = {
  added: "diff-added",
  removed: "diff-removed",
  renamed: "diff-renamed",
  modified: "diff-modified",
};

const CATEGORY_COLORS: Record<ImpactCategory, string> = {
  breaking: ERROR_COLOR,
  unknown: WARNING_COLOR,
  "non-breaking": MODIFIED_COLOR,
  metadata: MODIFIED_COLOR,
};

/**
 * The view's root items for a summary: one per changed asset (its downstream fetched when
 * expanded), then the owners. Every impacted asset is downstream of some change, so each is
 * under one; the server's summary counts them per change.
 */
export function impactTree(summary: ImpactSummary): ImpactTreeItem[] {
  const changes = [...summary.changes].sort(
    (a, b) => CATEGORY_ORDER[a.category] - CATEGORY_ORDER[b.category] || compare(a.key, b.key),
  );
  const roots = changes.map((change) => changeItem(change, checksOf(summary, change).length > 0));
  if (summary.owners.total > 0) roots.push(ownersItem(summary.owners.total));
  return roots;
}

/** A change's children: its checks that changed, then the loaded part of its downstream, then "N more". */
export function changeChildren(
  summary: ImpactSummary,
  change: ImpactChangeSummary,
  downstream: Loaded<ImpactDownstreamEntry>,
): ImpactTreeItem[] {
  const id = changeId(change);
  const location = { file: change.file, line: change.line };
  return [
    ...checksOf(summary, change).map((check) => checkItem(check, id, location)),
    ...downstream.entries.map((entry) => impactedItem(entry.asset, entry.hops, id)),
    ...moreItem(id, { list: "downstream", change: change.key }, downstream, "impacted"),
  ];
}

/** The owners to tell: the loaded ones by name, then "N more". */
export function ownersChildren(owners: Loaded<string>): ImpactTreeItem[] {
  return [
    ...owners.entries.map((owner) => ({
      id: `owners/owner:${owner}`,
      kind: "owner" as const,
      label: owner,
      description: "",
      tooltip: owner,
      icon: { id: "person" },
      children: [],
    })),
    ...moreItem("owners", { list: "owners" }, owners, "owners"),
  ];
}

/** One line for the view's header: how much changed and how much it reaches. */
export function impactSummary(summary: ImpactSummary): string {
  const breaking = summary.changes.filter((change) => change.category === "breaking").length;
  const parts = [
    `${count(summary.changes.length, "changed asset")}${breaking > 0 ? ` (${breaking} breaking)` : ""}`,
    `${count(summary.impacted.total, "impacted")}${summary.impacted.breaking > 0 ? ` (${summary.impacted.breaking} will fail)` : ""}`,
  ];
  if (summary.owners.total > 0) parts.push(count(summary.owners.total, "owner") + " to tell");
  return parts.join(" · ");
}

/** The base the summary compares with, as the view's description says it: `HEAD (1a2b3c4)`. */
export function impactBase(summary: Pick<ImpactSummary, "base">): string {
  const short = summary.base.commit.slice(0, 7);
  return short === "" || short === summary.base.ref ? summary.base.ref : `${summary.base.ref} (${short})`;
}

/** An item saying why a list could not be loaded (the server's one line). */
export function noteItem(parent: string, message: string): ImpactTreeItem {
  return {
    id: `${parent}/note`,
    kind: "note",
    label: message,
    description: "",
    tooltip: message,
    icon: { id: "warning", color: WARNING_COLOR },
    children: [],
  };
}

function changeId(change: ImpactChange): string {
  return `change:${change.key}`;
}

function checksOf(summary: ImpactSummary, change: ImpactChange): ImpactCheckChange[] {
  return summary.checks.filter((check) => check.asset === change.key || check.asset === change.previousKey);
}

/** `lazy` only when there is something to list: changed checks, or assets downstream. */
function changeItem(change: ImpactChangeSummary, hasChecks: boolean): ImpactTreeItem {
  const reach = change.downstream.breaking + change.downstream.data;
  const description = [
    change.change === "renamed" && change.previousKey ? `renamed from ${change.previousKey}` : change.change,
    change.category,
    ...(change.reasons.length > 0 ? [change.reasons.join(", ")] : []),
    ...(reach > 0 ? [`${reach} downstream`] : []),
  ].join(" · ");
  return {
    id: changeId(change),
    kind: "change",
    label: change.key,
    description,
    tooltip: [
      change.why,
      ...columnLines(change),
      ...(change.owners.length > 0 ? [`owned by ${change.owners.join(", ")}`] : []),
      `${change.file}:${change.line}`,
    ].join("\n"),
    icon: { id: CHANGE_ICONS[change.change], color: CATEGORY_COLORS[change.category] },
    open: { file: change.file, line: change.line },
    children: [],
    ...(hasChecks || reach > 0 ? { lazy: { list: "downstream" as const, change: change.key } } : {}),
  };
}

function moreItem<T>(parent: string, list: ImpactList, loaded: Loaded<T>, noun: string): ImpactTreeItem[] {
  const left = loaded.total - loaded.entries.length;
  if (left <= 0) return [];
  return [
    {
      id: `${parent}/more`,
      kind: "more",
      label: `${left} more`,
      description: `of ${loaded.total} ${noun}: click to list the next ones`,
      tooltip: `${loaded.entries.length} of ${loaded.total} ${noun} are listed; click to list more.`,
      icon: { id: "ellipsis" },
      children: [],
      more: list,
    },
  ];
}

function checkItem(check: ImpactCheckChange, parent: string, location: ImpactLocation): ImpactTreeItem {
  return {
    id: `${parent}/check:${check.name}`,
    kind: "check",
    label: check.name,
    description: `check ${check.change}`,
    tooltip: `The check ${check.name} of ${check.asset} was ${check.change}.`,
    icon: { id: "beaker", color: MODIFIED_COLOR },
    // The report locates the asset, not each check; the asset's definition is where its checks are read from.
    open: location,
    children: [],
  };
}

function impactedItem(asset: ImpactedAsset, distance: number, parent: string): ImpactTreeItem {
  const id = `${parent}/impacted:${asset.key}`;
  const open = asset.file !== undefined ? { file: asset.file, line: asset.line ?? 1 } : undefined;
  const verdict = asset.impact === "breaking" ? "breaking: it will fail" : "data: rebuild it";
  const description = [
    asset.impact,
    distance === 1 ? "direct" : `${distance} hops`,
    ...(asset.owners.length === 0 ? ["no owners"] : []),
  ].join(" · ");
  const item: ImpactTreeItem = {
    id,
    kind: "impacted",
    label: asset.key,
    description,
    tooltip: [
      verdict,
      ...asset.because.map((because) => `${because.key}: ${because.why}`),
      ...(open ? [`${open.file}:${open.line}`] : []),
    ].join("\n"),
    icon: asset.impact === "breaking" ? { id: "error", color: ERROR_COLOR } : { id: "refresh", color: WARNING_COLOR },
    ...(open ? { open } : {}),
    children: asset.owners.map((owner) => ({
      id: `${id}/owner:${owner}`,
      kind: "owner" as const,
      label: owner,
      description: `owns ${asset.key}`,
      tooltip: `${owner} owns ${asset.key}, which is impacted (${asset.impact}).`,
      icon: { id: "person" },
      // An owner has no code of their own; a click opens what they own.
      ...(open ? { open } : {}),
      children: [],
    })),
  };
  const checks = asset.checks.map((check): ImpactTreeItem => ({
    id: `${id}/check:${check}`,
    kind: "check",
    label: check,
    description: asset.impact === "breaking" ? "check on a failing asset" : "runs again once rebuilt",
    tooltip: `The check ${check} of ${asset.key} should run again once ${asset.key} is rebuilt.`,
    icon: { id: "beaker", color: asset.impact === "breaking" ? ERROR_COLOR : WARNING_COLOR },
    ...(open ? { open } : {}),
    children: [],
  }));
  return { ...item, children: [...item.children, ...checks] };
}

function ownersItem(total: number): ImpactTreeItem {
  return {
    id: "owners",
    kind: "owners",
    label: "Owners to tell",
    description: String(total),
    tooltip: "Owners of the changed and impacted assets.",
    icon: { id: "organization" },
    children: [],
    lazy: { list: "owners" },
  };
}

function columnLines(change: ImpactChange): string[] {
  const lines: string[] = [];
  if (change.columns.removed.length > 0) lines.push(`columns removed: ${change.columns.removed.join(", ")}`);
  if (change.columns.added.length > 0) lines.push(`columns added: ${change.columns.added.join(", ")}`);
  return lines;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 || noun.endsWith("impacted") ? "" : "s"}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
