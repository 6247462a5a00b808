/**
 * The impact view's content as plain data: changed assets → the assets they impact → those
 * assets' owners, and last everyone to tell. Pure (no vscode import), so what the view shows
 * is unit-tested from a report alone; the view only turns these into TreeItems.
 */
import type {
  ImpactCategory,
  ImpactChange,
  ImpactCheckChange,
  ImpactedAsset,
  ImpactKind,
  ImpactReport,
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

export type ImpactItemKind = "change" | "check" | "impacted" | "owner" | "owners";

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
}

const ERROR_COLOR = "list.errorForeground";
const WARNING_COLOR = "list.warningForeground";
const MODIFIED_COLOR = "gitDecoration.modifiedResourceForeground";

/** What the user must look at first comes first: what fails, what cannot be judged, then the rest. */
const CATEGORY_ORDER: Record<ImpactCategory, number> = { breaking: 0, unknown: 1, "non-breaking": 2, metadata: 3 };
const IMPACT_ORDER: Record<ImpactKind, number> = { breaking: 0, data: 1 };

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

/** The view's root items for a report: one per changed asset, then impacted assets no change explains, then the owners. */
export function impactTree(report: ImpactReport): ImpactTreeItem[] {
  const reached = reachedFrom(report);
  const changes = [...report.changes].sort(
    (a, b) => CATEGORY_ORDER[a.category] - CATEGORY_ORDER[b.category] || compare(a.key, b.key),
  );
  const roots = changes.map((change) => changeItem(change, report, reached));
  // An impacted asset whose `because` names nothing in the report is still shown, never dropped.
  const unexplained = report.impacted.filter((asset) => (reached.get(asset.key)?.size ?? 0) === 0);
  roots.push(
    ...sortImpacted(unexplained, (asset) => asset.distance).map((asset) =>
      impactedItem(asset, asset.distance, "unexplained"),
    ),
  );
  if (report.owners.length > 0) roots.push(ownersItem(report.owners));
  return roots;
}

/** One line for the view's header: how much changed and how much it reaches. */
export function impactSummary(report: ImpactReport): string {
  const breaking = report.changes.filter((change) => change.category === "breaking").length;
  const breakingImpact = report.impacted.filter((asset) => asset.impact === "breaking").length;
  const parts = [
    `${count(report.changes.length, "changed asset")}${breaking > 0 ? ` (${breaking} breaking)` : ""}`,
    `${count(report.impacted.length, "impacted")}${breakingImpact > 0 ? ` (${breakingImpact} will fail)` : ""}`,
  ];
  if (report.owners.length > 0) parts.push(count(report.owners.length, "owner") + " to tell");
  return parts.join(" · ");
}

/** The base the report compares with, as the view's description says it: `HEAD (1a2b3c4)`. */
export function impactBase(report: ImpactReport): string {
  const short = report.base.commit.slice(0, 7);
  return short === "" || short === report.base.ref ? report.base.ref : `${report.base.ref} (${short})`;
}

function changeItem(change: ImpactChange, report: ImpactReport, reached: Reached): ImpactTreeItem {
  const id = `change:${change.key}`;
  const checks = report.checks.filter((check) => check.asset === change.key || check.asset === change.previousKey);
  const downstream = report.impacted.flatMap((asset) => {
    const distance = reached.get(asset.key)?.get(change.key);
    return distance === undefined ? [] : [{ asset, distance }];
  });
  const byKey = new Map(downstream.map((entry) => [entry.asset.key, entry.distance]));
  const impacted = sortImpacted(
    downstream.map((entry) => entry.asset),
    (asset) => byKey.get(asset.key)!,
  ).map((asset) => impactedItem(asset, byKey.get(asset.key)!, id));
  const location = { file: change.file, line: change.line };
  const description = [
    change.change === "renamed" && change.previousKey ? `renamed from ${change.previousKey}` : change.change,
    change.category,
    ...(change.reasons.length > 0 ? [change.reasons.join(", ")] : []),
    ...(impacted.length > 0 ? [`${impacted.length} downstream`] : []),
  ].join(" · ");
  return {
    id,
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
    open: location,
    children: [...checks.map((check) => checkItem(check, id, location)), ...impacted],
  };
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

function ownersItem(owners: readonly string[]): ImpactTreeItem {
  return {
    id: "owners",
    kind: "owners",
    label: "Owners to tell",
    description: String(owners.length),
    tooltip: "Owners of the changed and impacted assets.",
    icon: { id: "organization" },
    children: owners.map((owner) => ({
      id: `owners/owner:${owner}`,
      kind: "owner" as const,
      label: owner,
      description: "",
      tooltip: owner,
      icon: { id: "person" },
      children: [],
    })),
  };
}

function columnLines(change: ImpactChange): string[] {
  const lines: string[] = [];
  if (change.columns.removed.length > 0) lines.push(`columns removed: ${change.columns.removed.join(", ")}`);
  if (change.columns.added.length > 0) lines.push(`columns added: ${change.columns.added.join(", ")}`);
  return lines;
}

function sortImpacted(assets: readonly ImpactedAsset[], distance: (asset: ImpactedAsset) => number): ImpactedAsset[] {
  return [...assets].sort(
    (a, b) => IMPACT_ORDER[a.impact] - IMPACT_ORDER[b.impact] || distance(a) - distance(b) || compare(a.key, b.key),
  );
}

/** impacted key → changed key → edges from that change. */
type Reached = Map<string, Map<string, number>>;

/**
 * Which changes each impacted asset is downstream of, and how far: `because` names either a
 * change (a rename possibly by its old key) or another impacted asset, so a breadth-first walk
 * from each change along `because` backwards gives the shortest distance, cycles included.
 */
function reachedFrom(report: ImpactReport): Reached {
  const consumers = new Map<string, string[]>();
  for (const asset of report.impacted) {
    for (const because of asset.because) {
      const list = consumers.get(because.key) ?? [];
      list.push(asset.key);
      consumers.set(because.key, list);
    }
  }
  const reached: Reached = new Map();
  for (const change of report.changes) {
    const seen = new Set<string>([change.key, ...(change.previousKey !== undefined ? [change.previousKey] : [])]);
    let frontier = [...seen];
    for (let distance = 1; frontier.length > 0; distance += 1) {
      const next: string[] = [];
      for (const key of frontier) {
        for (const consumer of consumers.get(key) ?? []) {
          if (seen.has(consumer)) continue;
          seen.add(consumer);
          next.push(consumer);
          const roots = reached.get(consumer) ?? new Map<string, number>();
          roots.set(change.key, distance);
          reached.set(consumer, roots);
        }
      }
      frontier = next;
    }
  }
  return reached;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 || noun.endsWith("impacted") ? "" : "s"}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
