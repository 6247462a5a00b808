import type { ImpactReport } from "../../../../protocol/impact";
import { attachSqlCache, DEFAULT_SCAN_OPTIONS, DiskReader, openWorkspaceFactsCache } from "../../analysis";
import { compareWithRevision, GitError } from "../../analysis/git";
import { impactOfComparison } from "../../analysis/impact/impactOfComparison";
import { selectImpact } from "../../model/impactSelection";
import { parseSelection } from "../../model/selection";
import { type Command, formatOption, stringOption } from "../command";
import { EXIT, UsageError } from "../errors";
import { impactMarkdown, impactText } from "../impactFormats";
import { workspaceDir } from "../workspaceDir";

/** `assetline impact [DIR]`: what the working tree changes against a git revision, and what that impacts. */
export const impactCommand: Command = {
  name: "impact",
  usage:
    "assetline impact [DIR] [--base REF] [--format text|markdown|json] [--fail-on breaking|any] [--select SELECTION]",
  summary: "What uncommitted changes do to assets, downstream and owners, against a git revision (default HEAD)",
  options: {
    base: { type: "string", short: "b" },
    format: { type: "string", short: "f" },
    "fail-on": { type: "string" },
    select: { type: "string", short: "s" },
  },
  async run(parsed) {
    const format = formatOption(parsed, ["text", "markdown", "json"], "text");
    const failOn = stringOption(parsed, "fail-on");
    if (failOn !== undefined && failOn !== "breaking" && failOn !== "any") {
      throw new UsageError(`unknown --fail-on "${failOn}"; expected breaking or any`);
    }
    const selectionText = stringOption(parsed, "select");
    const selection = selectionText === undefined ? undefined : parseSelection(selectionText);
    if (selection && !selection.ok) throw new UsageError(selection.error);
    const dir = workspaceDir(parsed.positionals[0]);
    const ref = stringOption(parsed, "base") ?? "HEAD";

    const cache = attachSqlCache(dir);
    let report: ImpactReport;
    try {
      const reader = new DiskReader(dir);
      // Read only: the files `check` or the editor analysed are not scanned again, on either side (a
      // changed file's base text was often analysed before it was edited). Impact does not write it:
      // its analysis ends holding the base side's facts, which the next `check` would not want.
      const facts = openWorkspaceFactsCache(reader.root, DEFAULT_SCAN_OPTIONS.maxFileBytes);
      const comparison = await compareWithRevision(reader, ref, { sharedFacts: facts?.lookup });
      report = impactOfComparison(comparison);
      if (selection?.ok)
        report = selectImpact(report, selection.selection, [comparison.working.graph, comparison.base.graph]);
    } catch (error) {
      if (error instanceof GitError) throw new UsageError(error.message);
      throw error;
    } finally {
      cache.save();
      cache.detach();
    }

    const output =
      format === "json"
        ? JSON.stringify(report, null, 2)
        : format === "markdown"
          ? impactMarkdown(report)
          : impactText(report);
    process.stdout.write(`${output}\n`);
    if (failOn === "any" && (report.changes.length > 0 || report.checks.length > 0)) return EXIT.problems;
    if (failOn === "breaking" && breaks(report)) return EXIT.problems;
    return EXIT.ok;
  },
};

function breaks(report: ImpactReport): boolean {
  return (
    report.changes.some((change) => change.category === "breaking") ||
    report.impacted.some((asset) => asset.impact === "breaking")
  );
}
