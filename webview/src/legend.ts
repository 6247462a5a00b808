/**
 * The colour key under the toolbar. The words are the CLI's state names (`assetline status`
 * prints the same), so users never have to translate between the two.
 */
import type { AssetState } from "../../protocol/status";

/** In the order users scan for trouble: worst first. */
const LEGEND: readonly { readonly className: string; readonly word: string; readonly meaning: string }[] = [
  { className: "state-failed", word: "failed", meaning: "the last build failed" },
  { className: "state-never-materialized", word: "never-materialized", meaning: "never built" },
  { className: "state-code-changed", word: "code-changed", meaning: "its code changed since the last build" },
  { className: "state-upstream-changed", word: "upstream-changed", meaning: "an upstream asset was rebuilt since" },
  { className: "state-overdue", word: "overdue", meaning: "older than its freshness policy allows" },
  { className: "state-fresh", word: "fresh", meaning: "up to date" },
  { className: "state-placeholder", word: "not defined", meaning: "named as a dependency, defined nowhere (AL002)" },
] satisfies readonly { className: `state-${AssetState}` | "state-placeholder"; word: string; meaning: string }[];

/** Fills the legend list; static text, built with DOM APIs like everything else. */
export function renderLegend(list: HTMLElement): void {
  list.replaceChildren(
    ...LEGEND.map((entry) => {
      const item = document.createElement("li");
      item.className = entry.className;
      item.title = entry.meaning;
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      const word = document.createElement("span");
      word.textContent = entry.word;
      item.append(swatch, word);
      return item;
    }),
  );
}
