/**
 * The loop's view of the workspace's definitions: analysed once, then per tick only the files
 * whose size or modification time changed (or that appeared or went) are read again, so the
 * loop follows edits without paying for a full analysis every 30 seconds.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import {
  attachSqlCache,
  type AnalysisSnapshot,
  DiskReader,
  WorkspaceAnalysis,
  type WorkspaceAnalysisOptions,
} from "../analysis";

export interface WorkspaceTrackerOptions {
  /** Facts an analysis in the same process already read (the language server's): see WorkspaceAnalysis. */
  readonly sharedFacts?: WorkspaceAnalysisOptions["sharedFacts"];
  /**
   * Whether to attach the workspace's on-disk SQL cache around each analysis (the CLI). Not in
   * the language server: the cache is per process, and its analysis has it attached already.
   */
  readonly ownSqlCache?: boolean;
}

export class WorkspaceTracker {
  private readonly reader: DiskReader;
  private readonly analysis: WorkspaceAnalysis;
  private readonly stamps = new Map<string, string>();
  private current: AnalysisSnapshot | undefined;

  constructor(
    readonly root: string,
    private readonly options: WorkspaceTrackerOptions = {},
  ) {
    this.reader = new DiskReader(root);
    this.analysis = new WorkspaceAnalysis(this.reader, { sharedFacts: options.sharedFacts });
  }

  /** The definitions as the files on disk say now. */
  snapshot(): AnalysisSnapshot {
    const files = this.reader.listFiles();
    const changed: string[] = [];
    const present = new Set(files);
    for (const file of files) {
      const stamp = stampOf(join(this.root, file));
      if (this.stamps.get(file) !== stamp) changed.push(file);
      this.stamps.set(file, stamp);
    }
    for (const file of [...this.stamps.keys()]) {
      if (!present.has(file)) {
        this.stamps.delete(file);
        changed.push(file);
      }
    }
    if (this.current !== undefined && changed.length === 0) return this.current;
    const cache = this.options.ownSqlCache === false ? undefined : attachSqlCache(this.root);
    try {
      this.current = this.current === undefined ? this.analysis.analyzeAll() : this.analysis.updateFiles(changed);
    } finally {
      cache?.save();
      cache?.detach();
    }
    return this.current;
  }
}

function stampOf(path: string): string {
  try {
    const stat = statSync(path);
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return "gone";
  }
}
