import { closeSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { FileFacts } from "../facts";

/**
 * Writing the facts cache's files (factsCache.ts reads them): a new file is written beside the old
 * one and renamed over it, so a reader sees the old file or the new, never half of one; then the
 * folder is pruned.
 */

/** Cache files kept per workspace (engine builds and size limits), and in all; the oldest go first. */
const KEPT_PER_WORKSPACE = 4;
const KEPT_IN_ALL = 32;
const KEPT_BYTES = 512 * 1024 * 1024;
/** A temporary file older than this was left by a writer that did not finish. */
const ABANDONED_AFTER_MS = 10 * 60 * 1000;

/** Lines of a new cache file, appended in chunks so that the whole file is never one string in memory. */
export class FactsCacheWriter {
  private readonly temporary: string;
  private readonly fd: number;
  private chunk: Array<string | Buffer> = [];
  private chunkLength = 0;

  constructor(
    private readonly lineFor: (facts: FileFacts) => string | Buffer | undefined,
    private readonly path: string,
    header: string,
  ) {
    // Only the user: what it holds decides what the analysis reports.
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.temporary = `${path}.${process.pid}-${++writersStarted}.tmp`;
    this.fd = openSync(this.temporary, "w");
    this.push(header);
  }

  add(facts: FileFacts): void {
    const line = this.lineFor(facts);
    if (line !== undefined) this.push(line);
  }

  finish(): void {
    this.flush();
    closeSync(this.fd);
    renameSync(this.temporary, this.path);
    pruneOldCaches(dirname(this.path), this.path);
  }

  /** Drops the half-written file (an I/O error, or the work it belonged to was superseded). */
  abandon(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    rmSync(this.temporary, { force: true });
  }

  /** A line as text, or as the bytes of a line read back from the old file (written as they are). */
  private push(line: string | Buffer): void {
    this.chunk.push(line);
    this.chunkLength += line.length;
    if (this.chunkLength > CHUNK_CHARS) this.flush();
  }

  private flush(): void {
    if (this.chunk.length === 0) return;
    const parts = this.chunk.map((line) => (typeof line === "string" ? Buffer.from(line) : line));
    const bytes = Buffer.concat(parts.flatMap((part) => [part, NEWLINE_BYTES]));
    for (let written = 0; written < bytes.length;) written += writeSync(this.fd, bytes, written);
    this.chunk = [];
    this.chunkLength = 0;
  }
}

const NEWLINE_BYTES = Buffer.from("\n");

/** Gives each writer of this process a temporary file of its own. */
let writersStarted = 0;

/** About how much is written at once. */
const CHUNK_CHARS = 1 << 20;

/**
 * Keeps the newest few cache files of the workspace `current` belongs to, and the newest in all up
 * to a count and a size: workspaces come and go (clones, temporary folders), their caches should
 * not stay behind, and a large workspace's file is tens of MB.
 */
function pruneOldCaches(folder: string, current: string): void {
  const workspace = basename(current).slice(0, basename(current).indexOf("-") + 1);
  try {
    const entries = readdirSync(folder).map((entry) => ({ entry, stat: statSync(join(folder, entry)) }));
    const now = Date.now();
    let bytes = statSync(current).size;
    // What a writer that crashed or was killed left: another writer's file is never this old.
    for (const { entry, stat } of entries)
      if (entry.endsWith(".tmp") && now - stat.mtimeMs > ABANDONED_AFTER_MS)
        rmSync(join(folder, entry), { force: true });
      else if (entry.endsWith(".tmp")) bytes += stat.size;
    const others = entries
      .filter(({ entry }) => entry.endsWith(".jsonl") && join(folder, entry) !== current)
      .sort((a, b) => b.stat.mtimeMs - a.stat.mtimeMs);
    let sameWorkspace = 0;
    others.forEach(({ entry, stat }, index) => {
      const mine = entry.startsWith(workspace);
      if (mine) sameWorkspace++;
      bytes += stat.size;
      if (index + 1 >= KEPT_IN_ALL || bytes > KEPT_BYTES || (mine && sameWorkspace >= KEPT_PER_WORKSPACE))
        rmSync(join(folder, entry), { force: true });
    });
  } catch {
    // Another process pruned first, or the folder is not ours to list: the cache still works.
  }
}
