/**
 * Where layouts come from: a cache keyed by a hash of the layout's input, then the layout
 * worker, then (only if the worker cannot start, e.g. a host that refuses worker scripts)
 * the same function on the UI thread. The caller never knows which, except through `source`.
 */
import { type LayoutInput, type LayoutOptions, type LayoutSeed, type LineageLayout, layoutLineage } from "./layout";
import { type LayoutRequest, parseLayoutReply } from "./layoutProtocol";

export type LayoutSource = "cache" | "worker" | "main-thread";

export interface LayoutResult {
  readonly layout: LineageLayout;
  readonly hash: string;
  readonly source: LayoutSource;
}

/** Layouts kept in memory; each is a few hundred kB at 5,000 nodes. */
const CACHE_ENTRIES = 8;

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

export class LayoutClient {
  private readonly cache = new Map<string, LineageLayout>();
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (layout: LineageLayout) => void; reject: (error: Error) => void; request: LayoutRequest }
  >();

  constructor(
    workerUrl: string | undefined,
    /** Told once why layouts run on the UI thread instead. */
    private readonly onFallback: (reason: string) => void,
  ) {
    if (!workerUrl) return;
    try {
      this.worker = new Worker(workerUrl);
    } catch (error) {
      this.fallBack(`the layout worker could not start (${error instanceof Error ? error.message : String(error)})`);
      return;
    }
    this.worker.addEventListener("message", (event: MessageEvent<unknown>) => {
      const reply = parseLayoutReply(event.data);
      const waiting = reply && this.pending.get(reply.id);
      if (!reply || !waiting) return;
      this.pending.delete(reply.id);
      if (reply.ok) waiting.resolve(reply.layout);
      else waiting.reject(new Error(reply.message));
    });
    this.worker.addEventListener("error", (event) => {
      event.preventDefault();
      this.fallBack(`the layout worker failed (${event.message || "it could not be loaded"})`);
    });
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

  async layout(input: LayoutInput, options: LayoutOptions, seed: LayoutSeed | undefined): Promise<LayoutResult> {
    const hash = layoutHash(input, options);
    const hit = this.cache.get(hash);
    if (hit) {
      this.remember(hash, hit);
      return { layout: hit, hash, source: "cache" };
    }
    const request: LayoutRequest = { id: this.nextId++, input, options, seed: seed ? [...seed] : undefined };
    let layout: LineageLayout;
    let source: LayoutSource;
    if (this.worker) {
      source = "worker";
      layout = await new Promise<LineageLayout>((resolve, reject) => {
        this.pending.set(request.id, { resolve, reject, request });
        this.worker!.postMessage(request);
      });
    } else {
      source = "main-thread";
      layout = await layoutLineage(input, options, seed);
    }
    this.remember(hash, layout);
    return { layout, hash, source };
  }

  /** Worker gone: everything waiting on it is laid out here instead. */
  private fallBack(reason: string): void {
    this.worker?.terminate();
    this.worker = undefined;
    this.onFallback(reason);
    for (const [id, waiting] of this.pending) {
      this.pending.delete(id);
      const { input, options, seed } = waiting.request;
      layoutLineage(input, options, seed ? new Map(seed) : undefined).then(waiting.resolve, waiting.reject);
    }
  }
}
