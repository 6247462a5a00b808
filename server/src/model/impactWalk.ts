/**
 * Impact analysis, second half: the walk downstream of the classified changes (through deps
 * and tables read) and the impacted list built from it. Between two answers for the same base
 * the walk is kept while its inputs hold (what the changes seed it with, and the working
 * index's edges), and only the entries whose definition or checks changed are built again: a
 * keystroke in a file that changes neither costs a pass over the map, not a walk of thousands.
 */
import type { ImpactBecause, ImpactedAsset, ImpactKind } from "../../../protocol/impact";
import { compareKeyStrings as compare } from "./assetKey";
import type { AssetDefinition, CheckDefinition } from "./definitions";
import { type ClassifiedChange, sameItems } from "./impactChanges";
import type { SideIndex } from "./impactIndex";
import type { ImpactMemo, ImpactWalk, Reached } from "./impactMemo";

/** The walk from `changes` over `working`, the memo's kept when its inputs are the same. */
export function walkDownstream(
  changes: readonly ClassifiedChange[],
  working: SideIndex,
  checks: readonly CheckDefinition[],
  memo?: ImpactMemo,
): ImpactWalk {
  const seeds = seedsOf(changes);
  const last = memo?.walk;
  const walk =
    last && last.seeds === seeds && last.index === working && last.edges === working.edges
      ? rebuilt(last, working, checks)
      : built(seeds, walkFrom(changes, working), working, checks);
  if (memo) memo.walk = walk;
  return walk;
}

/** Everything of the changes the walk reads, as one string: equal strings walk alike. */
function seedsOf(changes: readonly ClassifiedChange[]): string {
  return JSON.stringify(
    changes.map((classified) => [
      classified.change.key,
      classified.change.change,
      classified.changesData ? classified.change.why : "",
      classified.consumedAs,
      classified.breaks,
    ]),
  );
}

function walkFrom(changes: readonly ClassifiedChange[], working: SideIndex): Map<string, Reached> {
  const reached = new Map<string, Reached>();
  const reach = (key: string, impact: ImpactKind, distance: number, because: ImpactBecause) => {
    const existing = reached.get(key);
    if (!existing || distance < existing.distance) {
      reached.set(key, { impact: existing?.impact === "breaking" ? "breaking" : impact, distance, because: [because] });
      return true;
    }
    if (impact === "breaking") existing.impact = "breaking";
    if (distance === existing.distance && !existing.because.some((b) => b.key === because.key))
      existing.because.push(because);
    return false;
  };

  const children = (key: string): readonly string[] => working.childrenOf(key);
  let frontier: string[] = [];
  for (const classified of changes) {
    const { change } = classified;
    for (const breakage of classified.breaks) {
      reach(breakage.consumer, "breaking", 1, {
        key: change.key,
        why: `uses ${breakage.uses}, which ${goneVerb(classified)}`,
      });
      frontier.push(breakage.consumer);
    }
    if (!classified.changesData) continue;
    for (const child of children(classified.consumedAs)) {
      if (child === change.key) continue;
      reach(child, "data", 1, { key: change.key, why: change.why });
      frontier.push(child);
    }
  }
  // Breadth first, so each asset gets its shortest distance and every upstream at that distance.
  for (let distance = 2; frontier.length > 0; distance++) {
    const next: string[] = [];
    for (const key of new Set(frontier)) {
      const from = reached.get(key)!;
      for (const child of children(key)) {
        if (child === key) continue;
        const why =
          from.impact === "breaking"
            ? `downstream of ${key}, which will fail`
            : `downstream of ${key}, whose data may change`;
        if (reach(child, "data", distance, { key, why })) next.push(child);
      }
    }
    frontier = next;
  }
  for (const { because } of reached.values()) because.sort((a, b) => compare(a.key, b.key));
  return reached;
}

function built(
  seeds: string,
  reached: ReadonlyMap<string, Reached>,
  working: SideIndex,
  checks: readonly CheckDefinition[],
): ImpactWalk {
  const names = checkNames(checks);
  const builtFrom = new Map<string, AssetDefinition | undefined>();
  const impacted: ImpactedAsset[] = [];
  for (const [key, entry] of reached) {
    const definition = working.byKey.get(key);
    builtFrom.set(key, definition);
    impacted.push(entryOf(key, entry, definition, names.get(key)));
  }
  impacted.sort((a, b) => a.distance - b.distance || compare(a.key, b.key));
  const ownerCounts = new Map<string, number>();
  for (const asset of impacted) for (const owner of asset.owners) count(ownerCounts, owner, +1);
  return {
    seeds,
    index: working,
    edges: working.edges,
    patches: working.patches,
    reached,
    impacted,
    builtFrom,
    checks,
    ownerCounts,
    owners: [...ownerCounts.keys()].sort(compare),
  };
}

/** `last` with the entries whose definition (owners, place) or checks changed built again. */
function rebuilt(last: ImpactWalk, working: SideIndex, checks: readonly CheckDefinition[]): ImpactWalk {
  const stale = new Set<string>();
  // One patch since: only the keys it touched can have new definitions.
  const keys = working.patches === last.patches + 1 ? working.touched : last.builtFrom.keys();
  if (working.patches !== last.patches)
    for (const key of keys)
      if (last.builtFrom.has(key) && working.byKey.get(key) !== last.builtFrom.get(key)) stale.add(key);
  if (!sameItems(checks, last.checks)) {
    const before = new Set(last.checks);
    const after = new Set(checks);
    for (const check of checks) if (!before.has(check) && check.assetKey !== undefined) stale.add(check.assetKey);
    for (const check of last.checks) if (!after.has(check) && check.assetKey !== undefined) stale.add(check.assetKey);
  }
  const affected = [...stale].filter((key) => last.reached.has(key));
  if (affected.length === 0) return { ...last, patches: working.patches, checks };
  const names = checkNames(checks);
  const builtFrom = new Map(last.builtFrom);
  const ownerCounts = new Map(last.ownerCounts);
  const replaced = new Map<string, ImpactedAsset>();
  for (const key of affected) {
    const definition = working.byKey.get(key);
    builtFrom.set(key, definition);
    replaced.set(key, entryOf(key, last.reached.get(key)!, definition, names.get(key)));
  }
  const impacted = last.impacted.map((asset) => {
    const next = replaced.get(asset.key);
    if (!next) return asset;
    for (const owner of asset.owners) count(ownerCounts, owner, -1);
    for (const owner of next.owners) count(ownerCounts, owner, +1);
    return next;
  });
  const owners = [...ownerCounts.keys()].sort(compare);
  return { ...last, patches: working.patches, impacted, builtFrom, checks, ownerCounts, owners };
}

function entryOf(
  key: string,
  { impact, distance, because }: Reached,
  definition: AssetDefinition | undefined,
  checks: readonly string[] | undefined,
): ImpactedAsset {
  return {
    key,
    impact,
    distance,
    because,
    owners: definition?.owners ?? [],
    checks: [...(checks ?? [])].sort(compare),
    ...(definition ? { file: definition.location.file, line: definition.location.range.start.line + 1 } : {}),
  };
}

/** Check names by the asset they target: indexed once, as a change near the roots reaches most assets. */
function checkNames(checks: readonly CheckDefinition[]): Map<string, string[]> {
  const byAsset = new Map<string, string[]>();
  for (const check of checks) {
    if (check.assetKey === undefined) continue;
    const names = byAsset.get(check.assetKey);
    if (names) names.push(check.name);
    else byAsset.set(check.assetKey, [check.name]);
  }
  return byAsset;
}

function count(counts: Map<string, number>, owner: string, by: 1 | -1): void {
  const next = (counts.get(owner) ?? 0) + by;
  if (next > 0) counts.set(owner, next);
  else counts.delete(owner);
}

function goneVerb(classified: ClassifiedChange): string {
  const { change } = classified;
  if (change.change === "removed") return `is removed`;
  if (change.change === "renamed") return `is renamed to ${change.key}`;
  return `${change.key} no longer provides`;
}
