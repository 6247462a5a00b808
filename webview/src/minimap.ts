/**
 * The overview in the panel's corner for graphs larger than the view: every node as a dot-sized
 * box, the visible part as a frame. Clicking or dragging in it moves the view there. One path
 * for all nodes, so a 5,000-node overview costs one element, not 5,000.
 */
import type { LineageLayout } from "./layoutTypes";
import { element } from "./render";
import { type Size, type Transform, visibleRect } from "./viewport";

/** Drawn only when the graph has at least this many nodes: a few fit the view anyway. */
export const MINIMAP_MIN_NODES = 12;
const WIDTH = 180;
const HEIGHT = 120;

export class Minimap {
  private layout: LineageLayout | undefined;
  private readonly frame: SVGRectElement;
  private readonly nodes: SVGPathElement;
  private dragging = false;

  constructor(
    private readonly svg: SVGSVGElement,
    /** Centres the main view on a point of the drawing. */
    private readonly moveTo: (x: number, y: number) => void,
  ) {
    svg.setAttribute("width", String(WIDTH));
    svg.setAttribute("height", String(HEIGHT));
    this.nodes = element("path", { class: "minimap-nodes" });
    this.frame = element("rect", { class: "minimap-frame" });
    svg.append(this.nodes, this.frame);
    svg.addEventListener("pointerdown", (event) => {
      this.dragging = true;
      svg.setPointerCapture(event.pointerId);
      this.jump(event);
      event.stopPropagation();
    });
    svg.addEventListener("pointermove", (event) => {
      if (this.dragging) this.jump(event);
    });
    svg.addEventListener("pointerup", () => (this.dragging = false));
    svg.addEventListener("pointercancel", () => (this.dragging = false));
  }

  show(layout: LineageLayout | undefined): void {
    this.layout = layout;
    const visible = layout !== undefined && layout.nodes.length >= MINIMAP_MIN_NODES;
    this.svg.classList.toggle("hidden", !visible);
    if (!visible) return;
    this.svg.setAttribute("viewBox", `0 0 ${Math.max(1, layout.width)} ${Math.max(1, layout.height)}`);
    this.nodes.setAttribute(
      "d",
      layout.nodes
        .map(
          (box) =>
            `M${Math.round(box.x)},${Math.round(box.y)}h${Math.round(box.width)}v${Math.round(box.height)}h${-Math.round(box.width)}z`,
        )
        .join(""),
    );
  }

  /** Moves the frame to what the main view shows. */
  update(t: Transform, view: Size): void {
    if (!this.layout) return;
    const rect = visibleRect(t, view);
    this.frame.setAttribute("x", String(rect.x));
    this.frame.setAttribute("y", String(rect.y));
    this.frame.setAttribute("width", String(Math.max(0, rect.width)));
    this.frame.setAttribute("height", String(Math.max(0, rect.height)));
  }

  private jump(event: PointerEvent): void {
    const matrix = this.svg.getScreenCTM();
    if (!matrix) return;
    const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
    this.moveTo(point.x, point.y);
  }
}
