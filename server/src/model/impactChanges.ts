/**
 * Impact analysis, first half: what changed between two analysed snapshots of a workspace,
 * per asset, and how badly for its consumers. Pure: definitions in, classification out.
 */
import type { ImpactCategory, ImpactChange, ImpactCheckChange, ImpactReason } from "../../../protocol/impact";
import { compareKeyStrings as compare } from "./assetKey";
import { producedResources, producedTable } from "./columnCatalog";
import type { AssetDefinition, CheckDefinition, ResourceId } from "./definitions";
import type { SideIndex } from "./impactIndex";
import type { ImpactMemo } from "./impactMemo";

/** One side of the comparison: what the analysis found. */
export interface ImpactSide {
  /** Sorted by key, as an analysis snapshot's are (duplicates next to each other, the first one first). */
  readonly assets: readonly AssetDefinition[];
  readonly checks: readonly CheckDefinition[];
}

export interface ImpactInput {
  readonly base: ImpactSide;
  readonly working: ImpactSide;
  /**
   * True when `removed` (base) and `added` (working) are the same definition once the old key
   * is replaced by the new one (in its SQL too): the analysis compares their tokens.
   */
  readonly sameOnceRenamed: (removed: AssetDefinition, added: AssetDefinition) => boolean;
  /**
   * True when the definition's code changed (beyond metadata and layout); the analysis can tell
   * better than code versions alone. Defaults to comparing code versions.
   */
  readonly codeChanged?: (before: AssetDefinition, after: AssetDefinition) => boolean;
}

/** What a change takes away from its consumers: each consumer it breaks, and what it used. */
export interface Breakage {
  readonly consumer: string;
  readonly uses: string;
}

/** A classified change, with what the downstream walk needs beyond the report's fields. */
export interface ClassifiedChange {
  readonly change: ImpactChange;
  readonly breaks: readonly Breakage[];
  /** False when consumers' data cannot change (metadata, checks, added columns only). */
  readonly changesData: boolean;
  /** The key consumers name it by on the working side (the old key for removed assets). */
  readonly consumedAs: string;
  readonly owners: readonly string[];
}

/** Every asset added, removed, renamed or modified, and every check added, removed or modified. */
export function classifyChanges(
  input: ImpactInput,
  base: SideIndex,
  working: SideIndex,
  memo?: ImpactMemo,
): {
  changes: ClassifiedChange[];
  checks: ImpactCheckChange[];
} {
  const checks = diffChecks(input.base.checks, input.working.checks, memo);
  const checkChanged = new Set(checks.map((check) => check.asset));
  // Only keys that may differ from what the last answer found: its changes, and what an edit touched.
  const suspects = suspectKeys(working, checkChanged, memo);
  const inBase = suspects
    ? base.inOrder([...suspects].flatMap((key) => base.byKey.get(key) ?? []))
    : [...base.byKey.values()];
  const inWorking = suspects
    ? [...suspects].flatMap((key) => working.byKey.get(key) ?? [])
    : [...working.byKey.values()];
  const removed = inBase.filter((asset) => !working.byKey.has(asset.key));
  // By key: the index's order depends on the edits it was patched with.
  const added = inWorking.filter((asset) => !base.byKey.has(asset.key)).sort((a, b) => compare(a.key, b.key));
  const changes: ClassifiedChange[] = [];

  const renamedTo = new Map<AssetDefinition, AssetDefinition>();
  const taken = new Set<AssetDefinition>();
  for (const old of removed) {
    const next = added.find((candidate) => !taken.has(candidate) && input.sameOnceRenamed(old, candidate));
    if (next) {
      renamedTo.set(old, next);
      taken.add(next);
    }
  }

  for (const old of removed) {
    const next = renamedTo.get(old);
    changes.push(next ? renamed(old, next, working) : removedAsset(old, working));
  }
  for (const asset of added) if (!taken.has(asset)) changes.push(addedAsset(asset));
  for (const after of inWorking) {
    const { key } = after;
    const before = base.byKey.get(key);
    if (!before) continue;
    if (!checkChanged.has(key) && (before === after || memo?.unchanged.get(after) === before)) continue;
    // One definition on both sides (a file neither side re-linked) has one code version, deps and
    // metadata: nothing to compare, and asking for its version would hash it (versions are lazy).
    const codeChanged =
      before !== after &&
      (input.codeChanged
        ? input.codeChanged(before, after)
        : before.codeVersion !== after.codeVersion || before.kind !== after.kind);
    const change = modified(before, after, codeChanged, checkChanged.has(key), base, working);
    if (change) changes.push(change);
    else memo?.unchanged.set(after, before);
  }
  changes.sort((a, b) => compare(a.change.key, b.change.key));
  if (memo) {
    const keys = new Set<string>();
    for (const { change } of changes) {
      keys.add(change.key);
      if (change.previousKey !== undefined) keys.add(change.previousKey);
    }
    memo.suspects = { index: working, patches: working.patches, keys };
  }
  return { changes, checks };
}

/**
 * The keys whose classification may differ from the last answer's: the changes it found, the
 * keys a patch touched since, and assets whose checks changed. Undefined (every key) without an
 * answer against this very index to start from.
 */
function suspectKeys(
  working: SideIndex,
  checkChanged: ReadonlySet<string>,
  memo: ImpactMemo | undefined,
): Set<string> | undefined {
  const last = memo?.suspects;
  if (!last || last.index !== working) return undefined;
  if (working.patches !== last.patches && working.patches !== last.patches + 1) return undefined;
  const keys = new Set(last.keys);
  if (working.patches !== last.patches) for (const key of working.touched) keys.add(key);
  for (const key of checkChanged) keys.add(key);
  return keys;
}

function addedAsset(asset: AssetDefinition): ClassifiedChange {
  return {
    change: report(asset, "added", [], "non-breaking", `new ${asset.kind}`, { added: [], removed: [] }),
    breaks: [],
    changesData: false,
    consumedAs: asset.key,
    owners: asset.owners,
  };
}

function removedAsset(asset: AssetDefinition, working: SideIndex): ClassifiedChange {
  const breaks = consumersOfGone(asset, producedResources(asset), working);
  const why =
    breaks.length > 0
      ? `removed, but ${names(breaks)} still ${breaks.length === 1 ? "uses" : "use"} it`
      : `removed; nothing in the workspace uses it`;
  return {
    change: report(asset, "removed", [], breaks.length > 0 ? "breaking" : "non-breaking", why, {
      added: [],
      removed: [],
    }),
    breaks,
    changesData: false,
    consumedAs: asset.key,
    owners: asset.owners,
  };
}

function renamed(old: AssetDefinition, next: AssetDefinition, working: SideIndex): ClassifiedChange {
  const stillProduced = new Set(producedResources(next));
  const gone = producedResources(old).filter((resource) => !stillProduced.has(resource));
  const breaks = consumersOfGone(old, gone, working).filter((breakage) => breakage.consumer !== next.key);
  const why =
    breaks.length > 0
      ? `renamed from ${old.key}, but ${names(breaks)} still ${breaks.length === 1 ? "uses" : "use"} the old name`
      : `renamed from ${old.key}; every consumer uses the new name`;
  const change = report(next, "renamed", [], breaks.length > 0 ? "breaking" : "non-breaking", why, {
    added: [],
    removed: [],
  });
  return {
    change: { ...change, previousKey: old.key },
    breaks,
    changesData: false,
    consumedAs: old.key,
    owners: next.owners,
  };
}

function modified(
  before: AssetDefinition,
  after: AssetDefinition,
  codeChanged: boolean,
  checksChanged: boolean,
  base: SideIndex,
  working: SideIndex,
): ClassifiedChange | undefined {
  const reasons: ImpactReason[] = [];
  if (codeChanged) reasons.push("code");
  if (depsChanged(before, after)) reasons.push("deps");
  if (!sameMetadata(before, after)) reasons.push("metadata");
  if (checksChanged) reasons.push("checks");
  if (reasons.length === 0) return undefined;
  reasons.sort();

  const columnsBefore = base.columns.columnsOfAsset(before);
  const columnsAfter = working.columns.columnsOfAsset(after);
  const known = columnsBefore !== "unknown" && columnsAfter !== "unknown";
  const addedColumns = known ? columnsAfter.filter((column) => !columnsBefore.includes(column)) : [];
  const removedColumns = known ? columnsBefore.filter((column) => !columnsAfter.includes(column)) : [];

  const breaks: Breakage[] = [];
  const table = producedTable(after);
  if (table !== undefined) {
    for (const column of removedColumns) {
      for (const consumer of readersOfColumn(working, table, column, after)) {
        breaks.push({ consumer: consumer.key, uses: `column ${table}.${column}` });
      }
    }
  }
  const stillProduced = new Set(producedResources(after));
  const noLongerWritten = producedResources(before).filter((resource) => !stillProduced.has(resource));
  breaks.push(
    ...consumersOfGone(before, noLongerWritten, working).filter((breakage) => breakage.consumer !== after.key),
  );

  let category: ImpactCategory;
  let why: string;
  const onlyDescribed = !codeChanged && !reasons.includes("deps");
  if (breaks.length > 0) {
    category = "breaking";
    why = breakingWhy(removedColumns, noLongerWritten, breaks);
  } else if (onlyDescribed) {
    category = "metadata";
    why =
      reasons.includes("metadata") && reasons.includes("checks")
        ? "metadata and checks changed"
        : reasons.includes("checks")
          ? "checks changed"
          : `metadata changed (${metadataChanges(before, after).join(", ")})`;
  } else if (codeChanged && after.kind === "asset" && !known) {
    category = "unknown";
    const unreadable = columnsBefore === "unknown" ? before : after;
    why = `code changed, and its columns cannot be read statically (${unknownBecause(unreadable)})`;
  } else {
    category = "non-breaking";
    why = !codeChanged
      ? "deps changed"
      : addedColumns.length > 0 && removedColumns.length === 0
        ? `code changed; adds ${plural(addedColumns.length, "column")} (${addedColumns.join(", ")})`
        : removedColumns.length > 0
          ? `code changed; removes ${removedColumns.join(", ")}, which nothing downstream references`
          : "code changed; same columns";
  }
  // Data downstream changes with the code or the inputs, except when only columns were added.
  const onlyAddsColumns =
    known && addedColumns.length > 0 && removedColumns.length === 0 && sameStrings(reasons, ["code"]);
  const changesData = (codeChanged || reasons.includes("deps")) && !onlyAddsColumns;
  return {
    change: report(after, "modified", reasons, category, why, { added: addedColumns, removed: removedColumns }),
    breaks,
    changesData,
    consumedAs: after.key,
    owners: after.owners,
  };
}

/** Working-side assets that use something of `gone` that nothing produces any more: its key, or one of `resources`. */
function consumersOfGone(gone: AssetDefinition, resources: readonly ResourceId[], working: SideIndex): Breakage[] {
  const breaks = new Map<string, string>();
  if (!working.byKey.has(gone.key)) {
    for (const user of working.depUsers.get(gone.key) ?? []) breaks.set(user.key, `key ${gone.key}`);
    // A dep by reference to a const that is gone resolves to nothing: it still named this asset.
    if (gone.exportName !== undefined) {
      for (const asset of working.byKey.values()) {
        if (asset.deps.some((dep) => dep.key === undefined && dep.text === gone.exportName))
          breaks.set(asset.key, `key ${gone.key}`);
      }
    }
  }
  for (const resource of resources) {
    if ((working.producers.get(resource) ?? []).length > 0) continue;
    for (const reader of working.readers.get(resource) ?? []) {
      if (!breaks.has(reader.key))
        breaks.set(
          reader.key,
          resource.startsWith("table:") ? `table ${resource.slice(6)}` : `file ${resource.slice(5)}`,
        );
    }
  }
  return [...breaks].sort(([a], [b]) => compare(a, b)).map(([consumer, uses]) => ({ consumer, uses }));
}

/** Working assets (other than the producer) whose SQL references `column` of `table`, certainly or possibly. */
function readersOfColumn(
  working: SideIndex,
  table: string,
  column: string,
  producer: AssetDefinition,
): AssetDefinition[] {
  const found: AssetDefinition[] = [];
  for (const reader of working.readers.get(`table:${table}`) ?? []) {
    if (reader.key === producer.key) continue;
    if (reader.columns.references.some((reference) => reference.table === table && reference.column === column))
      found.push(reader);
  }
  return found.sort((a, b) => compare(a.key, b.key));
}

function diffChecks(
  before: readonly CheckDefinition[],
  after: readonly CheckDefinition[],
  memo: ImpactMemo | undefined,
): ImpactCheckChange[] {
  const id = (check: CheckDefinition): string => {
    let known = memo?.checkIds.get(check);
    if (known === undefined) {
      known = `${check.assetKey ?? check.targetText}\u0000${check.name}`;
      memo?.checkIds.set(check, known);
    }
    return known;
  };
  // Unedited files keep their check objects: the same list answers as last time.
  const last = memo?.workingChecks;
  if (last && sameItems(last.checks, after) && memo?.baseChecks?.checks === before) return [...last.changes];
  let old = memo?.baseChecks?.checks === before ? memo.baseChecks.byId : undefined;
  if (!old) {
    old = new Map(before.map((check) => [id(check), check]));
    if (memo) memo.baseChecks = { checks: before, byId: old };
  }
  const next = new Map(after.map((check) => [id(check), check]));
  const changes: ImpactCheckChange[] = [];
  for (const [key, check] of next) {
    const previous = old.get(key);
    const asset = check.assetKey ?? check.targetText;
    if (!previous) changes.push({ asset, name: check.name, change: "added" });
    else if (
      previous.codeVersion !== check.codeVersion ||
      previous.blocking !== check.blocking ||
      previous.description !== check.description
    ) {
      changes.push({ asset, name: check.name, change: "modified" });
    }
  }
  for (const [key, check] of old)
    if (!next.has(key))
      changes.push({ asset: check.assetKey ?? check.targetText, name: check.name, change: "removed" });
  changes.sort((a, b) => compare(a.asset, b.asset) || compare(a.name, b.name) || compare(a.change, b.change));
  if (memo) memo.workingChecks = { checks: after, changes };
  return [...changes];
}

function report(
  asset: AssetDefinition,
  change: ImpactChange["change"],
  reasons: ImpactReason[],
  category: ImpactCategory,
  why: string,
  columns: ImpactChange["columns"],
): ImpactChange {
  return {
    key: asset.key,
    change,
    reasons,
    category,
    why,
    columns,
    owners: asset.owners,
    file: asset.location.file,
    line: asset.location.range.start.line + 1,
  };
}

function breakingWhy(
  removedColumns: readonly string[],
  noLongerWritten: readonly ResourceId[],
  breaks: readonly Breakage[],
): string {
  const what: string[] = [];
  if (removedColumns.length > 0) what.push(`removes ${removedColumns.join(", ")}`);
  if (noLongerWritten.length > 0)
    what.push(
      `no longer writes ${noLongerWritten.map((resource) => resource.replace(/^(table|file):/, "")).join(", ")}`,
    );
  const uses = breaks.map((breakage) => `${breakage.consumer} uses ${breakage.uses}`);
  return `${what.join(" and ") || "takes away what consumers use"}: ${uses.join("; ")}`;
}

function unknownBecause(asset: AssetDefinition): string {
  if (asset.columns.partial) return "some of its SQL is built at run time or does not parse";
  if (asset.columns.defined.length === 0) return "it writes no table with static SQL";
  return "its SQL selects * from a table whose columns are not known, or an unnamed expression";
}

/**
 * Deps changed when both what is written and what it resolves to changed: the same text
 * resolving elsewhere (an upstream renamed or removed) is the upstream's change, and an
 * import alias resolving to the same keys is no change at all.
 */
function depsChanged(before: AssetDefinition, after: AssetDefinition): boolean {
  const texts = (asset: AssetDefinition) => [...new Set(asset.deps.map((dep) => `${dep.via}:${dep.text}`))].sort();
  const keys = (asset: AssetDefinition) => [...new Set(asset.deps.map((dep) => dep.key ?? `?${dep.text}`))].sort();
  return !sameStrings(texts(before), texts(after)) && !sameStrings(keys(before), keys(after));
}

function sameMetadata(a: AssetDefinition, b: AssetDefinition): boolean {
  return metadataChanges(a, b).length === 0;
}

function metadataChanges(a: AssetDefinition, b: AssetDefinition): string[] {
  const changed: string[] = [];
  if (a.group !== b.group) changed.push("group");
  if (!sameStrings([...a.owners].sort(), [...b.owners].sort())) changed.push("owners");
  if (!sameStrings([...a.kinds].sort(), [...b.kinds].sort())) changed.push("kinds");
  if (JSON.stringify(sortedEntries(a.tags)) !== JSON.stringify(sortedEntries(b.tags))) changed.push("tags");
  if (a.description !== b.description) changed.push("description");
  if (a.freshness?.maxLagMinutes !== b.freshness?.maxLagMinutes) changed.push("freshness");
  if (JSON.stringify(a.automation) !== JSON.stringify(b.automation)) changed.push("automation");
  return changed;
}

function sortedEntries(tags: Readonly<Record<string, string>>): Array<[string, string]> {
  return Object.entries(tags).sort(([x], [y]) => compare(x, y));
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

function names(breaks: readonly Breakage[]): string {
  const keys = breaks.map((breakage) => breakage.consumer);
  return keys.length <= 3 ? keys.join(", ") : `${keys.slice(0, 3).join(", ")} and ${keys.length - 3} more`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** The same objects in the same order. */
export function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}
