/**
 * The loop's view of the workspace's definitions: analysed once, then per tick only the files
 * whose size or modification time changed (or that appeared or went) are read again, so the
 * loop follows edits without paying for a full analysis every 30 seconds.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import { attachSqlCache, type AnalysisSnapshot, DiskReader, WorkspaceAnalysis } from "../analysis";

export class WorkspaceTracker {
  private readonly reader: DiskReader;
  private readonly analysis: WorkspaceAnalysis;
  private readonly stamps = new Map<string, string>();
  private current: AnalysisSnapshot | undefined;

  constructor(readonly root: string) {
    this.reader = new DiskReader(root);
    this.analysis = new WorkspaceAnalysis(this.reader);
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
    const cache = attachSqlCache(this.root);
    try {
      this.current = this.current === undefined ? this.analysis.analyzeAll() : this.analysis.updateFiles(changed);
    } finally {
      cache.save();
      cache.detach();
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
