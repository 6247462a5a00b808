/**
 * Routes the user code's `process.stdout`/`process.stderr` writes (console.* included)
 * into the current task's log sink, over the same IPC channel as the task's result so
 * that every line is attributed to the right step and arrives before the step ends.
 * Writes straight to file descriptors 1/2 (native code, inherited by child processes)
 * bypass this and reach the parent through the worker's stdio pipes instead.
 */
type Target = { write(level: "stdout" | "stderr", text: string): void } | undefined;

let target: Target;

/** Directs captured output to `next` (or back to the real streams with undefined). */
export function setStdioTarget(next: Target): void {
  target = next;
}

/** Replaces the write methods of process.stdout/stderr once, at worker start. */
export function captureStdio(): void {
  patch(process.stdout, "stdout");
  patch(process.stderr, "stderr");
}

function patch(stream: NodeJS.WriteStream, level: "stdout" | "stderr"): void {
  const original = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  const write = (chunk: unknown, encodingOrCallback?: unknown, callback?: unknown): boolean => {
    const sink = target;
    if (!sink) return original(chunk, encodingOrCallback, callback);
    const encoding = typeof encodingOrCallback === "string" ? (encodingOrCallback as BufferEncoding) : undefined;
    sink.write(level, decode(chunk, encoding));
    const done = typeof encodingOrCallback === "function" ? encodingOrCallback : callback;
    // Stream semantics: the callback runs asynchronously once the chunk is "written".
    if (typeof done === "function") process.nextTick(done as () => void);
    return true;
  };
  stream.write = write as typeof stream.write;
}

/** The text a write would have produced on a UTF-8 terminal. */
function decode(chunk: unknown, encoding: BufferEncoding | undefined): string {
  if (typeof chunk === "string") {
    // A string with a non-text encoding ("hex", "base64") describes bytes, not characters.
    return encoding === undefined || encoding === "utf8" || encoding === "utf-8" ? chunk : Buffer.from(chunk, encoding).toString("utf8");
  }
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString("utf8");
  return String(chunk);
}
