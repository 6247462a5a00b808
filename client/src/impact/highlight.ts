/**
 * What the lineage panel emphasises for an impact report: every changed and impacted key with
 * a tone (the panel colours `breaking` in the error colour, `data` in the warning colour,
 * `changed` in the modified colour) and whether the user changed it; every other node is
 * dimmed. Pure, no vscode import.
 */
import type { ImpactCategory, ImpactReport } from "../../../protocol/impact";
import type { ImpactHighlight, ImpactTone } from "../../../protocol/impactHighlight";

/**
 * A non-breaking change rewrites its own table (rebuild it, as for `data`); an `unknown` one
 * could not be judged, which is a warning, never a pass; a metadata-only change moves no data.
 */
const CHANGE_TONE: Record<ImpactCategory, ImpactTone> = {
  breaking: "breaking",
  unknown: "data",
  "non-breaking": "data",
  metadata: "changed",
};

const TONE_RANK: Record<ImpactTone, number> = { breaking: 0, data: 1, changed: 2 };

/** One highlight per key, sorted by key; a key reached twice keeps its strongest tone. */
export function impactHighlights(report: ImpactReport): ImpactHighlight[] {
  const byKey = new Map<string, ImpactHighlight>();
  const add = (key: string, tone: ImpactTone, changed: boolean): void => {
    const known = byKey.get(key);
    if (!known) {
      byKey.set(key, { key, tone, changed });
      return;
    }
    const stronger = TONE_RANK[tone] < TONE_RANK[known.tone] ? tone : known.tone;
    byKey.set(key, { key, tone: stronger, changed: changed || known.changed });
  };
  for (const change of report.changes) {
    add(change.key, CHANGE_TONE[change.category], true);
    // The old key of a rename is still on the graph as a placeholder when something depends on it.
    if (change.previousKey !== undefined) add(change.previousKey, CHANGE_TONE[change.category], true);
  }
  for (const asset of report.impacted) add(asset.key, asset.impact, false);
  return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * The lineage selection that shows `selection` plus every highlighted key the graph has, so no
 * scope the user picks hides what a change touches. Keys the graph lacks (a removed asset) are
 * left out: a term that selects nothing fails the whole selection. "" (everything) stays "".
 */
export function withImpactKeys(
  selection: string,
  highlights: readonly ImpactHighlight[],
  known: ReadonlySet<string>,
): string {
  if (selection === "" || highlights.length === 0) return selection;
  const extra = highlights.map((highlight) => highlight.key).filter((key) => known.has(key));
  return [selection, ...extra].join(" ");
}

/** The key the panel centres on: the first breaking change, else the first change. */
export function impactFocus(report: ImpactReport): string | undefined {
  return (report.changes.find((change) => change.category === "breaking") ?? report.changes[0])?.key;
}
