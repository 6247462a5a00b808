/**
 * The layout worker: runs the same pure `layoutLineage` off the panel's UI thread, so a
 * 2,000-node layout never freezes zooming, panning or typing in the selection box.
 * Loaded from the extension's own files (dist/webview/layout-worker.js).
 */
import { layoutLineage } from "./layout";
import type { LayoutReply, LayoutRequest } from "./layoutProtocol";

interface WorkerScope {
  onmessage: unknown;
  addEventListener(type: "message", listener: (event: MessageEvent<unknown>) => void): void;
  postMessage(message: LayoutReply): void;
}

const scope = self as unknown as WorkerScope;
// elkjs, loaded in a worker, installs itself as the worker's message handler (for its own
// worker mode); this worker speaks its own protocol, so that handler must go.
scope.onmessage = null;

scope.addEventListener("message", (event) => {
  const request = event.data as LayoutRequest;
  if (typeof request !== "object" || request === null || typeof request.id !== "number") return;
  const started = performance.now();
  const seed = request.seed ? new Map(request.seed.map(([key, point]) => [key, point])) : undefined;
  layoutLineage(request.input, request.options, seed).then(
    (layout) => scope.postMessage({ id: request.id, ok: true, layout, millis: performance.now() - started }),
    (error: unknown) =>
      scope.postMessage({ id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) }),
  );
});

// ELK's first layout pays for its own start (the compiled module's setup, cold code): paid here,
// while the host is still asking the server for the graph, not after the graph arrives.
void layoutLineage({
  nodes: [
    { key: "a", lines: ["a"] },
    { key: "b", lines: ["b"] },
  ],
  edges: [{ from: "a", to: "b" }],
}).catch(() => undefined);
