/**
 * Impact analysis: two snapshots in (the base revision and the working tree), one report out:
 * what changed, what will fail downstream (`breaking`), what must be rebuilt (`data`), and
 * who to tell. Pure; the analysis supplies the snapshots and the rename test.
 */
import type { ImpactBecause, ImpactedAsset, ImpactKind, ImpactReport } from "../../../protocol/impact";
import { compareKeyStrings as compare } from "./assetKey";
import { type ClassifiedChange, classifyChanges, type ImpactInput } from "./impactChanges";
import { SideIndex } from "./impactIndex";
import type { ImpactMemo } from "./impactMemo";

export { type ImpactInput, type ImpactSide } from "./impactChanges";
export { SideIndex } from "./impactIndex";
export { ImpactMemo } from "./impactMemo";

/** The report without `base` (the caller knows which revision it compared with). */
export type ImpactAnalysis = Omit<ImpactReport, "base">;

interface Reached {
  impact: ImpactKind;
  distance: number;
  because: ImpactBecause[];
}

/**
 * Classifies every change and walks downstream of them (through deps and tables read).
 * `baseIndex` may be a SideIndex of `input.base` kept from an earlier call (the base side
 * changes only when the base commit does); `memo`, kept between calls against the same base,
 * makes an answer after an edit cost what the edit changed, not a pass over every definition.
 */
export function analyzeImpact(input: ImpactInput, baseIndex?: SideIndex, memo?: ImpactMemo): ImpactAnalysis {
  const base = baseIndex?.side === input.base ? baseIndex : new SideIndex(input.base);
  const working = memo ? (memo.working = SideIndex.next(memo.working, input.working)) : new SideIndex(input.working);
  const { changes, checks } = classifyChanges(input, base, working, memo);
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

  // Indexed once: a change near the roots can impact most of a large workspace.
  const checksByAsset = new Map<string, string[]>();
  for (const check of input.working.checks) {
    if (check.assetKey === undefined) continue;
    const names = checksByAsset.get(check.assetKey);
    if (names) names.push(check.name);
    else checksByAsset.set(check.assetKey, [check.name]);
  }
  const impacted: ImpactedAsset[] = [];
  for (const [key, { impact, distance, because }] of reached) {
    const definition = working.byKey.get(key);
    impacted.push({
      key,
      impact,
      distance,
      because: because.sort((a, b) => compare(a.key, b.key)),
      owners: definition?.owners ?? [],
      checks: [...(checksByAsset.get(key) ?? [])].sort(compare),
      ...(definition ? { file: definition.location.file, line: definition.location.range.start.line + 1 } : {}),
    });
  }
  impacted.sort((a, b) => a.distance - b.distance || compare(a.key, b.key));

  const owners = new Set<string>();
  for (const classified of changes) for (const owner of classified.owners) owners.add(owner);
  for (const asset of impacted) for (const owner of asset.owners) owners.add(owner);
  return {
    changes: changes.map((classified) => classified.change),
    impacted,
    checks,
    owners: [...owners].sort(compare),
  };
}

function goneVerb(classified: ClassifiedChange): string {
  const { change } = classified;
  if (change.change === "removed") return `is removed`;
  if (change.change === "renamed") return `is renamed to ${change.key}`;
  return `${change.key} no longer provides`;
}
