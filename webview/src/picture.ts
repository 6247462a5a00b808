/**
 * The drawing and its viewport, kept stable across updates: a graph with the same structure
 * is recoloured in place (no layout, nothing moves); a changed structure under the same scope
 * is laid out seeded with the positions on screen, and the view is shifted by how far the
 * unchanged nodes moved, so they stay where the user saw them. Only a new scope re-frames.
 */
import type { LineageGraph } from "../../protocol/lineage";
import { type LayoutOptions, type LayoutSeed, type LineageLayout, type NodeBox, type Point } from "./layout";
import type { LayoutClient, LayoutSource } from "./layoutClient";
import { layoutHash } from "./layoutClient";
import { Minimap } from "./minimap";
import {
  type DrawnNodes,
  type NodeHandlers,
  type RenderView,
  layoutInput,
  markSelected,
  recolour,
  renderGraph,
} from "./render";
import { type Transform, Viewport, fitTransform } from "./viewport";

/** Below this scale node text is unreadable: a focused asset is shown at READABLE_ZOOM instead of fitting. */
const UNREADABLE_ZOOM = 0.5;
const READABLE_ZOOM = 0.8;

export type DrawOutcome = "recoloured" | "redrawn" | LayoutSource | "stale";

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

  constructor(
    private readonly svg: SVGSVGElement,
    private readonly layer: SVGGElement,
    minimapSvg: SVGSVGElement,
    private readonly layouts: LayoutClient,
    private readonly handlers: NodeHandlers,
    /** After every viewport change (to save it with the webview's state). */
    onViewportChange: (t: Transform) => void,
  ) {
    this.minimap = new Minimap(minimapSvg, (x, y) => this.viewport.centreOn({ x, y, width: 0, height: 0 }));
    this.viewport = new Viewport(svg, layer, (t) => {
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
    return result.source;
  }

  /** Drops the picture (e.g. the server stopped); the next draw frames afresh. */
  clear(): void {
    this.generation++;
    this.layout = undefined;
    this.hash = undefined;
    this.drawn = new Map();
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
    const selected = [...this.drawn].find(([, g]) => g.classList.contains("selected"))?.[0];
    this.drawn = renderGraph(this.layer, graph, layout, options, view, this.handlers);
    markSelected(this.drawn, selected);
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

  /** Shifts the view by the median move of the nodes both layouts have: they stay put on screen. */
  private keepInPlace(before: LineageLayout, after: LineageLayout): void {
    const old = new Map(before.nodes.map((box) => [box.key, box]));
    const moves: Point[] = after.nodes.flatMap((box) => {
      const was = old.get(box.key);
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
