import type { ImpactReport } from "../../../../protocol/impact";
import { analyzeImpact } from "../../model/impact";
import type { RevisionComparison } from "../git/revisionComparison";
import { codeChanged } from "./codeChanges";
import { sameOnceRenamed } from "./renames";

/** The impact report of a working tree compared with a revision. */
export function impactOfComparison(comparison: RevisionComparison): ImpactReport {
  const analysis = analyzeImpact({
    base: comparison.base,
    working: comparison.working,
    sameOnceRenamed: (removed, added) =>
      sameOnceRenamed(
        removed,
        comparison.baseText(removed.location.file),
        added,
        comparison.workingText(added.location.file),
      ),
    codeChanged: (before, after) =>
      codeChanged(
        before,
        () => comparison.baseText(before.location.file),
        after,
        () => comparison.workingText(after.location.file),
      ),
  });
  return { base: { ref: comparison.ref, commit: comparison.commit }, ...analysis };
}
