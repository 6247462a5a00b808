/**
 * Per-task log capture inside a worker: `ctx.log` calls and the user code's writes to
 * stdout/stderr, capped in bytes *here* so that a step printing 100 MB costs a byte count
 * rather than 100 MB of IPC traffic and event rows.
 *
 * Stdout/stderr writes (console.* included) are routed to the current task's sink over the
 * same IPC channel as the task's result, so every line is attributed to the right step and
 * arrives before the step ends. Writes straight to file descriptors 1/2 (native code, child
 * processes inheriting them) bypass this and reach the parent through the worker's stdio
 * pipes, where the parent applies the same cap.
 */
import type { LogSource, WorkerMessage } from "../workerMessages";

/** Stdio writes are coalesced into one event per burst: console.log in a loop must not mean one IPC message per line. */
const STDIO_FLUSH_BYTES = 16 * 1024;
const STDIO_FLUSH_MS = 20;
/** While dropping, the parent hears the running total at most this often (it may have to kill us before the end). */
const DROPPED_REPORT_MS = 250;

type Send = (message: WorkerMessage) => void;

/** Collects one task's logs and forwards them to the parent until the byte cap is reached. */
export class LogSink {
  private keptBytes = 0;
  private droppedBytes = 0;
  private pending: { level: "stdout" | "stderr"; text: string } | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private droppedTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly taskId: number,
    private readonly capBytes: number,
    private readonly send: Send,
  ) {}

  /** Bytes counted and not forwarded so far. */
  get dropped(): number {
    return this.droppedBytes;
  }

  /** A `ctx.log` call: its own event, ordered after any stdio written before it. */
  log(level: LogSource, message: string): void {
    if (this.closed) return;
    this.flush();
    const kept = this.admit(message);
    if (kept !== undefined) this.send({ type: "log", taskId: this.taskId, level, message: kept });
  }

  /** A chunk written to stdout or stderr, kept raw: concatenating the events gives the exact output. */
  write(level: "stdout" | "stderr", text: string): void {
    if (this.closed || text.length === 0) return;
    if (this.pending && this.pending.level !== level) this.flush();
    const kept = this.admit(text);
    if (kept === undefined) return;
    this.pending = this.pending ? { level, text: this.pending.text + kept } : { level, text: kept };
    if (this.pending.text.length >= STDIO_FLUSH_BYTES) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), STDIO_FLUSH_MS);
  }

  /** Sends buffered stdio now. */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const pending = this.pending;
    this.pending = undefined;
    if (pending) this.send({ type: "log", taskId: this.taskId, level: pending.level, message: pending.text });
  }

  /** Flushes and stops accepting output; returns the number of bytes dropped. */
  close(): number {
    this.flush();
    if (this.droppedTimer) clearTimeout(this.droppedTimer);
    this.closed = true;
    return this.droppedBytes;
  }

  /** Returns the part of `text` that fits under the cap (undefined when nothing does) and counts the rest. */
  private admit(text: string): string | undefined {
    const remaining = this.capBytes - this.keptBytes;
    // Most messages are ASCII and far from the cap: avoid measuring bytes twice on the hot path.
    const bytes = Buffer.byteLength(text);
    if (bytes <= remaining) {
      this.keptBytes += bytes;
      return text;
    }
    const kept = remaining > 0 ? truncateToBytes(text, remaining) : "";
    const keptBytes = Buffer.byteLength(kept);
    this.keptBytes += keptBytes;
    this.noteDropped(bytes - keptBytes);
    return kept.length > 0 ? kept : undefined;
  }

  private noteDropped(bytes: number): void {
    this.droppedBytes += bytes;
    this.droppedTimer ??= setTimeout(() => {
      this.droppedTimer = undefined;
      if (!this.closed) this.send({ type: "dropped", taskId: this.taskId, bytes: this.droppedBytes });
    }, DROPPED_REPORT_MS);
  }
}

/** The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes`, never splitting a character. */
export function truncateToBytes(text: string, maxBytes: number): string {
  const buffer = Buffer.from(text);
  if (buffer.length <= maxBytes) return text;
  let end = maxBytes;
  // Back off over UTF-8 continuation bytes (10xxxxxx) so the cut lands on a character boundary.
  while (end > 0 && (buffer[end]! & 0xc0) === 0x80) end--;
  return buffer.subarray(0, end).toString("utf8");
}

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
    return encoding === undefined || encoding === "utf8" || encoding === "utf-8"
      ? chunk
      : Buffer.from(chunk, encoding).toString("utf8");
  }
  if (chunk instanceof Uint8Array)
    return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString("utf8");
  return String(chunk);
}
