/**
 * The drawing and its viewport, kept stable across updates: a graph with the same structure
 * is recoloured in place (no layout, nothing moves); a changed structure under the same scope
 * is laid out seeded with the positions on screen, and the view is shifted by how far the
 * unchanged nodes moved, so they stay where the user saw them. Only a new scope re-frames.
 */
import type { LineageGraph } from "../../protocol/lineage";
import { type LayoutOptions, type LayoutSeed, type LineageLayout, type NodeBox, type Point } from "./layoutTypes";
import type { LayoutClient, LayoutResult, LayoutSource } from "./layoutClient";
import { layoutHash } from "./layoutClient";
import { Minimap } from "./minimap";
import {
  type DrawnNodes,
  type NodeHandlers,
  type RenderView,
  bindNodes,
  layoutInput,
  markSelected,
  recolour,
  renderGraph,
} from "./render";
import { type Transform, Viewport, fitTransform } from "./viewport";

/**
 * Below this scale node text is unreadable: a focused asset is shown at READABLE_ZOOM instead
 * of fitting, and the text is not drawn at all (the `far` class): on a large graph seen whole,
 * laying out and painting thousands of unreadable labels was most of the time to paint it.
 */
export const UNREADABLE_ZOOM = 0.5;
const READABLE_ZOOM = 0.8;

export type DrawOutcome = "recoloured" | "redrawn" | LayoutSource | "stale";

/** What a first picture's refinement did: drawn in its place (undefined: none came), or a failure to report. */
export type Refinement = { readonly drawn: LayoutSource | undefined } | { readonly failed: Error };

export interface DrawRequest {
  readonly graph: LineageGraph;
  readonly view: RenderView;
  readonly options: LayoutOptions;
  /** Same scope as the picture on screen: keep the viewport and the positions. */
  readonly keep: boolean;
}

export class Picture {
  readonly viewport: Viewport;
  private readonly minimap: Minimap;
  private layout: LineageLayout | undefined;
  private hash: string | undefined;
  private highlight: string | undefined;
  private drawn: DrawnNodes = new Map();
  private generation = 0;
  /** What is on screen, to redraw it with a refined layout. */
  private shown: { graph: LineageGraph; view: RenderView; options: LayoutOptions } | undefined;
  /** Whether a refined layout for the picture on screen is still to come. */
  private refining = false;

  constructor(
    private readonly svg: SVGSVGElement,
    private readonly layer: SVGGElement,
    minimapSvg: SVGSVGElement,
    private readonly layouts: LayoutClient,
    handlers: NodeHandlers,
    /** After every viewport change (to save it with the webview's state). */
    onViewportChange: (t: Transform) => void,
    /** After a first picture's refined layout replaced it (or failed). */
    private readonly onRefined: (refinement: Refinement) => void,
  ) {
    bindNodes(layer, handlers);
    this.minimap = new Minimap(minimapSvg, (x, y) => this.viewport.centreOn({ x, y, width: 0, height: 0 }));
    this.viewport = new Viewport(svg, layer, (t) => {
      svg.classList.toggle("far", t.k < UNREADABLE_ZOOM);
      this.minimap.update(t, this.viewport.size());
      onViewportChange(t);
    });
    new ResizeObserver(() => this.minimap.update(this.viewport.transform, this.viewport.size())).observe(svg);
  }

  get currentHash(): string | undefined {
    return this.hash;
  }

  get currentLayout(): LineageLayout | undefined {
    return this.layout;
  }

  /** Whether the picture on screen is a first one whose refined layout is still to come. */
  get isRefining(): boolean {
    return this.refining;
  }

  /** Draws the graph; resolves to how (or "stale" when a newer draw overtook it). */
  async draw(request: DrawRequest, initial?: Transform): Promise<DrawOutcome> {
    const current = ++this.generation;
    const { graph, view, options, keep } = request;
    const input = layoutInput(graph);
    const hash = layoutHash(input, options);
    const highlight = JSON.stringify([
      view.highlight,
      view.focus,
      [...view.groups],
      [...(view.impact?.values() ?? [])],
    ]);
    if (keep && hash === this.hash && this.layout) {
      if (highlight === this.highlight) {
        this.shown = { graph, view, options };
        recolour(this.drawn, graph, options, view);
        return "recoloured";
      }
      this.render(graph, this.layout, options, view, highlight);
      return "redrawn";
    }
    const previous = keep ? this.layout : undefined;
    const seed: LayoutSeed | undefined = previous
      ? new Map(previous.nodes.map((box) => [box.key, { x: box.x, y: box.y }]))
      : undefined;
    const result = await this.layouts.layout(input, options, seed);
    if (current !== this.generation) return "stale";
    this.hash = result.hash;
    this.render(graph, result.layout, options, view, highlight);
    if (initial) this.viewport.set(initial);
    else if (previous) this.keepInPlace(previous, result.layout);
    else this.frame(view.focus);
    this.refining = result.refined !== undefined;
    if (result.refined) void this.refine(result.layout, result.refined);
    return result.source;
  }

  /** Swaps the worker's layout in for `first` if that is still on screen, the focused node kept in place. */
  private async refine(first: LineageLayout, refined: Promise<LayoutResult | undefined>): Promise<void> {
    let result: LayoutResult | undefined;
    try {
      result = await refined;
    } catch (error) {
      if (this.layout !== first) return;
      this.refining = false;
      this.onRefined({ failed: error instanceof Error ? error : new Error(String(error)) });
      return;
    }
    if (this.layout !== first || !this.shown) return;
    this.refining = false;
    if (!result) {
      this.onRefined({ drawn: undefined });
      return;
    }
    this.hash = result.hash;
    const { graph, view, options } = this.shown;
    this.render(graph, result.layout, options, view, this.highlight ?? "");
    this.keepInPlace(first, result.layout, view.focus);
    this.onRefined({ drawn: result.source });
  }

  /** Drops the picture (e.g. the server stopped); the next draw frames afresh. */
  clear(): void {
    this.generation++;
    this.layout = undefined;
    this.hash = undefined;
    this.drawn = new Map();
    this.shown = undefined;
    this.refining = false;
    this.layer.replaceChildren();
    this.minimap.show(undefined);
  }

  fit(): void {
    if (this.layout) this.viewport.fit({ x: 0, y: 0, width: this.layout.width, height: this.layout.height });
  }

  boxOf(key: string): NodeBox | undefined {
    return this.layout?.nodes.find((box) => box.key === key);
  }

  select(key: string | undefined): void {
    markSelected(this.drawn, key);
  }

  /** Pans the least that brings the node wholly into view (e.g. when the details panel narrowed it). */
  reveal(key: string): void {
    const g = this.drawn.get(key);
    if (!g) return;
    const node = g.getBoundingClientRect();
    const view = this.svg.getBoundingClientRect();
    const margin = 8;
    const dx =
      node.right > view.right - margin
        ? view.right - margin - node.right
        : node.left < view.left + margin
          ? view.left + margin - node.left
          : 0;
    const dy =
      node.bottom > view.bottom - margin
        ? view.bottom - margin - node.bottom
        : node.top < view.top + margin
          ? view.top + margin - node.top
          : 0;
    if (dx !== 0 || dy !== 0) this.viewport.panBy(dx, dy);
  }

  elementOf(key: string): SVGGElement | undefined {
    return this.drawn.get(key);
  }

  private render(
    graph: LineageGraph,
    layout: LineageLayout,
    options: LayoutOptions,
    view: RenderView,
    highlight: string,
  ): void {
    this.layout = layout;
    this.highlight = highlight;
    this.shown = { graph, view, options };
    const selected = [...this.drawn].find(([, g]) => g.classList.contains("selected"))?.[0];
    const focused = [...this.drawn].find(([, g]) => g === document.activeElement)?.[0];
    this.drawn = renderGraph(this.layer, graph, layout, options, view);
    markSelected(this.drawn, selected);
    if (focused !== undefined) this.drawn.get(focused)?.focus({ preventScroll: true });
    this.minimap.show(layout);
    this.minimap.update(this.viewport.transform, this.viewport.size());
  }

  /** Whole graph in view; but a focused asset in a big picture is shown readable, centred. */
  private frame(focus: string | undefined): void {
    const layout = this.layout!;
    const fitted = fitTransform({ x: 0, y: 0, width: layout.width, height: layout.height }, this.viewport.size());
    const box = focus === undefined ? undefined : this.boxOf(focus);
    if (box && fitted.k < UNREADABLE_ZOOM) this.viewport.centreOn(box, READABLE_ZOOM);
    else this.viewport.set(fitted);
  }

  /**
   * Shifts the view by the median move of the nodes both layouts have (or by the move of
   * `anchor`, when both have it): they stay put on screen.
   */
  private keepInPlace(before: LineageLayout, after: LineageLayout, anchor?: string): void {
    const old = new Map(before.nodes.map((box) => [box.key, box]));
    const moves: Point[] = after.nodes.flatMap((box) => {
      const was = old.get(box.key);
      if (anchor !== undefined && box.key !== anchor && old.has(anchor)) return [];
      return was ? [{ x: box.x - was.x, y: box.y - was.y }] : [];
    });
    const t = this.viewport.transform;
    if (moves.length === 0) {
      this.viewport.set(t);
      return;
    }
    const dx = median(moves.map((move) => move.x));
    const dy = median(moves.map((move) => move.y));
    this.viewport.set({ x: t.x - dx * t.k, y: t.y - dy * t.k, k: t.k });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
