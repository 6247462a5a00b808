/**
 * Zoom and pan of the drawing: a transform (translate, then scale) applied to one SVG group.
 * The math is pure and exported for tests; `Viewport` binds it to the wheel, pinch (which
 * browsers report as a wheel event with ctrlKey), pointer drags and the keyboard.
 */

export interface Transform {
  readonly x: number;
  readonly y: number;
  /** Scale: 1 is the layout's own size. */
  readonly k: number;
}

export interface Size {
  readonly width: number;
  readonly height: number;
}

export interface Rect extends Size {
  readonly x: number;
  readonly y: number;
}

export const MIN_ZOOM = 0.02;
export const MAX_ZOOM = 4;
/** One press of + or −, one click of the toolbar's zoom buttons. */
export const ZOOM_STEP = 1.25;
/** One press of an arrow key, in screen px. */
export const PAN_STEP = 60;
export const IDENTITY: Transform = { x: 0, y: 0, k: 1 };

/** Zooms by `factor` around the screen point (px, py), which stays where it is. */
export function zoomAt(t: Transform, factor: number, px: number, py: number): Transform {
  const k = clamp(t.k * factor, MIN_ZOOM, MAX_ZOOM);
  const ratio = k / t.k;
  return { x: px - (px - t.x) * ratio, y: py - (py - t.y) * ratio, k };
}

/** The transform that shows all of `bounds` inside `view`, centred, never enlarged past 1:1. */
export function fitTransform(bounds: Rect, view: Size, margin = 16): Transform {
  const width = Math.max(1, view.width - 2 * margin);
  const height = Math.max(1, view.height - 2 * margin);
  const k = clamp(
    Math.min(width / Math.max(1, bounds.width), height / Math.max(1, bounds.height), 1),
    MIN_ZOOM,
    MAX_ZOOM,
  );
  return centreTransform(bounds, view, k);
}

/** The transform at scale k that puts the centre of `rect` in the centre of `view`. */
export function centreTransform(rect: Rect, view: Size, k: number): Transform {
  return { x: view.width / 2 - (rect.x + rect.width / 2) * k, y: view.height / 2 - (rect.y + rect.height / 2) * k, k };
}

/** The part of the drawing (layout coordinates) that the view shows. */
export function visibleRect(t: Transform, view: Size): Rect {
  return { x: -t.x / t.k, y: -t.y / t.k, width: view.width / t.k, height: view.height / t.k };
}

export function transformAttribute(t: Transform): string {
  return `translate(${round(t.x)},${round(t.y)}) scale(${t.k.toFixed(4)})`;
}

/** Wheel delta in px, whatever unit the device reported (lines, pages). */
export function wheelPixels(event: Pick<WheelEvent, "deltaY" | "deltaMode">, pageHeight: number): number {
  return event.deltaMode === 1 ? event.deltaY * 16 : event.deltaMode === 2 ? event.deltaY * pageHeight : event.deltaY;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

function round(value: number): string {
  return (Math.round(value * 100) / 100).toString();
}

/** Binds the transform of `layer` to user input on `svg`; calls `onChange` after every change. */
export class Viewport {
  private current: Transform = IDENTITY;
  /**
   * The view's size, kept by a ResizeObserver: measuring it on demand, right after a picture
   * was rendered, would force the browser to lay out the whole new drawing before its time.
   */
  private measured: Size;
  private drag: { pointer: number; startX: number; startY: number; from: Transform; moved: boolean } | undefined;
  /** Set while a drag that moved is ending: the click that follows it is not a click on a node. */
  private swallowClick = false;

  constructor(
    private readonly svg: SVGSVGElement,
    private readonly layer: SVGGElement,
    private readonly onChange: (t: Transform) => void,
  ) {
    svg.addEventListener("wheel", (event) => this.wheel(event), { passive: false });
    svg.addEventListener("pointerdown", (event) => this.pointerDown(event));
    svg.addEventListener("pointermove", (event) => this.pointerMove(event));
    svg.addEventListener("pointerup", (event) => this.pointerUp(event));
    svg.addEventListener("pointercancel", (event) => this.pointerUp(event));
    svg.addEventListener(
      "click",
      (event) => {
        if (this.swallowClick) {
          event.stopPropagation();
          this.swallowClick = false;
        }
      },
      true,
    );
    svg.addEventListener("keydown", (event) => this.key(event));
    this.measured = this.measure();
    new ResizeObserver(() => (this.measured = this.measure())).observe(svg);
  }

  get transform(): Transform {
    return this.current;
  }

  size(): Size {
    return this.measured;
  }

  private measure(): Size {
    const box = this.svg.getBoundingClientRect();
    return { width: box.width, height: box.height };
  }

  set(t: Transform): void {
    this.current = t;
    this.layer.setAttribute("transform", transformAttribute(t));
    this.onChange(t);
  }

  zoomBy(factor: number): void {
    const { width, height } = this.size();
    this.set(zoomAt(this.current, factor, width / 2, height / 2));
  }

  panBy(dx: number, dy: number): void {
    this.set({ ...this.current, x: this.current.x + dx, y: this.current.y + dy });
  }

  fit(bounds: Rect): void {
    this.set(fitTransform(bounds, this.size()));
  }

  centreOn(rect: Rect, k = this.current.k): void {
    this.set(centreTransform(rect, this.size(), k));
  }

  private wheel(event: WheelEvent): void {
    event.preventDefault();
    const box = this.svg.getBoundingClientRect();
    const pixels = wheelPixels(event, box.height);
    // A pinch arrives as ctrl+wheel with small deltas: zoom faster so it tracks the fingers.
    const factor = Math.exp(-pixels * (event.ctrlKey ? 0.01 : 0.002));
    this.set(zoomAt(this.current, factor, event.clientX - box.left, event.clientY - box.top));
  }

  private pointerDown(event: PointerEvent): void {
    if (event.button !== 0) return;
    this.drag = {
      pointer: event.pointerId,
      startX: event.clientX,
      startY: event.clientY,
      from: this.current,
      moved: false,
    };
  }

  private pointerMove(event: PointerEvent): void {
    const drag = this.drag;
    if (!drag || drag.pointer !== event.pointerId) return;
    const dx = event.clientX - drag.startX;
    const dy = event.clientY - drag.startY;
    if (!drag.moved && Math.hypot(dx, dy) < 4) return;
    if (!drag.moved) {
      drag.moved = true;
      this.svg.setPointerCapture(event.pointerId);
      this.svg.classList.add("panning");
    }
    this.set({ ...drag.from, x: drag.from.x + dx, y: drag.from.y + dy });
  }

  private pointerUp(event: PointerEvent): void {
    const drag = this.drag;
    if (!drag || drag.pointer !== event.pointerId) return;
    this.drag = undefined;
    if (drag.moved) {
      this.swallowClick = true;
      this.svg.classList.remove("panning");
      if (this.svg.hasPointerCapture(event.pointerId)) this.svg.releasePointerCapture(event.pointerId);
      // A click event follows only if the pointer went up over the same element; clear it anyway.
      setTimeout(() => (this.swallowClick = false), 0);
    }
  }

  private key(event: KeyboardEvent): void {
    if (event.altKey || event.metaKey || event.ctrlKey) return;
    const pans: Record<string, [number, number]> = {
      ArrowLeft: [PAN_STEP, 0],
      ArrowRight: [-PAN_STEP, 0],
      ArrowUp: [0, PAN_STEP],
      ArrowDown: [0, -PAN_STEP],
    };
    const pan = pans[event.key];
    if (pan) this.panBy(pan[0], pan[1]);
    else if (event.key === "+" || event.key === "=") this.zoomBy(ZOOM_STEP);
    else if (event.key === "-" || event.key === "_") this.zoomBy(1 / ZOOM_STEP);
    else return;
    event.preventDefault();
  }
}
