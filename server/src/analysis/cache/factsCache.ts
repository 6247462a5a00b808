import { createHash } from "node:crypto";
import { readFileSync, utimesSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { FileFacts } from "../facts";
import { engineFingerprint } from "./engineFingerprint";
import { FactsCacheWriter } from "./factsCacheWriter";
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
  /** The hash of the text each file was last looked up or saved with, so that no text is hashed twice. */
  private readonly hashes = new Map<string, { readonly text: string; readonly hash: string }>();
  /** Facts decoded from a stored line, by file, with the hash of their text: that line is written out again. */
  private readonly decoded = new Map<string, { readonly facts: FileFacts; readonly hash: string }>();
  /** How many files the cache file held (less the damaged lines), once `stored` is released. */
  private storedCount = 0;
  /** True once the lines are let go of (`releaseLines`): saving reads the file again for those it keeps. */
  private released = false;
  /** Files whose stored line did not decode: never written out again as it is. */
  private readonly damaged = new Set<string>();

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
      this.damaged.add(file);
      this.storedCount--;
      return undefined;
    }
    this.decoded.set(file, { facts, hash });
    return facts;
  };

  /**
   * The cache file's line for `facts`: the stored one when it holds the facts of the same text (the
   * facts are a function of it), else a new encoding. Undefined for facts not worth keeping (skipped
   * files) or that cannot be kept exactly.
   */
  lineFor(facts: FileFacts): string | Buffer | undefined {
    if (facts.skipped) return undefined;
    const hash = this.hashOfFacts(facts);
    const stored = this.damaged.has(facts.file) ? undefined : this.storedLine(facts.file, hash);
    if (stored !== undefined) return stored;
    const json = encodeFacts(facts);
    if (json === undefined) return undefined;
    return `${hash} ${JSON.stringify(facts.file)}\t${json}`;
  }

  /** The hash of the text `facts` were read from, hashed once per text. */
  private hashOfFacts(facts: FileFacts): string {
    const decoded = this.decoded.get(facts.file);
    if (decoded?.facts === facts) return decoded.hash;
    const known = this.hashes.get(facts.file);
    // The file may have been edited since it was looked up: its facts are then of another text.
    if (known !== undefined && known.text === facts.text) return known.hash;
    const hash = hashOf(facts.text);
    this.hashes.set(facts.file, { text: facts.text, hash });
    return hash;
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
   * A new cache file for `facts`, written as they are added (callers may spread that over several
   * turns) and put in place by `finish`, atomically: a reader never sees half a file. Undefined when
   * the file already holds exactly those facts: it is only marked used then. Throws on I/O errors.
   */
  startWriting(facts: ReadonlyArray<FileFacts | undefined>): FactsCacheWriter | undefined {
    if (this.wouldWriteTheSame(facts)) {
      this.markUsed();
      return undefined;
    }
    return new FactsCacheWriter((one) => this.lineFor(one), this.path, JSON.stringify(this.header));
  }

  /** Writes the facts of the workspace's files, unless the file holds them already. Returns whether it wrote. */
  save(facts: ReadonlyArray<FileFacts | undefined>): boolean {
    const writer = this.startWriting(facts);
    if (writer === undefined) return false;
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
   * True when the cache file holds exactly the lines `facts` would be written as: every file's facts
   * of its current text, and nothing else. Skipped files (too large, unreadable) are never stored,
   * so they change nothing.
   */
  private wouldWriteTheSame(facts: ReadonlyArray<FileFacts | undefined>): boolean {
    let kept = 0;
    let allReadBack = true;
    for (const one of facts) {
      if (one === undefined || one.skipped) continue;
      kept++;
      if (this.decoded.get(one.file)?.facts !== one) allReadBack = false;
    }
    // The common case, told without reading the file again: every file's facts came from it.
    if (allReadBack) return kept === this.storedCount && kept === this.decoded.size;
    for (const one of facts) {
      if (one === undefined || one.skipped) continue;
      if (this.damaged.has(one.file) || this.storedLine(one.file, this.hashOfFacts(one)) === undefined) return false;
    }
    return kept === this.storedCount;
  }

  /**
   * Marks the cache file used, when a run read it and had nothing to add: the oldest files go first
   * when caches are pruned, and a cache read every day must not look old.
   */
  private markUsed(): void {
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
    this.damaged.clear();
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

/** `$XDG_CACHE_HOME/assetline/facts`, else `~/.cache/assetline/facts`. */
export function defaultFactsFolder(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "assetline", "facts");
}

function cacheFileName(header: Header): string {
  const workspace = shortHash(header.root);
  return `${workspace}-${shortHash(`${header.engine}\n${header.maxFileBytes}`)}.jsonl`;
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
