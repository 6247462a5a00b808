/**
 * Impact analysis: two snapshots in (the base revision and the working tree), one report out:
 * what changed, what will fail downstream (`breaking`), what must be rebuilt (`data`), and
 * who to tell. Pure; the analysis supplies the snapshots and the rename test.
 */
import type { ImpactReport } from "../../../protocol/impact";
import { compareKeyStrings as compare } from "./assetKey";
import { classifyChanges, type ImpactInput } from "./impactChanges";
import { SideIndex } from "./impactIndex";
import type { ImpactMemo } from "./impactMemo";
import { walkDownstream } from "./impactWalk";

export { type ImpactInput, type ImpactSide } from "./impactChanges";
export { SideIndex } from "./impactIndex";
export { ImpactMemo } from "./impactMemo";

/** The report without `base` (the caller knows which revision it compared with). */
export type ImpactAnalysis = Omit<ImpactReport, "base">;

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
  const walk = walkDownstream(changes, working, input.working.checks, memo);
  const owners = new Set(walk.owners);
  const extra = changes.flatMap((classified) => classified.owners.filter((owner) => !owners.has(owner)));
  return {
    changes: changes.map((classified) => classified.change),
    impacted: walk.impacted,
    checks,
    owners: extra.length === 0 ? walk.owners : [...new Set([...walk.owners, ...extra])].sort(compare),
  };
}
