/**
 * Where layouts come from: a cache keyed by a hash of the layout's input, then the layout
 * worker; for a small graph with no picture to keep, if the worker is slow to answer (cold),
 * the fast layout on the UI thread first (a few ms), replaced by the worker's when it comes. Only the worker loads ELK (3.5 MB), and only
 * when a layout first needs it, so a panel reopened from its cache starts nothing. If the
 * worker cannot start (a host that refuses worker scripts), the fast layout runs here instead.
 */
import { fastLineageLayout } from "./fastLayout";
import { type LayoutRequest, parseLayoutReply } from "./layoutProtocol";
import type { LayoutInput, LayoutOptions, LayoutSeed, LineageLayout } from "./layoutTypes";

export type LayoutSource = "cache" | "worker" | "main-thread";

export interface LayoutResult {
  readonly layout: LineageLayout;
  readonly hash: string;
  readonly source: LayoutSource;
  /**
   * The layout this first picture stands in for (ELK's, from a worker that was cold), still
   * being computed; resolves to undefined if none comes (the worker failed).
   */
  readonly refined?: Promise<LayoutResult | undefined>;
}

/** Layouts kept in memory; each is a few hundred kB at 5,000 nodes. */
const CACHE_ENTRIES = 8;

/**
 * Up to this many nodes the worker lays out with ELK, which a cold worker takes a second to
 * start: a first picture may then be the fast layout, drawn on the UI thread in a few ms.
 * Above, the worker's layout is the fast one anyway. (LARGE_GRAPH_NODES in layout.ts, which
 * this file must not import: that would bundle ELK into the panel's script.)
 */
export const QUICK_LAYOUT_NODES = 300;

/** How long a first picture of a small graph waits for the worker before the fast layout is drawn instead. */
export const QUICK_WAIT_MS = 40;

const TIMED_OUT = Symbol("timed out");

function delay(ms: number): Promise<typeof TIMED_OUT> {
  return new Promise((resolve) => setTimeout(() => resolve(TIMED_OUT), ms));
}

function afterNextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

/** FNV-1a, twice with different offsets: 64 bits of spread, enough to tell layouts apart. */
export function layoutHash(input: LayoutInput, options: LayoutOptions): string {
  const text = JSON.stringify([
    input.nodes.map((node) => [node.key, node.lines]),
    input.edges.map((edge) => [edge.from, edge.to]),
    options,
  ]);
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x01000193) ^ (b >>> 13);
  }
  return `${(a >>> 0).toString(16).padStart(8, "0")}${(b >>> 0).toString(16).padStart(8, "0")}`;
}

interface Waiting {
  readonly resolve: (layout: LineageLayout | undefined) => void;
  readonly reject: (error: Error) => void;
}

export class LayoutClient {
  private readonly cache = new Map<string, LineageLayout>();
  private worker: Worker | undefined;
  /** Set once the worker failed: layouts stay on the UI thread from then on. */
  private fellBack = false;
  /** Whether the worker has answered once: before that it is still loading ELK, not worth waiting for. */
  private workerAnswered = false;
  private nextId = 1;
  private readonly pending = new Map<number, Waiting>();

  constructor(
    private readonly workerUrl: string | undefined,
    /** Told once why layouts run on the UI thread instead. */
    private readonly onFallback: (reason: string) => void,
  ) {
    if (!workerUrl) this.fellBack = true;
  }

  /** A layout previously computed for the same input, without computing anything. */
  cached(hash: string): LineageLayout | undefined {
    return this.cache.get(hash);
  }

  /** Adds a layout computed elsewhere (e.g. restored from the webview's saved state). */
  remember(hash: string, layout: LineageLayout): void {
    this.cache.delete(hash);
    this.cache.set(hash, layout);
    while (this.cache.size > CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
  }

  /**
   * Starts the worker (ELK warms up as it starts) ahead of need, e.g. once the first picture is
   * on screen; its answer to a two-node layout says when it is worth waiting for.
   */
  warmUp(options: LayoutOptions): void {
    if (this.workerAnswered || !this.startWorker()) return;
    const graph: LayoutInput = {
      nodes: [
        { key: "a", lines: ["a"] },
        { key: "b", lines: ["b"] },
      ],
      edges: [{ from: "a", to: "b" }],
    };
    this.inWorker(graph, options, undefined).catch(() => undefined);
  }

  async layout(input: LayoutInput, options: LayoutOptions, seed: LayoutSeed | undefined): Promise<LayoutResult> {
    const hash = layoutHash(input, options);
    const hit = this.cache.get(hash);
    if (hit) {
      this.remember(hash, hit);
      return { layout: hit, hash, source: "cache" };
    }
    if (seed === undefined && input.nodes.length <= QUICK_LAYOUT_NODES && !this.fellBack && this.workerUrl) {
      // A warm worker answers a small graph in a few tens of ms: then its layout is the first
      // picture. A cold one (a new panel: the worker loads ELK) would take a second, so the
      // fast layout is drawn meanwhile and the worker's replaces it once, when it comes.
      // A worker not started yet starts after the first picture is painted: loading ELK would
      // compete with painting it for the machine's cores.
      const inWorker = this.worker
        ? this.inWorker(input, options, undefined)
        : afterNextFrame().then(() => (this.startWorker() ? this.inWorker(input, options, undefined) : undefined));
      const answer = this.workerAnswered ? await Promise.race([inWorker, delay(QUICK_WAIT_MS)]) : TIMED_OUT;
      if (answer !== TIMED_OUT) {
        const layout = answer ?? fastLineageLayout(input, options);
        this.remember(hash, layout);
        return { layout, hash, source: answer ? "worker" : "main-thread" };
      }
      const quick = fastLineageLayout(input, options);
      this.remember(hash, quick);
      const refined = inWorker.then((layout) => {
        if (!layout) return undefined;
        this.remember(hash, layout);
        return { layout, hash, source: "worker" as const };
      });
      return { layout: quick, hash, source: "main-thread", refined };
    }
    const fromWorker = this.startWorker() ? await this.inWorker(input, options, seed) : undefined;
    const layout = fromWorker ?? fastLineageLayout(input, options, seed);
    this.remember(hash, layout);
    return { layout, hash, source: fromWorker ? "worker" : "main-thread" };
  }

  /** The worker's layout; undefined when the worker went away (the caller lays out here instead). */
  private inWorker(
    input: LayoutInput,
    options: LayoutOptions,
    seed: LayoutSeed | undefined,
  ): Promise<LineageLayout | undefined> {
    const request: LayoutRequest = { id: this.nextId++, input, options, seed: seed ? [...seed] : undefined };
    return new Promise((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject });
      this.worker!.postMessage(request);
    });
  }

  /** Whether a worker is there to ask (started now if it was not yet). */
  private startWorker(): boolean {
    if (this.worker) return true;
    if (this.fellBack || !this.workerUrl) return false;
    try {
      this.worker = new Worker(this.workerUrl);
    } catch (error) {
      this.fallBack(`the layout worker could not start (${error instanceof Error ? error.message : String(error)})`);
      return false;
    }
    this.worker.addEventListener("message", (event: MessageEvent<unknown>) => {
      const reply = parseLayoutReply(event.data);
      const waiting = reply && this.pending.get(reply.id);
      if (!reply || !waiting) return;
      this.workerAnswered = true;
      this.pending.delete(reply.id);
      if (reply.ok) waiting.resolve(reply.layout);
      else waiting.reject(new Error(reply.message));
    });
    this.worker.addEventListener("error", (event) => {
      event.preventDefault();
      this.fallBack(`the layout worker failed (${event.message || "it could not be loaded"})`);
    });
    return true;
  }

  /** Worker gone: refinements are dropped, and every other layout waiting on it is done here (by the caller). */
  private fallBack(reason: string): void {
    this.worker?.terminate();
    this.worker = undefined;
    this.fellBack = true;
    this.onFallback(reason);
    for (const [id, waiting] of this.pending) {
      this.pending.delete(id);
      waiting.resolve(undefined);
    }
  }
}
