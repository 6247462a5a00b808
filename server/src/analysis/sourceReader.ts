import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import ignore, { type Ignore } from "ignore";

/**
 * The one way the analysis sees file contents. The CLI reads the disk, the language server
 * lays unsaved editor buffers over the disk, and impact analysis reads a git revision:
 * the analysis itself is the same in all three.
 */
export interface SourceReader {
  /** Absolute path of the workspace root. */
  readonly root: string;
  /** Workspace-relative, "/"-separated paths of the TypeScript files to analyze, sorted. */
  listFiles(): string[];
  /** The file's text, or undefined when it does not exist or cannot be read. */
  readFile(file: string): string | undefined;
  /**
   * Why the last `readFile(file)` returned undefined although the file exists ("permission
   * denied"), or undefined when it simply is not there. Optional: a reader whose files are
   * always readable (a git revision) has nothing to say.
   */
  unreadableReason?(file: string): string | undefined;
  /** What the last `listFiles()` could not look into (folders, .gitignore files), in walk order. */
  unreadablePaths?(): readonly UnreadablePath[];
}

/** A folder or .gitignore file the listing could not read, so what it holds or says is missing. */
export interface UnreadablePath {
  /** Workspace-relative, "/"-separated; "" for the root. */
  readonly path: string;
  readonly kind: "folder" | "gitignore";
  /** In a few words: "permission denied", or the system's error code. */
  readonly reason: string;
}

/** One line for a user: what was skipped, why, and what to do. */
export function describeUnreadable(entry: UnreadablePath): string {
  const shown = entry.path === "" ? "the workspace folder" : entry.path;
  if (entry.kind === "gitignore") {
    return (
      `cannot read ${shown} (${entry.reason}), so its rules are not applied and files it ignores may be analysed; ` +
      `give your user read permission on it (chmod a+r ${entry.path})`
    );
  }
  return (
    `skipped ${shown}/: cannot read the folder (${entry.reason}), so assets in it are not analysed; ` +
    `give your user read and execute permission on it (chmod a+rx ${entry.path || "."}) or add it to .gitignore`
  );
}

/** The reason a read failed, in a user's words; undefined when the path just does not exist (any more). */
export function readFailure(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT" || code === "ENOTDIR") return undefined;
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "it is a folder";
  return code ?? (error instanceof Error ? error.message : String(error));
}

const SOURCE_EXTENSIONS = [".ts", ".tsx", ".mts", ".cts"];
/** Folders that never hold user definitions, whatever .gitignore says. */
const ALWAYS_SKIPPED = new Set(["node_modules", ".git", ".assetline", ".hg", ".svn"]);

/** True for folder names never analysed, whatever .gitignore says (readers of other sources apply it too). */
export function isAlwaysSkippedFolder(name: string): boolean {
  return ALWAYS_SKIPPED.has(name);
}

/** True for TypeScript sources the analysis reads (declaration files are skipped). */
export function isAnalysableFile(file: string): boolean {
  if (file.endsWith(".d.ts") || file.endsWith(".d.mts") || file.endsWith(".d.cts")) return false;
  return SOURCE_EXTENSIONS.some((extension) => file.endsWith(extension));
}

/** Converts an OS path relative to the root into the workspace's "/"-separated form. */
export function toWorkspacePath(root: string, absolutePath: string): string {
  return relative(root, absolutePath).split(sep).join("/");
}

/** One options object for every read: given "utf8", Node copies its defaults into a new one per call. */
const READ_TEXT = { encoding: "utf8", flag: "r" } as const;

/** Reads the workspace from disk, honouring .gitignore files at every level. */
export class DiskReader implements SourceReader {
  /** Files whose last read failed although they exist, with why. */
  private readonly failedReads = new Map<string, string>();
  private unreadable: UnreadablePath[] = [];

  constructor(readonly root: string) {}

  listFiles(): string[] {
    const files: string[] = [];
    this.unreadable = [];
    this.walk("", [], files);
    return files.sort();
  }

  readFile(file: string): string | undefined {
    try {
      const text = readFileSync(join(this.root, file), READ_TEXT);
      this.failedReads.delete(file);
      return text;
    } catch (error) {
      const reason = readFailure(error);
      if (reason === undefined) this.failedReads.delete(file);
      else this.failedReads.set(file, reason);
      return undefined;
    }
  }

  unreadableReason(file: string): string | undefined {
    return this.failedReads.get(file);
  }

  unreadablePaths(): readonly UnreadablePath[] {
    return this.unreadable;
  }

  private walk(folder: string, inherited: readonly ScopedIgnore[], out: string[]): void {
    const absolute = join(this.root, folder);
    let entries;
    try {
      entries = readdirSync(absolute, { withFileTypes: true });
    } catch (error) {
      // Nothing to analyze there, and no reason to fail the rest; but say so (a folder gone
      // since its parent was listed is no news).
      const reason = readFailure(error);
      if (reason !== undefined) this.unreadable.push({ path: folder, kind: "folder", reason });
      return;
    }
    const rules = [...inherited];
    const gitignore = entries.find((entry) => entry.name === ".gitignore" && entry.isFile());
    if (gitignore) {
      try {
        rules.push({ base: folder, matcher: ignore().add(readFileSync(join(absolute, ".gitignore"), "utf8")) });
      } catch (error) {
        // Treated as absent, and said.
        const reason = readFailure(error);
        const path = folder ? `${folder}/.gitignore` : ".gitignore";
        if (reason !== undefined) this.unreadable.push({ path, kind: "gitignore", reason });
      }
    }
    for (const entry of entries) {
      const path = folder ? `${folder}/${entry.name}` : entry.name;
      const isDirectory = entry.isDirectory();
      if (entry.isSymbolicLink()) {
        // Follow links to files only: linked folders (node_modules links, monorepo loops)
        // could make the walk unbounded.
        try {
          if (statSync(join(absolute, entry.name)).isDirectory()) continue;
        } catch {
          continue;
        }
      }
      if (isDirectory && ALWAYS_SKIPPED.has(entry.name)) continue;
      if (isIgnored(rules, path, isDirectory)) continue;
      if (isDirectory) this.walk(path, rules, out);
      else if (isAnalysableFile(path)) out.push(path);
    }
  }
}

export interface ScopedIgnore {
  /** The folder holding the .gitignore, relative to the root ("" for the root). */
  readonly base: string;
  readonly matcher: Ignore;
}

/** True when one of the .gitignore rule sets (each scoped to its folder) ignores the path. */
export function isIgnored(rules: readonly ScopedIgnore[], path: string, isDirectory: boolean): boolean {
  for (const rule of rules) {
    const local = rule.base ? path.slice(rule.base.length + 1) : path;
    if (rule.matcher.ignores(isDirectory ? `${local}/` : local)) return true;
  }
  return false;
}

/**
 * Unsaved buffers laid over another reader: the language server's view of the workspace.
 * Open documents win over the disk; files that exist only as buffers are listed too.
 */
export class OverlayReader implements SourceReader {
  private readonly buffers = new Map<string, string>();

  constructor(private readonly base: SourceReader) {}

  get root(): string {
    return this.base.root;
  }

  setBuffer(file: string, text: string): void {
    this.buffers.set(file, text);
  }

  clearBuffer(file: string): void {
    this.buffers.delete(file);
  }

  hasBuffer(file: string): boolean {
    return this.buffers.has(file);
  }

  listFiles(): string[] {
    const files = new Set(this.base.listFiles());
    for (const file of this.buffers.keys()) if (isAnalysableFile(file)) files.add(file);
    return [...files].sort();
  }

  readFile(file: string): string | undefined {
    return this.buffers.get(file) ?? this.base.readFile(file);
  }

  unreadableReason(file: string): string | undefined {
    return this.buffers.has(file) ? undefined : this.base.unreadableReason?.(file);
  }

  unreadablePaths(): readonly UnreadablePath[] {
    return this.base.unreadablePaths?.() ?? [];
  }
}
