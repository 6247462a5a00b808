import ignore from "ignore";
import {
  isAlwaysSkippedFolder,
  isAnalysableFile,
  isIgnored,
  type ScopedIgnore,
  type SourceReader,
} from "../sourceReader";
import { BlobReader } from "./blobReader";
import { git, nulSeparated } from "./gitCommand";
import { type GitRepository, openRepository, resolveCommit } from "./repository";

interface TreeEntry {
  /** Workspace-relative, "/"-separated. */
  readonly path: string;
  readonly blob: string;
}

/**
 * The workspace as it was at a git revision, read from git objects: no checkout, no worktree,
 * no temporary copy. The tree is listed with `git ls-tree`, contents come from one long-lived
 * `git cat-file --batch` process. `.gitignore` rules of that revision apply, as on disk.
 *
 * SourceReader is synchronous (the analysis is), git's pipe is not: `load()` fetches the
 * contents the analysis is about to read, and `readFile` answers from what was loaded.
 */
export class GitRevisionReader implements SourceReader {
  private readonly blobs = new Map<string, string>();
  private readonly texts = new Map<string, string | undefined>();
  private blobReader: BlobReader | undefined;

  private constructor(
    readonly root: string,
    readonly repository: GitRepository,
    /** The revision as the user wrote it. */
    readonly ref: string,
    readonly commit: string,
    private readonly files: readonly string[],
    blobs: ReadonlyMap<string, string>,
    blobReader: BlobReader,
  ) {
    for (const [path, blob] of blobs) this.blobs.set(path, blob);
    this.blobReader = blobReader;
  }

  /** Opens the revision `ref` of the repository holding `root`; a GitError when git cannot. */
  static async open(root: string, ref: string, repository = openRepository(root)): Promise<GitRevisionReader> {
    const commit = resolveCommit(repository, ref);
    const entries = listTree(repository, commit);
    const blobReader = new BlobReader(repository.topLevel);
    try {
      const ignores = entries.filter((entry) => entry.path === ".gitignore" || entry.path.endsWith("/.gitignore"));
      const texts = await blobReader.readAll(ignores.map((entry) => entry.blob));
      const rules = new Map<string, ScopedIgnore>();
      ignores.forEach((entry, i) => {
        const base = entry.path.includes("/") ? entry.path.slice(0, entry.path.lastIndexOf("/")) : "";
        rules.set(base, { base, matcher: ignore().add(texts[i] ?? "") });
      });
      const visible = new IgnoreRules(rules);
      const blobs = new Map<string, string>();
      const files: string[] = [];
      for (const entry of entries) {
        if (!isAnalysableFile(entry.path) || visible.hides(entry.path)) continue;
        files.push(entry.path);
        blobs.set(entry.path, entry.blob);
      }
      return new GitRevisionReader(root, repository, ref, commit, files.sort(), blobs, blobReader);
    } catch (error) {
      blobReader.close();
      throw error;
    }
  }

  listFiles(): string[] {
    return this.files.slice();
  }

  /** The object id of a listed file's content (equal ids: equal contents). */
  blobOf(file: string): string | undefined {
    return this.blobs.get(file);
  }

  /** Fetches the contents of `files` (every listed file when absent) so `readFile` can answer. */
  async load(files: Iterable<string> = this.files): Promise<void> {
    const wanted = [...files].filter((file) => this.blobs.has(file) && !this.texts.has(file));
    if (wanted.length === 0) return;
    if (!this.blobReader) throw new Error("GitRevisionReader is closed");
    const texts = await this.blobReader.readAll(wanted.map((file) => this.blobs.get(file)!));
    wanted.forEach((file, i) => this.texts.set(file, texts[i]));
  }

  readFile(file: string): string | undefined {
    if (!this.blobs.has(file)) return undefined;
    if (!this.texts.has(file))
      throw new Error(`${file} at ${this.ref} was read before it was loaded (call load() first)`);
    return this.texts.get(file);
  }

  /** Ends the git process; loaded contents stay readable. */
  close(): void {
    this.blobReader?.close();
    this.blobReader = undefined;
  }
}

/** Blobs under the workspace at `commit`, paths made workspace-relative (submodules and symlinks left out). */
function listTree(repository: GitRepository, commit: string): TreeEntry[] {
  const args = ["ls-tree", "-r", "-z", "--full-tree", commit];
  if (repository.prefix) args.push("--", repository.prefix);
  const strip = repository.prefix ? repository.prefix.length + 1 : 0;
  const entries: TreeEntry[] = [];
  for (const record of nulSeparated(git(repository.topLevel, args))) {
    // "<mode> <type> <object>\t<path>"
    const tab = record.indexOf("\t");
    const [mode, type, blob] = record.slice(0, tab).split(" ");
    if (type !== "blob" || mode === "120000" || blob === undefined) continue;
    entries.push({ path: record.slice(tab + 1).slice(strip), blob });
  }
  return entries;
}

/** The .gitignore files of a tree, applied folder by folder as DiskReader applies them on disk. */
class IgnoreRules {
  private readonly hiddenFolders = new Map<string, boolean>();
  private readonly inherited = new Map<string, readonly ScopedIgnore[]>();

  constructor(private readonly byFolder: ReadonlyMap<string, ScopedIgnore>) {}

  hides(path: string): boolean {
    const slash = path.lastIndexOf("/");
    const folder = slash < 0 ? "" : path.slice(0, slash);
    if (folder && this.hidesFolder(folder)) return true;
    return isIgnored(this.rulesIn(folder), path, false);
  }

  private hidesFolder(folder: string): boolean {
    let hidden = this.hiddenFolders.get(folder);
    if (hidden === undefined) {
      const slash = folder.lastIndexOf("/");
      const parent = slash < 0 ? "" : folder.slice(0, slash);
      const name = folder.slice(slash + 1);
      hidden =
        (parent !== "" && this.hidesFolder(parent)) ||
        isAlwaysSkippedFolder(name) ||
        isIgnored(this.rulesIn(parent), folder, true);
      this.hiddenFolders.set(folder, hidden);
    }
    return hidden;
  }

  /** The rules that apply to entries of `folder`: its own .gitignore and its ancestors'. */
  private rulesIn(folder: string): readonly ScopedIgnore[] {
    let rules = this.inherited.get(folder);
    if (!rules) {
      const slash = folder.lastIndexOf("/");
      const parent = folder === "" ? [] : this.rulesIn(slash < 0 ? "" : folder.slice(0, slash));
      const own = this.byFolder.get(folder);
      rules = own ? [...parent, own] : parent;
      this.inherited.set(folder, rules);
    }
    return rules;
  }
}
