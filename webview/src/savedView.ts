/**
 * The webview's saved state (VS Code keeps it while the panel is hidden and restores it when
 * the page reloads): the last picture's layout and viewport, so reopening needs no layout.
 * It comes back from outside the script, so it is checked like any message.
 */
import type { LineageLayout } from "./layoutTypes";
import type { Transform } from "./viewport";

export interface SavedView {
  /** The scope's selection text the picture was drawn for. */
  readonly scope: string;
  readonly hash: string;
  readonly layout: LineageLayout;
  readonly transform: Transform;
}

/** Layouts above this many nodes are not saved: the state is serialised on every save. */
const MAX_SAVED_NODES = 5000;
let timer: ReturnType<typeof setTimeout> | undefined;

export function saveView(api: { setState(state: unknown): void }, view: SavedView): void {
  if (view.layout.nodes.length > MAX_SAVED_NODES) return;
  // Pans and zooms come at 60 per second; the state needs one write after they stop.
  if (timer !== undefined) clearTimeout(timer);
  timer = setTimeout(() => api.setState(view), 250);
}

export function loadSavedView(raw: unknown): SavedView | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const view = raw as Partial<SavedView>;
  const t = view.transform;
  const layout = view.layout;
  if (typeof view.scope !== "string" || typeof view.hash !== "string" || !t || !layout) return undefined;
  if (![t.x, t.y, t.k].every((value) => typeof value === "number" && Number.isFinite(value)) || t.k <= 0)
    return undefined;
  if (
    !Array.isArray(layout.nodes) ||
    !Array.isArray(layout.edges) ||
    typeof layout.width !== "number" ||
    typeof layout.height !== "number"
  )
    return undefined;
  const boxes = layout.nodes.every(
    (box) => typeof box?.key === "string" && [box.x, box.y, box.width, box.height].every((n) => typeof n === "number"),
  );
  const routes = layout.edges.every(
    (edge) => typeof edge?.from === "string" && typeof edge.to === "string" && Array.isArray(edge.points),
  );
  return boxes && routes
    ? { scope: view.scope, hash: view.hash, layout, transform: { x: t.x, y: t.y, k: t.k } }
    : undefined;
}
