/**
 * Asset status from the run history (`.assetline/assetline.db`), kept current while other
 * processes write it: the CLI, another window, this server's own runs.
 *
 * The store is opened read-only and polled (`lastEventId()` is one b-tree seek), because
 * SQLite cannot notify another process of a commit; while it is open, a watch on its folder
 * re-reads it within SOON_MS of any commit (the WAL file changes), so the editor follows a
 * CLI run live and the poll is only the fallback. It is loaded lazily: the native driver
 * must never keep the server from starting, only status from showing.
 */
import { type FSWatcher, existsSync, statSync, watch } from "node:fs";
import { basename, dirname } from "node:path";
import type { AnalysisSnapshot } from "../analysis";
import { assetFreshness, type FreshnessState } from "../model/freshness";
import { upstreamStaleness, type UpstreamCause } from "../model/staleness";
import { firstLine, firstUserFrame } from "../model/stackFrames";
import type { AssetLatestState, EventStore } from "../store";
import { sourceSignature } from "../store/readonlyCopy";
import { SnapshotIndex } from "./snapshotIndex";
import type { AssetState, AssetStatus } from "../../../protocol";

/** Every freshness state is an AssetState (the protocol adds only "unknown"). */
const STATE_OF: Readonly<Record<FreshnessState, AssetState>> = {
  failed: "failed",
  "never-materialized": "never-materialized",
  "code-changed": "code-changed",
  "upstream-changed": "upstream-changed",
  overdue: "overdue",
  fresh: "fresh",
};

/** How long after a write by this server its status is re-read (writes in between coalesce). */
const SOON_MS = 100;

export interface StatusBoardOptions {
  readonly dbPath: string;
  /** The workspace: a failure's stack is read for the user's line under it. */
  readonly root: string;
  readonly pollIntervalMs: number;
  readonly log: (message: string) => void;
  /** Called when the history changed (or the store appeared, went away or became unreadable). */
  readonly onChange: (lastEventId: number) => void;
}

export class StatusBoard {
  private store: EventStore | undefined;
  private latest: ReadonlyMap<string, AssetLatestState> = new Map();
  /** Transitive staleness of the last analysis against the last history read: computed once per change of either. */
  private staleness:
    | {
        assets: AnalysisSnapshot["assets"];
        latest: ReadonlyMap<string, AssetLatestState>;
        causes: Map<string, UpstreamCause[]>;
      }
    | undefined;
  private lastEventId = 0;
  /** Why the history cannot be read, in the user's words; undefined when it can (or does not exist). */
  private unreadable: string | undefined;
  /** The file's mtime when it was found unreadable. */
  private unreadableSince = 0;
  /** When `store` is a private copy (a read-only folder): the original's signature at copy time. */
  private copiedAt: string | undefined;
  /** How many times a run in progress was found abandoned: a change the event id does not show. */
  private abandonedSeen = 0;
  /** True once `latest` holds the state at `lastEventId`. */
  private loaded = false;
  private timer: NodeJS.Timeout | undefined;
  private soon: NodeJS.Timeout | undefined;
  private watcher: FSWatcher | undefined;
  private pollIntervalMs: number;

  constructor(private readonly options: StatusBoardOptions) {
    this.pollIntervalMs = options.pollIntervalMs;
  }

  start(): void {
    this.poll();
    this.timer = setInterval(() => this.poll(), this.pollIntervalMs);
    this.timer.unref();
  }

  setPollInterval(ms: number): void {
    if (ms === this.pollIntervalMs) return;
    this.pollIntervalMs = ms;
    if (this.timer) {
      this.stop();
      this.start();
    }
  }

  stop(): void {
    if (this.soon) clearTimeout(this.soon);
    this.soon = undefined;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.unwatch();
    this.store?.close();
    this.store = undefined;
  }

  /** The run history file this board reads. */
  get dbPath(): string {
    return this.options.dbPath;
  }

  /** The newest event seen (0: none or no store). */
  get lastSeenEventId(): number {
    return this.lastEventId;
  }

  /**
   * Reads the history again soon: a run writes an event per step, and re-reading the latest
   * state (and refreshing every CodeLens) per event would cost more than the run.
   */
  pollSoon(): void {
    if (this.soon) return;
    this.soon = setTimeout(() => {
      this.soon = undefined;
      this.poll();
    }, SOON_MS);
  }

  /** Reads the history again if it changed. */
  poll(): void {
    const before = `${this.lastEventId}|${this.abandonedSeen}|${this.unreadable ?? ""}|${this.store !== undefined}`;
    try {
      this.refresh();
    } catch (error) {
      this.close(errorMessage(error));
    }
    const after = `${this.lastEventId}|${this.abandonedSeen}|${this.unreadable ?? ""}|${this.store !== undefined}`;
    if (after !== before) this.options.onChange(this.lastEventId);
  }

  /** The status of a defined asset or source, computed now (ages and "overdue" move with the clock). */
  statusOf(snapshot: AnalysisSnapshot, key: string, now = Date.now()): AssetStatus | undefined {
    const index = SnapshotIndex.of(snapshot);
    const definition = index.definition(key);
    if (!definition) return undefined;
    const checks = index.checksOf(key);
    if (this.unreadable !== undefined) {
      return {
        key,
        state: "unknown",
        reason: this.unreadable,
        lastMaterializedAt: undefined,
        lastFailedAt: undefined,
        checks: checks.map((check) => ({ name: check.name, passed: undefined, evaluatedAt: undefined })),
      };
    }
    const freshness = assetFreshness({
      key,
      kind: definition.kind,
      currentCodeVersion: definition.codeVersion,
      freshness: definition.freshness,
      parents: index.parents(key),
      latest: this.latest.get(key),
      latestOfParents: this.latest,
      now,
      checkNames: checks.map((check) => check.name),
      upstreamCauses: this.upstreamCauses(snapshot).get(key),
    });
    const results = new Map(freshness.checks.map((result) => [result.name, result]));
    const failure = freshness.state === "failed" ? this.latest.get(key)?.failure : undefined;
    const location = failure ? firstUserFrame(failure.error?.stack, this.options.root) : undefined;
    return {
      key,
      state: STATE_OF[freshness.state],
      reason: freshness.reason,
      lastMaterializedAt: freshness.lastMaterializedAt,
      lastFailedAt: this.latest.get(key)?.failure?.timestamp,
      checks: checks.map((check) => ({
        name: check.name,
        passed: results.get(check.name)?.passed,
        evaluatedAt: results.get(check.name)?.evaluatedAt,
      })),
      ...(failure
        ? {
            lastError: { message: firstLine(failure.message), runId: failure.runId, ...(location ? { location } : {}) },
          }
        : {}),
    };
  }

  private upstreamCauses(snapshot: AnalysisSnapshot): Map<string, UpstreamCause[]> {
    const cached = this.staleness;
    if (cached?.assets === snapshot.assets && cached.latest === this.latest) return cached.causes;
    const causes = upstreamStaleness(snapshot.assets, this.latest);
    this.staleness = { assets: snapshot.assets, latest: this.latest, causes };
    return causes;
  }

  private refresh(): void {
    const { dbPath } = this.options;
    if (!existsSync(dbPath)) {
      // Deleted (or never created): forget what it said.
      if (this.store || this.unreadable !== undefined || this.lastEventId !== 0) this.close(undefined);
      return;
    }
    if (this.store && this.copiedAt !== undefined && this.copiedAt !== sourceSignature(dbPath)) {
      // A copy never sees new writes: take a new one once the original has changed.
      this.close(undefined);
    }
    if (!this.store) {
      // An unreadable file is retried only once it changes (migrated by a writer, replaced).
      const modified = statSync(dbPath).mtimeMs;
      if (this.unreadable !== undefined && modified === this.unreadableSince) return;
      this.unreadableSince = modified;
      // Lazy: loading the store loads the native SQLite driver.
      const { EventStore } = require("../store") as typeof import("../store");
      const signature = sourceSignature(dbPath);
      this.store = EventStore.open(dbPath, { readonly: true });
      this.copiedAt = this.store.isCopy ? signature : undefined;
      this.loaded = false;
      this.unreadable = undefined;
      const copy = this.store.isCopy ? " (a private copy: its folder is read-only)" : "";
      this.options.log(`reading run history from ${dbPath}${copy}`);
      this.watchCommits();
    }
    const last = this.store.lastEventId();
    // A run whose process died writes nothing: its steps turn failed without a new event.
    const ownerGone = this.loaded && this.store.runOwnerGone();
    if (last === this.lastEventId && this.loaded && !ownerGone) return;
    this.latest = this.store.latestState();
    this.lastEventId = last;
    this.loaded = true;
    if (ownerGone) this.abandonedSeen += 1;
  }

  /** Any write to the database or its WAL (another process committing) re-reads soon. */
  private watchCommits(): void {
    if (this.watcher) return;
    const name = basename(this.options.dbPath);
    try {
      this.watcher = watch(dirname(this.options.dbPath), { persistent: false }, (_event, file) => {
        // Not the -shm file: readers (this one included) touch it, writers commit to the WAL.
        if (file === null || file === name || file === `${name}-wal`) this.pollSoon();
      });
      this.watcher.on("error", () => this.unwatch());
    } catch (error) {
      this.options.log(`run history is polled only (no file watch: ${errorMessage(error)})`);
    }
  }

  private unwatch(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }

  private close(unreadable: string | undefined): void {
    this.unwatch();
    try {
      this.store?.close();
    } catch {
      // Closing a broken connection can fail too; there is nothing more to release.
    }
    this.store = undefined;
    this.copiedAt = undefined;
    this.loaded = false;
    this.latest = new Map();
    this.lastEventId = 0;
    if (unreadable !== undefined && unreadable !== this.unreadable)
      this.options.log(`run history unavailable: ${unreadable}`);
    this.unreadable = unreadable;
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
