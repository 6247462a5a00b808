/**
 * The impact overlay on the lineage picture: changed and impacted nodes take the tone the host
 * sent (breaking: error colour, data: warning colour, changed: modified colour), the user's own
 * changes get a heavier outline, and every other node and edge is dimmed, so the changed
 * subgraph stands out in place without a new layout. Pure class names; render applies them.
 */
import type { ImpactHighlight } from "../../protocol/impactHighlight";

/** The overlay by key; undefined when the panel shows no impact. */
export type ImpactOverlay = ReadonlyMap<string, ImpactHighlight>;

/** An overlay for the highlights sent; none for none, so an empty report dims nothing. */
export function impactOverlay(highlights: readonly ImpactHighlight[] | undefined): ImpactOverlay | undefined {
  if (!highlights || highlights.length === 0) return undefined;
  return new Map(highlights.map((highlight) => [highlight.key, highlight]));
}

/** Classes of a node under the overlay: its tone and whether it was edited, else dimmed. */
export function impactNodeClasses(key: string, overlay: ImpactOverlay | undefined): string[] {
  if (!overlay) return [];
  const highlight = overlay.get(key);
  if (!highlight) return ["impact-dimmed"];
  return highlight.changed ? [`impact-${highlight.tone}`, "impact-edited"] : [`impact-${highlight.tone}`];
}

/** " · impact: N breaking, M to rebuild" for the summary line; "" without an overlay. */
export function impactSummary(highlights: readonly ImpactHighlight[]): string {
  if (highlights.length === 0) return "";
  const changed = highlights.filter((highlight) => highlight.changed).length;
  const breaking = highlights.filter((highlight) => !highlight.changed && highlight.tone === "breaking").length;
  const data = highlights.filter((highlight) => !highlight.changed && highlight.tone === "data").length;
  return ` · impact: ${changed} changed, ${breaking} breaking, ${data} to rebuild`;
}

/** An edge is part of the impact when both its ends are: the change flows along it. */
export function impactEdgeClasses(from: string, to: string, overlay: ImpactOverlay | undefined): string[] {
  if (!overlay) return [];
  return overlay.has(from) && overlay.has(to) ? [`impact-${overlay.get(to)!.tone}`] : ["impact-dimmed"];
}
