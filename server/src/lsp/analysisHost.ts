/**
 * Owns the workspace analysis inside the server: the sliced first analysis, the queue of
 * changed files, and when re-analysis happens. Everything else reads snapshots from here.
 *
 * Scheduling: edits mark files dirty and schedule one flush, after `debounceMs` or (when 0)
 * as soon as the queued messages have been handled, so a burst of edits costs one analysis.
 * A request that needs fresh results flushes at once instead of waiting for the timer.
 * Many files at once (the first analysis, a branch switch) are scanned in slices, with
 * progress, so the server keeps answering (cancellations, shutdown) meanwhile.
 */
import type { CancellationToken } from "vscode-languageserver";
import {
  type AnalysisSnapshot,
  attachSqlCache,
  type FactsCache,
  type FileFacts,
  openWorkspaceFactsCache,
  type SourceReader,
  type SqlCacheAttachment,
  WorkspaceAnalysis,
} from "../analysis";
import { saveFactsCache } from "./factsCacheSaving";
import type { WorkingFacts } from "./workingFacts";
import { settleHeapAfterStartup } from "./steadyHeap";
import type { WorkspaceReader } from "./workspaceReader";

/** How long one slice of scanning may hold the thread before messages are handled. */
const SLICE_MS = 25;
/** More changed files than this are re-analyzed in slices rather than in one go. */
const BULK_FILES = 50;

export interface ProgressReporter {
  report(percentage: number, message: string): void;
  done(): void;
}

export interface AnalysisHostOptions {
  readonly maxFileBytes: number;
  readonly debounceMs: number;
  readonly startProgress: (title: string) => Promise<ProgressReporter>;
  readonly log: (message: string) => void;
  /** Resolves once the diagnostics of the analysis just announced are written to the client. */
  readonly published: () => Promise<void>;
}

export type SnapshotListener = (snapshot: AnalysisSnapshot, changedFiles: readonly string[]) => void;

export class AnalysisHost implements WorkingFacts {
  private analysis: WorkspaceAnalysis;
  private current: AnalysisSnapshot | undefined;
  private readonly dirty = new Set<string>();
  /** Files whose analysis threw, taken with the next change; not pending, or `settled` could loop on them. */
  private readonly failed = new Set<string>();
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  /** The first analysis (or a restart's). */
  private initial: Promise<void> | undefined;
  private initialDone = false;
  /** A sliced re-analysis of many changed files, while one runs. */
  private bulk: Promise<void> | undefined;
  /** Bumped by each restart, so superseded sliced work stops between slices. */
  private generation = 0;
  private readonly listeners: SnapshotListener[] = [];
  private disposed = false;
  private debounceMs: number;
  /** Files larger than this are reported (AL007), not analyzed. */
  maxFileBytes: number;
  /** SQL parsed by earlier runs (CLI or server) is not parsed again; saved after full analyses. */
  private readonly sqlCache: SqlCacheAttachment;
  /** Facts of an earlier run (the server's last start, the CLI), until written back: it holds the whole file. */
  private factsCache: FactsCache | undefined;
  readonly diagnosticsPublished: Promise<void>;
  private markPublished!: () => void;

  constructor(
    readonly reader: WorkspaceReader,
    private readonly options: AnalysisHostOptions,
  ) {
    this.sqlCache = attachSqlCache(reader.root);
    this.debounceMs = options.debounceMs;
    this.maxFileBytes = options.maxFileBytes;
    this.analysis = this.createAnalysis(options.maxFileBytes);
    this.diagnosticsPublished = new Promise((resolve) => (this.markPublished = resolve));
  }

  /** The latest snapshot, possibly behind pending edits; undefined before the first analysis ends. */
  get snapshot(): AnalysisSnapshot | undefined {
    return this.current;
  }

  /** True while edits wait to be analyzed: results computed now would already be stale. */
  get hasPendingChanges(): boolean {
    return this.dirty.size > 0 || this.bulk !== undefined;
  }

  onDidAnalyze(listener: SnapshotListener): void {
    this.listeners.push(listener);
  }

  /** Lists and analyzes the whole workspace in slices, reporting progress. Idempotent. */
  start(): Promise<void> {
    this.initial ??= this.analyzeEverything();
    return this.initial;
  }

  /** Analyzes the workspace again from scratch (e.g. the file size limit changed). */
  restart(maxFileBytes: number): Promise<void> {
    this.maxFileBytes = maxFileBytes;
    this.analysis = this.createAnalysis(maxFileBytes);
    this.initial = this.analyzeEverything();
    return this.initial;
  }

  setDebounce(ms: number): void {
    this.debounceMs = ms;
  }

  /** A file's text changed (buffer or disk), or it appeared or went away. */
  changed(files: Iterable<string>): void {
    for (const file of files) this.dirty.add(file);
    if (this.dirty.size > 0) this.schedule();
  }

  /**
   * The snapshot with every edit received so far analyzed. Yields once first, so messages
   * already queued behind the request (a cancellation, more edits) are seen before the work.
   * Returns early, with the current snapshot, once the token is cancelled.
   */
  async settled(token?: CancellationToken): Promise<AnalysisSnapshot> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    await this.start();
    for (;;) {
      if (token?.isCancellationRequested) return this.current!;
      if (this.bulk) await this.bulk;
      else if (this.dirty.size > 0) this.flush();
      else return this.current!;
    }
  }

  dispose(): void {
    this.disposed = true;
    this.markPublished();
    this.cancelTimer();
    this.saveSqlCache();
    this.sqlCache.detach();
    this.factsCache?.dispose();
    this.factsCache = undefined;
  }

  private saveSqlCache(): void {
    const error = this.sqlCache.save();
    if (error) this.options.log(`the SQL cache could not be saved (analysis is unaffected): ${error.message}`);
  }

  /**
   * The facts the working analysis read from exactly `text`, when it scanned with the same size
   * limit: impact's base revision takes them for every file HEAD has unchanged.
   */
  factsReadFrom(file: string, text: string, maxFileBytes: number): FileFacts | undefined {
    if (maxFileBytes !== this.maxFileBytes) return undefined;
    const facts = this.analysis.factsOf(file);
    return facts?.text === text ? facts : undefined;
  }

  textRead(file: string, maxFileBytes: number): string | undefined {
    if (maxFileBytes !== this.maxFileBytes) return undefined;
    const facts = this.analysis.factsOf(file);
    // A skipped file's facts hold no text (too large, unreadable).
    return facts && !facts.skipped ? facts.text : undefined;
  }

  snapshotAnalysedFrom(reader: SourceReader, maxFileBytes: number): AnalysisSnapshot | undefined {
    const current = this.current;
    if (!current || maxFileBytes !== this.maxFileBytes || this.hasPendingChanges) return undefined;
    const files = reader.listFiles();
    if (files.length !== current.files.length) return undefined;
    for (let i = 0; i < files.length; i++) {
      const file = files[i]!;
      if (file !== current.files[i]) return undefined;
      const text = reader.readFile(file);
      if (text === undefined || this.textRead(file, maxFileBytes) !== text) return undefined;
    }
    return current;
  }

  private createAnalysis(maxFileBytes: number): WorkspaceAnalysis {
    this.factsCache?.dispose();
    const cache = openWorkspaceFactsCache(this.reader.root, maxFileBytes);
    this.factsCache = cache;
    // Only while it is the host's: it is disposed (emptied) once written, and later edits are scanned.
    // The analysis keeps this function for its life, so it holds the cache object, empty by then.
    const sharedFacts = (file: string, text: string): FileFacts | undefined =>
      cache !== undefined && this.factsCache === cache ? cache.lookup(file, text) : undefined;
    return new WorkspaceAnalysis(this.reader, { keepLastGoodOnSyntaxError: true, maxFileBytes, sharedFacts });
  }

  private schedule(): void {
    if (this.timer !== undefined || this.disposed) return;
    const run = (): void => {
      this.timer = undefined;
      // Until the first analysis is done, its end picks up whatever arrived meanwhile.
      if (this.initialDone) this.flush();
    };
    this.timer = this.debounceMs > 0 ? setTimeout(run, this.debounceMs) : setImmediate(run);
  }

  private cancelTimer(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer as NodeJS.Timeout);
    clearImmediate(this.timer as NodeJS.Immediate);
    this.timer = undefined;
  }

  /** Re-analyzes the dirty files (in slices when there are many) and tells the listeners. */
  private flush(): void {
    this.cancelTimer();
    // A sliced re-analysis in progress takes whatever arrived meanwhile when it links.
    if (this.bulk || this.dirty.size === 0) return;
    // After a first analysis that threw, the files it left are the whole workspace.
    if (this.dirty.size + this.failed.size > BULK_FILES) {
      this.bulk = this.analyzeMany().finally(() => (this.bulk = undefined));
      return;
    }
    const files = this.takeDirty();
    const started = performance.now();
    try {
      this.current = this.analysis.updateFiles(files);
    } catch (error) {
      // Runs from a timer: a throw here would end the process. Keep the last snapshot instead, and
      // the files: the next change tries them again (they were lost until edited again).
      this.options.log(`the analysis of ${files.length} changed file(s) failed: ${describe(error)}`);
      for (const file of files) this.failed.add(file);
      return;
    }
    const elapsed = performance.now() - started;
    if (elapsed > 200) this.options.log(`re-analyzed ${files.length} file(s) in ${elapsed.toFixed(0)} ms`);
    this.notify(files);
  }

  private async analyzeMany(): Promise<void> {
    const files = this.takeDirty();
    const generation = this.generation;
    const progress = await this.options.startProgress(`Assetline: re-analysing ${files.length} files`);
    try {
      if (!(await this.scanInSlices(files, generation, progress))) return;
      this.link();
    } catch (error) {
      this.options.log(`the analysis failed: ${describe(error)}`);
      for (const file of files) this.failed.add(file);
      return;
    } finally {
      progress.done();
    }
    this.notify(files);
    if (this.dirty.size > 0) this.schedule();
    this.refreshFactsCache(generation);
  }

  /** After many files changed at once (a branch switch), so that the next start does not scan them again. */
  private refreshFactsCache(generation: number): void {
    if (this.factsCache !== undefined || this.disposed) return;
    const cache = openWorkspaceFactsCache(this.reader.root, this.maxFileBytes);
    if (!cache) return;
    this.factsCache = cache;
    setImmediate(() => void this.writeFactsCache(() => !this.disposed && generation === this.generation));
  }

  private async analyzeEverything(): Promise<void> {
    const generation = ++this.generation;
    this.initialDone = false;
    const started = performance.now();
    const progress = await this.options.startProgress("Assetline: analysing assets");
    let files: readonly string[] = [];
    try {
      this.reader.relist();
      files = this.reader.listFiles();
      if (!(await this.scanInSlices(files, generation, progress))) return;
      // Every file is looked up: the cache file's lines need not live through the link.
      this.factsCache?.releaseLines();
      this.link();
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const { assets, checks } = this.current!;
      const counts = `${assets.length} assets, ${checks.length} checks`;
      const cached = this.factsCache ? `, facts of ${this.factsCache.hits} read from the cache` : "";
      this.options.log(`analyzed ${files.length} files in ${seconds} s: ${counts}${cached}`);
    } catch (error) {
      // A bug in the analysis must not leave the server without any snapshot: link what was read.
      this.options.log(`the analysis failed: ${describe(error)}`);
      this.current ??= this.fallbackSnapshot();
      // Whatever the throw left unread is read again with the next change (a re-read of the rest costs a comparison of texts).
      for (const file of files) this.failed.add(file);
    } finally {
      progress.done();
    }
    this.initialDone = true;
    this.notify(this.current!.files);
    if (this.dirty.size > 0) this.schedule();
    await this.options.published();
    this.markPublished();
    // What diagnostics do not need comes once they are out, each in a turn of its own so that a
    // keystroke can come in between: one full collection and a smaller heap growth from then on
    // (steadyHeap.ts; first, so that the garbage of the cold analysis is gone before the next
    // step's), the indexes only edits need (otherwise in the first keystroke's latency), then the
    // SQL cache's file.
    const current = (): boolean => !this.disposed && generation === this.generation;
    const steps = [
      () => this.options.log(`heap collected after the analysis in ${settleHeapAfterStartup().toFixed(0)} ms`),
      () => this.analysis.prepareForEdits(),
      () => this.saveSqlCache(),
      () => void this.writeFactsCache(current),
    ];
    const runFrom = (step: number): void => {
      setImmediate(() => {
        if (step >= steps.length || !current()) return;
        steps[step]!();
        runFrom(step + 1);
      });
    };
    runFrom(0);
  }

  /** Writes the current facts for the next start, in slices, then lets go of the cache. */
  private async writeFactsCache(stillWanted: () => boolean): Promise<void> {
    const cache = this.factsCache;
    if (!cache) return;
    const facts = this.current!.files.map((file) => this.analysis.factsOf(file));
    await saveFactsCache(cache, facts, () => stillWanted() && this.factsCache === cache, this.options.log);
    if (this.factsCache === cache) this.factsCache = undefined;
  }

  /** Scans files a slice at a time, yielding between slices; false when a restart superseded the work. */
  private async scanInSlices(
    files: readonly string[],
    generation: number,
    progress: ProgressReporter,
  ): Promise<boolean> {
    let next = 0;
    let lastReport = 0;
    while (next < files.length) {
      if (this.disposed || generation !== this.generation) return false;
      const sliceEnd = performance.now() + SLICE_MS;
      while (next < files.length && performance.now() < sliceEnd) this.analysis.scanFiles([files[next++]!]);
      if (performance.now() - lastReport > 200) {
        lastReport = performance.now();
        progress.report(Math.floor((next / files.length) * 100), `${next} / ${files.length} files`);
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return !this.disposed && generation === this.generation;
  }

  /** Links what was scanned, re-reading files edited while the slices ran. */
  private link(): void {
    const files = this.takeDirty();
    try {
      this.current = this.analysis.updateFiles(files);
    } catch (error) {
      // Edited while the slices ran: kept for the next change like the rest of a failed analysis.
      for (const file of files) this.failed.add(file);
      throw error;
    }
  }

  /** The files to analyze now: the changed ones, and those whose last analysis threw. */
  private takeDirty(): string[] {
    const files = [...this.dirty];
    for (const file of this.failed) if (!this.dirty.has(file)) files.push(file);
    this.dirty.clear();
    this.failed.clear();
    return files;
  }

  /**
   * What the first analysis leaves when it threw: a link of what was scanned, or, when that throws
   * too, an empty snapshot. Either way the server answers (and says so in its log) instead of
   * leaving every request and the first diagnostics waiting forever.
   */
  private fallbackSnapshot(): AnalysisSnapshot {
    try {
      return this.analysis.updateFiles([]);
    } catch (error) {
      this.options.log(`the analysis could not link what it read either, so it reports nothing: ${describe(error)}`);
      return new WorkspaceAnalysis(NO_FILES).analyzeAll();
    }
  }

  private notify(files: readonly string[]): void {
    for (const listener of this.listeners) {
      try {
        listener(this.current!, files);
      } catch (error) {
        this.options.log(`a listener of the analysis failed: ${describe(error)}`);
      }
    }
  }
}

/** A workspace with no files, for the snapshot of an analysis that could not run at all. */
const NO_FILES: SourceReader = { root: "", listFiles: () => [], readFile: () => undefined };

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
