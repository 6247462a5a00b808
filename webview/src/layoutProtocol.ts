/**
 * Messages between the panel and its layout worker (webview-internal: the host never sees
 * them). The worker is the panel's own file, but its replies are still checked for shape.
 */
import type { LayoutInput, LayoutOptions, LineageLayout, Point } from "./layoutTypes";

export interface LayoutRequest {
  readonly id: number;
  readonly input: LayoutInput;
  readonly options: LayoutOptions;
  /** Positions to keep, as [key, point] pairs (a Map does not survive every clone). */
  readonly seed: readonly (readonly [string, Point])[] | undefined;
}

export type LayoutReply =
  | { readonly id: number; readonly ok: true; readonly layout: LineageLayout; readonly millis: number }
  | { readonly id: number; readonly ok: false; readonly message: string };

export function parseLayoutReply(raw: unknown): LayoutReply | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const reply = raw as Record<string, unknown>;
  if (typeof reply.id !== "number") return undefined;
  if (
    reply.ok === true &&
    typeof reply.layout === "object" &&
    reply.layout !== null &&
    typeof reply.millis === "number"
  ) {
    const layout = reply.layout as LineageLayout;
    if (!Array.isArray(layout.nodes) || !Array.isArray(layout.edges) || typeof layout.width !== "number")
      return undefined;
    return { id: reply.id, ok: true, layout, millis: reply.millis };
  }
  if (reply.ok === false && typeof reply.message === "string")
    return { id: reply.id, ok: false, message: reply.message };
  return undefined;
}
