/**
 * The server's view of the workspace files: the disk listing (honouring .gitignore), with
 * the editor's unsaved buffers laid over it.
 */
import { DiskReader, OverlayReader, type SourceReader, type UnreadablePath } from "../analysis";

export interface ListingChange {
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

/**
 * Lists files from a cached walk instead of walking on every `listFiles`, and answers
 * "no such file" for files the walk did not list. That second part matters: a file that
 * became ignored (or whose folder was deleted) must drop out of the analysis when it is
 * re-read, even though its text may still be readable.
 */
export class WorkspaceReader implements SourceReader {
  private readonly disk: DiskReader;
  private readonly overlay: OverlayReader;
  private listed = new Set<string>();
  private walked = false;
  /** Unreadable folders and .gitignore files already told about, so each walk does not repeat them. */
  private reported = new Set<string>();

  constructor(
    readonly root: string,
    /** Told about folders and .gitignore files a walk could not read, once each until they become readable. */
    private readonly onUnreadable: (paths: readonly UnreadablePath[]) => void = () => undefined,
  ) {
    this.disk = new DiskReader(root);
    this.overlay = new OverlayReader(this.disk);
  }

  /** Walks the disk again; returns what appeared and what went away since the last walk. */
  relist(): ListingChange {
    const now = new Set(this.disk.listFiles());
    const unreadable = this.disk.unreadablePaths();
    const fresh = unreadable.filter((entry) => !this.reported.has(entry.path));
    this.reported = new Set(unreadable.map((entry) => entry.path));
    if (fresh.length > 0) this.onUnreadable(fresh);
    const added = [...now].filter((file) => !this.listed.has(file));
    const removed = [...this.listed].filter((file) => !now.has(file));
    this.listed = now;
    this.walked = true;
    return { added, removed };
  }

  /** True once the disk has been walked: what changed since is known only from the watcher. */
  get hasListed(): boolean {
    return this.walked;
  }

  /** Adds a file the editor knows exists (a watcher event, a file opened) without a walk. */
  admit(file: string): void {
    this.listed.add(file);
  }

  /** Forgets files (deleted on disk), and every file under them when they name a folder. */
  dismiss(path: string): string[] {
    const prefix = `${path}/`;
    const gone = [...this.listed].filter((file) => file === path || file.startsWith(prefix));
    for (const file of gone) this.listed.delete(file);
    return gone;
  }

  isListed(file: string): boolean {
    return this.listed.has(file);
  }

  listFiles(): string[] {
    return [...this.listed].sort();
  }

  readFile(file: string): string | undefined {
    return this.listed.has(file) ? this.overlay.readFile(file) : undefined;
  }

  unreadableReason(file: string): string | undefined {
    return this.listed.has(file) ? this.overlay.unreadableReason(file) : undefined;
  }

  unreadablePaths(): readonly UnreadablePath[] {
    return this.disk.unreadablePaths();
  }

  setBuffer(file: string, text: string): void {
    this.overlay.setBuffer(file, text);
  }

  clearBuffer(file: string): void {
    this.overlay.clearBuffer(file);
  }
}
