/**
 * Writes a run's events to the store and tells live listeners about them, in one order.
 *
 * Lifecycle events (step started/succeeded/failed, materializations) are written at once:
 * they are what crash recovery and the editor rely on. Log lines are batched — a chatty
 * step would otherwise cost one transaction per line — but every batch is flushed before
 * the next lifecycle event, so the log and the lifecycle interleave exactly as they happened.
 */
import { EventEmitter } from "node:events";
import type { EventInput, EventStore, StoredEvent } from "../store";

const LOG_FLUSH_MS = 50;
const LOG_FLUSH_COUNT = 500;

type LogInput = Extract<EventInput, { type: "LOG" }>;

/** Emits "event" (a StoredEvent) for every event written, in log order. */
export class RunEvents extends EventEmitter<{ event: [StoredEvent] }> {}

/** The store and the live listeners of one run. */
export class RunRecorder {
  private pendingLogs: LogInput[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** The first write failure: the run cannot be recorded any more and must stop. */
  failure: unknown;

  constructor(
    private readonly store: EventStore,
    readonly runId: string,
    readonly events: RunEvents,
    private readonly onWriteFailure: (error: unknown) => void,
  ) {}

  /** Writes lifecycle events now (after any pending logs) in one transaction; returns their ids. */
  record(...events: EventInput[]): number[] {
    this.flush();
    return this.write(events);
  }

  /** Queues a log line; it is written within LOG_FLUSH_MS or before the next lifecycle event. */
  log(event: Omit<LogInput, "type" | "ts">): void {
    this.pendingLogs.push({ type: "LOG", ts: Date.now(), ...event });
    if (this.pendingLogs.length >= LOG_FLUSH_COUNT) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), LOG_FLUSH_MS);
  }

  /** Writes queued log lines. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pendingLogs.length === 0) return;
    const logs = this.pendingLogs;
    this.pendingLogs = [];
    this.write(logs);
  }

  private write(events: EventInput[]): number[] {
    if (this.failure !== undefined) return events.map(() => 0);
    const stamped = events.map((event) => (event.ts === undefined ? { ...event, ts: Date.now() } : event));
    let ids: number[];
    try {
      ids = this.store.appendEvents(this.runId, stamped);
    } catch (error) {
      this.failure = error;
      this.onWriteFailure(error);
      return events.map(() => 0);
    }
    if (this.events.listenerCount("event") > 0) {
      stamped.forEach((event, i) => this.events.emit("event", { ...event, id: ids[i], runId: this.runId, ts: event.ts! } as StoredEvent));
    }
    return ids;
  }
}
