/**
 * Asset status from the run history, kept current while other processes write it: the CLI,
 * another window, this server's own runs, and on PostgreSQL the runs of the whole team.
 *
 * The store is opened read-only and polled (`lastEventId()` is one index seek). SQLite cannot
 * notify another process of a commit, so while it is open a watch on its folder re-reads it
 * within SOON_MS of any commit (the WAL file changes); PostgreSQL says so itself (LISTEN), so
 * another engineer's run shows within SOON_MS plus the network. The poll is only the fallback.
 * Loaded lazily: the native driver must never keep the server from starting, only status
 * from showing.
 */
import { type FSWatcher, existsSync, statSync, watch } from "node:fs";
import { basename, dirname } from "node:path";
import type { AnalysisSnapshot } from "../analysis";
import type { BackendTarget, ConfigError } from "../config/workspaceConfig";
import { assetFreshness, type FreshnessState } from "../model/freshness";
import { sameHistoryInputs } from "../model/historyInputs";
import { upstreamStaleness, type UpstreamCause } from "../model/staleness";
import { firstLine, firstUserFrame } from "../model/stackFrames";
import type { AssetLatestState, HistoryStore, RunRecord } from "../store";
import { sourceSignature } from "../store/readonlyCopy";
import type { AssetForecast } from "../model/automationForecast";
import { ForecastCache } from "./forecastCache";
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
  /** The SQLite history file (used when `history` says SQLite). */
  readonly dbPath: string;
  /** The history the workspace configuration names, or why that configuration is unusable. */
  readonly history: BackendTarget | ConfigError;
  /** The workspace: a failure's stack is read for the user's line under it. */
  readonly root: string;
  readonly pollIntervalMs: number;
  readonly log: (message: string) => void;
  /** Called when the history changed (or the store appeared, went away or became unreadable). */
  readonly onChange: (lastEventId: number) => void;
  /** The history is not read before this resolves (the server's first diagnostics). */
  readonly readAfter?: Promise<void>;
}

export class StatusBoard {
  private store: HistoryStore | undefined;
  /** Stops LISTENing (PostgreSQL). */
  private unlisten: (() => Promise<void>) | undefined;
  /** "ana on ci-runner-3" per run id: who made the materializations shown (never changes). */
  private readonly authors = new Map<string, string>();
  /** The poll in progress, and whether another was asked for meanwhile. */
  private polling: Promise<void> | undefined;
  private pollAgain = false;
  /** Why LISTEN failed last, so that a server down for an hour is logged once, not every poll. */
  private listenFailure: string | undefined;
  /** Set by stop(): a listener still connecting is closed as soon as it is up. */
  private stopped = false;
  private latest: ReadonlyMap<string, AssetLatestState> = new Map();
  /**
   * Transitive staleness of the last analysis against the last history read: computed again when
   * the history changes, or an analysis changes what staleness reads (model/historyInputs.ts).
   */
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
  private readonly forecasts = new ForecastCache();

  constructor(private readonly options: StatusBoardOptions) {
    this.pollIntervalMs = options.pollIntervalMs;
  }

  start(): void {
    this.stopped = false;
    void this.poll();
    this.timer = setInterval(() => void this.poll(), this.pollIntervalMs);
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
    this.stopped = true;
    void this.stopListening();
    void this.release();
  }

  /**
   * The history as this board reads it, current (read-only; undefined when there is none or it
   * cannot be read): the run history requests borrow it rather than connect again.
   */
  async reader(): Promise<HistoryStore | undefined> {
    await this.poll();
    return this.store;
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
      void this.poll();
    }, SOON_MS);
  }

  /** Reads the history again if it changed; resolves once status reflects it. Polls never overlap. */
  poll(): Promise<void> {
    if (this.polling) {
      this.pollAgain = true;
      return this.polling;
    }
    const polling = (async () => {
      await this.options.readAfter;
      do {
        this.pollAgain = false;
        await this.pollOnce();
      } while (this.pollAgain);
    })();
    this.polling = polling.finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async pollOnce(): Promise<void> {
    const before = `${this.lastEventId}|${this.abandonedSeen}|${this.unreadable ?? ""}|${this.store !== undefined}`;
    try {
      await this.refresh();
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
    const materializedBy = this.authors.get(this.latest.get(key)?.materialization?.runId ?? "");
    const location = failure ? firstUserFrame(failure.error?.stack, this.options.root) : undefined;
    return {
      key,
      state: STATE_OF[freshness.state],
      reason: freshness.reason,
      lastMaterializedAt: freshness.lastMaterializedAt,
      ...(materializedBy === undefined || freshness.lastMaterializedAt === undefined
        ? {}
        : { lastMaterializedBy: materializedBy }),
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

  /** When the asset's next materialization is expected, from its automation conditions and the history. */
  forecastOf(snapshot: AnalysisSnapshot, key: string, now = Date.now()): AssetForecast | undefined {
    try {
      return this.forecasts.get(snapshot, this.store, this.lastEventId, now).get(key);
    } catch (error) {
      // A history that cannot be read is reported by status already; a hover goes without a forecast.
      this.options.log(`no forecast: ${errorMessage(error)}`);
      return undefined;
    }
  }

  private upstreamCauses(snapshot: AnalysisSnapshot): Map<string, UpstreamCause[]> {
    const cached = this.staleness;
    const latest = this.latest;
    if (
      cached?.latest === latest &&
      sameHistoryInputs(cached.assets, snapshot.assets, (key) => latest.get(key)?.materialization?.codeVersion)
    ) {
      cached.assets = snapshot.assets;
      return cached.causes;
    }
    const causes = upstreamStaleness(snapshot.assets, this.latest);
    this.staleness = { assets: snapshot.assets, latest: this.latest, causes };
    return causes;
  }

  private async refresh(): Promise<void> {
    const target = this.options.history;
    if (!("kind" in target)) {
      // The configuration names no usable history: say why, in its words, until it is fixed.
      this.close(target.message);
      return;
    }
    if (target.kind === "postgres") {
      await this.listenPostgres(target);
      await this.openPostgres(target);
    } else if (!this.openSqlite()) return;
    const store = this.store;
    if (!store) return;
    const last = await store.lastEventId();
    // A run whose process died writes nothing: its steps turn failed without a new event.
    const ownerGone = this.loaded && (await store.runOwnerGone());
    if (last === this.lastEventId && this.loaded && !ownerGone) return;
    const latest = await store.latestState();
    await this.learnAuthors(store, latest);
    this.latest = latest;
    this.lastEventId = last;
    this.loaded = true;
    if (ownerGone) this.abandonedSeen += 1;
  }

  /** Opens the SQLite file when it exists; false when there is nothing (more) to read now. */
  private openSqlite(): boolean {
    const { dbPath } = this.options;
    if (!existsSync(dbPath)) {
      // Deleted (or never created): forget what it said.
      if (this.store || this.unreadable !== undefined || this.lastEventId !== 0) this.close(undefined);
      return false;
    }
    if (this.store && this.copiedAt !== undefined && this.copiedAt !== sourceSignature(dbPath)) {
      // A copy never sees new writes: take a new one once the original has changed.
      this.close(undefined);
    }
    if (this.store) return true;
    // An unreadable file is retried only once it changes (migrated by a writer, replaced).
    const modified = statSync(dbPath).mtimeMs;
    if (this.unreadable !== undefined && modified === this.unreadableSince) return false;
    this.unreadableSince = modified;
    // Lazy: loading the store loads the native SQLite driver.
    const { SqliteHistory } = require("../store/sqliteHistory") as typeof import("../store/sqliteHistory");
    const signature = sourceSignature(dbPath);
    const opened = SqliteHistory.open(dbPath, { readonly: true });
    this.store = opened;
    this.copiedAt = opened.store.isCopy ? signature : undefined;
    this.loaded = false;
    this.unreadable = undefined;
    const copy = opened.store.isCopy ? " (a private copy: its folder is read-only)" : "";
    this.options.log(`reading run history from ${dbPath}${copy}`);
    this.watchCommits();
    return true;
  }

  /** Connects to the team's history and LISTENs; nothing recorded yet reads as no history. */
  private async openPostgres(target: BackendTarget & { kind: "postgres" }): Promise<void> {
    if (this.store) return;
    // Not the store's index: that loads the native SQLite driver, which PostgreSQL does not need.
    const { openHistory } = require("../store/open") as typeof import("../store/open");
    const { NoHistoryError } = require("../store/errors") as typeof import("../store/errors");
    let store: HistoryStore;
    try {
      store = await openHistory(this.options.root, target, { readonly: true, log: this.options.log });
    } catch (error) {
      if (!(error instanceof NoHistoryError)) throw error;
      if (this.unreadable !== undefined || this.lastEventId !== 0) this.close(undefined);
      return;
    }
    this.store = store;
    this.loaded = false;
    this.unreadable = undefined;
    this.options.log(`reading run history from ${store.location}`);
  }

  /** LISTENs for the team's commits (from the first poll on, before anything was recorded too). */
  private async listenPostgres(target: BackendTarget & { kind: "postgres" }): Promise<void> {
    if (this.unlisten || this.stopped) return;
    const { listenForCommits } = require("../store/open") as typeof import("../store/open");
    try {
      this.unlisten = await listenForCommits(target, () => this.pollSoon(), this.options.log);
      this.listenFailure = undefined;
    } catch (error) {
      // Retried at every poll (which alone keeps status current meanwhile); said once per reason.
      const message = `run history is polled only for now (no notifications: ${errorMessage(error)})`;
      if (message !== this.listenFailure) this.options.log(message);
      this.listenFailure = message;
    }
    if (this.stopped) await this.stopListening();
  }

  private async stopListening(): Promise<void> {
    const unlisten = this.unlisten;
    this.unlisten = undefined;
    await unlisten?.().catch(() => undefined);
  }

  /** Who started the runs that made the materializations shown (one lookup per run, ever). */
  private async learnAuthors(store: HistoryStore, latest: ReadonlyMap<string, AssetLatestState>): Promise<void> {
    const unknown = new Set<string>();
    for (const state of latest.values()) {
      const runId = state.materialization?.runId;
      if (runId !== undefined && !this.authors.has(runId)) unknown.add(runId);
    }
    for (const runId of unknown) {
      const run = await store.getRun(runId);
      if (run) this.authors.set(runId, author(run));
    }
  }

  /** Closes the store; closing a broken connection may fail, and that is fine. */
  private async release(): Promise<void> {
    const store = this.store;
    this.store = undefined;
    await store?.close().catch(() => undefined);
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
    void this.release();
    this.copiedAt = undefined;
    this.loaded = false;
    this.latest = new Map();
    this.lastEventId = 0;
    if (unreadable !== undefined && unreadable !== this.unreadable)
      this.options.log(`run history unavailable: ${unreadable}`);
    this.unreadable = unreadable;
  }
}

/** "ana on ci-runner-3"; the host alone for runs recorded before users were. */
export function author(run: RunRecord): string {
  return run.user === undefined ? run.hostname : `${run.user} on ${run.hostname}`;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
