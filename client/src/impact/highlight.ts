/**
 * How the lineage panel shows the impact: which keys it adds to whatever scope is shown (the
 * changed ones, so no scope hides a change), and where it centres. The overlay's tones come
 * from the server for the keys the panel draws. Pure, no vscode import.
 */
import type { ImpactSummary } from "../../../protocol/impact";

/** The changed keys, a rename's old key included (a placeholder on the graph while something still names it). */
export function changedKeys(summary: ImpactSummary): string[] {
  const keys = new Set<string>();
  for (const change of summary.changes) {
    keys.add(change.key);
    if (change.previousKey !== undefined) keys.add(change.previousKey);
  }
  return [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The lineage selection that shows `selection` plus every key of `keys` the graph has, so no
 * scope the user picks hides a change. Keys the graph lacks (a removed asset) are left out: a
 * term that selects nothing fails the whole selection. "" (everything) stays "".
 */
export function withImpactKeys(selection: string, keys: readonly string[], known: ReadonlySet<string>): string {
  if (selection === "" || keys.length === 0) return selection;
  const extra = keys.filter((key) => known.has(key));
  return [selection, ...extra].join(" ");
}

/** The key the panel centres on: the first breaking change, else the first change. */
export function impactFocus(summary: ImpactSummary): string | undefined {
  return (summary.changes.find((change) => change.category === "breaking") ?? summary.changes[0])?.key;
}
