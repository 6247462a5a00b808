import { createHash } from "node:crypto";
import {
  closeSync,
  utimesSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, join } from "node:path";
import type { FileFacts } from "../facts";
import { engineFingerprint } from "./engineFingerprint";
import { decodeFacts, encodeFacts } from "./factsCodec";

/**
 * Every file's facts, kept between processes, so that a later analysis of the workspace scans
 * only the files whose text changed (dbt calls this partial parsing). A start of the language
 * server or `assetline check` on an unchanged workspace then costs reading the files, the facts
 * back and the link: what dominated, TypeScript's parse and the scan, is skipped.
 *
 * Facts are a function of the file's path, its text, the scan's options and the engine's code,
 * so an entry is keyed by a hash of the text, and a cache file belongs to one engine build and
 * one size limit (the file's name and its header say which). The file lives in the user's cache
 * folder, not the workspace: facts decide which diagnostics CI reports, and a repository must not
 * be able to hand in facts for its own files.
 *
 * One line per file, `<hash> <path as JSON>\t<facts as JSON>`, after a header line. Entries are
 * decoded only when their file's text matches; lines of files read back are written out again
 * as they were. A missing, foreign or damaged cache is an empty one (it only accelerates).
 */
export const FACTS_CACHE_FORMAT = "assetline-facts/1";

/** Set to "0" to analyze without the facts cache (to measure, or to rule it out). */
export const FACTS_CACHE_VARIABLE = "ASSETLINE_FACTS_CACHE";

/** Cache files kept per workspace (engine builds and size limits), and in all; the oldest go first. */
const KEPT_PER_WORKSPACE = 4;
const KEPT_IN_ALL = 32;
const KEPT_BYTES = 512 * 1024 * 1024;
/** A temporary file older than this was left by a writer that did not finish. */
const ABANDONED_AFTER_MS = 10 * 60 * 1000;

export interface FactsCacheOptions {
  /** The engine build (engineFingerprint.ts): facts read by other code are never trusted. */
  readonly engine: string;
  readonly maxFileBytes: number;
  /** Where cache files go; the user's cache folder by default. */
  readonly folder?: string;
}

interface Header {
  readonly format: string;
  readonly engine: string;
  readonly maxFileBytes: number;
  readonly root: string;
}

/** Where one file's line is in the cache file's bytes. */
interface StoredEntry {
  readonly hash: string;
  readonly start: number;
  /** Where the facts' JSON starts (after the tab). */
  readonly json: number;
  readonly end: number;
}

export class FactsCache {
  /**
   * The cache file's bytes. Kept as bytes, outside V8's heap, and decoded a line at a time: as
   * one string it took as much again, and its lines kept it all alive through the link.
   */
  private content: Buffer | undefined;
  private readonly stored = new Map<string, StoredEntry>();
  /** The hash of the text each file was looked up with, so that saving does not hash that text again. */
  private readonly hashes = new Map<string, { readonly text: string; readonly hash: string }>();
  /** Facts decoded from a stored line, by file, with the hash of their text: that line is written out again. */
  private readonly decoded = new Map<string, { readonly facts: FileFacts; readonly hash: string }>();
  /** How many files the cache file held (less the damaged lines), once `stored` is released. */
  private storedCount = 0;
  /** True once the lines are let go of (`releaseLines`): saving reads the file again for those it keeps. */
  private released = false;

  private constructor(
    readonly path: string,
    private readonly header: Header,
  ) {}

  /** The cache of `workspaceRoot` for this engine and size limit; empty when there is none yet or it cannot be read. */
  static open(workspaceRoot: string, options: FactsCacheOptions): FactsCache {
    const header: Header = {
      format: FACTS_CACHE_FORMAT,
      engine: options.engine,
      maxFileBytes: options.maxFileBytes,
      root: workspaceRoot,
    };
    const folder = options.folder ?? defaultFactsFolder();
    const cache = new FactsCache(join(folder, cacheFileName(header)), header);
    cache.load();
    return cache;
  }

  /** Files whose facts came from the cache so far. */
  get hits(): number {
    return this.decoded.size;
  }

  /** The facts stored for `file` when they were read from exactly `text` (the `sharedFacts` of an analysis). */
  readonly lookup = (file: string, text: string): FileFacts | undefined => {
    const hash = hashOf(text);
    this.hashes.set(file, { text, hash });
    const entry = this.stored.get(file);
    if (entry === undefined || entry.hash !== hash) return undefined;
    let facts: FileFacts;
    try {
      facts = decodeFacts(this.content!.toString("utf8", entry.json, entry.end), text);
    } catch {
      this.stored.delete(file); // a damaged line: scanned again, and replaced when saved
      this.storedCount--;
      return undefined;
    }
    this.decoded.set(file, { facts, hash });
    return facts;
  };

  /**
   * The cache file's line for `facts`: the stored one when these are the facts read back from
   * it, else a new encoding. Undefined for facts not worth keeping (skipped files) or that cannot
   * be kept exactly.
   */
  lineFor(facts: FileFacts): string | Buffer | undefined {
    const decoded = this.decoded.get(facts.file);
    if (decoded?.facts === facts) {
      const line = this.storedLine(facts.file, decoded.hash);
      if (line !== undefined) return line;
    }
    if (facts.skipped) return undefined;
    const json = encodeFacts(facts);
    if (json === undefined) return undefined;
    const looked = this.hashes.get(facts.file);
    // The file may have been edited since it was looked up: its facts are then of another text.
    const hash = looked !== undefined && looked.text === facts.text ? looked.hash : hashOf(facts.text);
    return `${hash} ${JSON.stringify(facts.file)}\t${json}`;
  }

  /**
   * Lets go of the cache file's lines (tens of MB at thousands of files) once every file has been
   * looked up, so that they are not kept through the link. Saving reads the file again for the
   * lines it writes out unchanged.
   */
  releaseLines(): void {
    this.stored.clear();
    this.content = undefined;
    this.released = true;
  }

  /** The stored line of `file` when it is keyed by `hash`; after `releaseLines`, read from the file again. */
  private storedLine(file: string, hash: string): Buffer | undefined {
    if (this.released) {
      this.released = false;
      this.load(); // once: another process may have replaced the file meanwhile, hence the hash check
    }
    const entry = this.stored.get(file);
    return entry?.hash === hash ? this.content!.subarray(entry.start, entry.end) : undefined;
  }

  /**
   * A new cache file, written as facts are added (callers may spread that over several turns)
   * and put in place by `finish`, atomically: a reader never sees half a file. Throws on I/O errors.
   */
  startWriting(): FactsCacheWriter {
    return new FactsCacheWriter(this, this.path, JSON.stringify(this.header));
  }

  /**
   * Writes the facts of the workspace's files, unless they are exactly the ones read back from the
   * cache file (a run that changed nothing writes nothing). Returns whether it wrote.
   */
  save(facts: ReadonlyArray<FileFacts | undefined>): boolean {
    if (this.wouldWriteTheSame(facts)) {
      this.markUsed();
      return false;
    }
    const writer = this.startWriting();
    try {
      for (const one of facts) if (one) writer.add(one);
      writer.finish();
    } catch (error) {
      writer.abandon();
      throw error;
    }
    return true;
  }

  /**
   * True when every one of `facts` was read back from the cache and nothing else is stored.
   * Skipped files (too large, unreadable) are never stored, so they change nothing.
   */
  wouldWriteTheSame(facts: ReadonlyArray<FileFacts | undefined>): boolean {
    let kept = 0;
    for (const one of facts) {
      if (one === undefined || one.skipped) continue;
      if (this.decoded.get(one.file)?.facts !== one) return false;
      kept++;
    }
    return kept === this.storedCount && kept === this.decoded.size;
  }

  /**
   * Marks the cache file used, when a run read it and had nothing to add: the oldest files go first
   * when caches are pruned, and a cache read every day must not look old.
   */
  markUsed(): void {
    try {
      const now = new Date();
      utimesSync(this.path, now, now);
    } catch {
      // Gone meanwhile, or not ours: nothing to keep fresh.
    }
  }

  /** Lets go of everything (the file's bytes, and the facts and texts looked up), once the host is done with the cache. */
  dispose(): void {
    this.releaseLines();
    this.released = false;
    this.decoded.clear();
    this.hashes.clear();
  }

  private load(): void {
    this.stored.clear();
    this.storedCount = 0;
    this.content = undefined;
    let content: Buffer;
    try {
      content = readFileSync(this.path);
    } catch {
      return; // none yet
    }
    const headerEnd = lineEnd(content, 0);
    // Another engine, limit or workspace (a hash collision), or not a cache at all.
    if (content.toString("utf8", 0, headerEnd) !== JSON.stringify(this.header)) return;
    this.content = content;
    for (let start = headerEnd + 1; start < content.length;) {
      const end = lineEnd(content, start);
      const space = content.indexOf(SPACE, start);
      const tab = space < 0 ? -1 : content.indexOf(TAB, space);
      if (space > start && tab > space && tab < end) {
        let file: unknown;
        try {
          file = JSON.parse(content.toString("utf8", space + 1, tab));
        } catch {
          file = undefined;
        }
        const hash = content.toString("latin1", start, space);
        if (typeof file === "string") this.stored.set(file, { hash, start, json: tab + 1, end });
      }
      start = end + 1;
    }
    this.storedCount = this.stored.size;
  }
}

const NEWLINE = 0x0a;
const SPACE = 0x20;
const TAB = 0x09;

function lineEnd(content: Buffer, start: number): number {
  const end = content.indexOf(NEWLINE, start);
  return end < 0 ? content.length : end;
}

/** Lines of a new cache file, appended in chunks so that the whole file is never one string in memory. */
export class FactsCacheWriter {
  private readonly temporary: string;
  private readonly fd: number;
  private chunk: Array<string | Buffer> = [];
  private chunkLength = 0;

  constructor(
    private readonly cache: FactsCache,
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
    const line = this.cache.lineFor(facts);
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

/** `$XDG_CACHE_HOME/assetline/facts`, else `~/.cache/assetline/facts`. */
export function defaultFactsFolder(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "assetline", "facts");
}

function cacheFileName(header: Header): string {
  const workspace = shortHash(header.root);
  return `${workspace}-${shortHash(`${header.engine}\n${header.maxFileBytes}`)}.jsonl`;
}

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

/**
 * As UTF-16 code units: UTF-8 would turn every lone surrogate (an unsaved buffer can hold one) into
 * U+FFFD, so that two different texts had one key.
 */
function hashOf(text: string): string {
  return createHash("sha1").update(text, "utf16le").digest("base64url");
}

function shortHash(text: string): string {
  return createHash("sha1").update(text).digest("hex").slice(0, 16);
}

/**
 * The facts cache a host (the CLI, the language server) uses for `workspaceRoot`: undefined when
 * turned off (`ASSETLINE_FACTS_CACHE=0`) or when the engine runs from its sources, having no
 * fingerprint to key it by.
 */
export function openWorkspaceFactsCache(
  workspaceRoot: string,
  maxFileBytes: number,
  env: NodeJS.ProcessEnv = process.env,
): FactsCache | undefined {
  if (env[FACTS_CACHE_VARIABLE] === "0") return undefined;
  const engine = engineFingerprint();
  if (engine === undefined) return undefined;
  try {
    return FactsCache.open(workspaceRoot, { engine, maxFileBytes, folder: defaultFactsFolder(env) });
  } catch {
    return undefined; // no home folder to keep it in (a user without one): the analysis runs as without
  }
}
