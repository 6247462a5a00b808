/**
 * Files created, changed, deleted or renamed outside the editor buffers (git checkout, a
 * generator, the file explorer), reported by the client's file watcher.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import {
  type DidChangeWatchedFilesParams,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  WatchKind,
} from "vscode-languageserver";
import { isAlwaysSkippedFolder, isAnalysableFile } from "../analysis";
import type { WorkspaceContext } from "./context";

/** A burst of creations (a checkout) costs one walk of the workspace. */
const RELIST_DELAY_MS = 50;

/**
 * Asks the client to watch what the analysis depends on, when it lets servers register watchers;
 * resolves true once the client has answered (its watcher is live from then on).
 */
export async function registerFileWatchers(context: WorkspaceContext): Promise<boolean> {
  if (!context.support.watchedFilesRegistration) {
    context.log(
      "the client cannot watch files for the server: files changed outside the editor are seen when opened or saved",
    );
    return false;
  }
  await context.connection.client.register(DidChangeWatchedFilesNotification.type, {
    // Creations and deletions come from the last watcher alone: a client reports an event once
    // per watcher that matches it.
    watchers: [
      { globPattern: "**/*.{ts,tsx,mts,cts}", kind: WatchKind.Change },
      // .gitignore decides which files are analyzed at all.
      { globPattern: "**/.gitignore", kind: WatchKind.Change },
      // Deleting a folder is reported for the folder only, whatever glob matched its files. Creating
      // one may be too: VS Code's watcher (@parcel/watcher on Linux) starts watching a new folder
      // only once it sees it, so files written into it at once (mkdir -p, a generator, an unzip)
      // are never reported. The folder's creation is, and a walk then finds them.
      { globPattern: "**/*", kind: WatchKind.Create | WatchKind.Delete },
    ],
  });
  return true;
}

export class FileEvents {
  private relistTimer: NodeJS.Timeout | undefined;

  constructor(private readonly context: WorkspaceContext) {}

  handle(params: DidChangeWatchedFilesParams): void {
    const { paths, reader, host } = this.context;
    const changed: string[] = [];
    let relist = false;
    for (const change of params.changes) {
      const file = paths.fileOf(change.uri);
      if (file === undefined) continue;
      if (file === ".gitignore" || file.endsWith("/.gitignore")) {
        relist = true;
        continue;
      }
      switch (change.type) {
        case FileChangeType.Deleted:
          // A file or a whole folder: everything listed under it leaves the analysis.
          changed.push(...reader.dismiss(file));
          break;
        case FileChangeType.Created:
          // Listed already: the walk of the first analysis saw it, or the client folded its change
          // into the creation (VS Code does); either way its text must be read again.
          if (reader.isListed(file)) changed.push(file);
          // Created files go through a walk, so .gitignore still decides whether they count.
          else if (isAnalysableFile(file) || this.isWatchedFolder(file)) relist = true;
          break;
        case FileChangeType.Changed:
          if (reader.isListed(file)) changed.push(file);
          // A file whose creation was never reported (written into a new folder) is news too.
          else if (isAnalysableFile(file)) relist = true;
          break;
      }
    }
    if (changed.length > 0) host.changed(changed);
    if (relist) this.scheduleRelist();
  }

  /** A folder that may hold sources: not one the walk always skips (node_modules, .git, ...). */
  private isWatchedFolder(path: string): boolean {
    if (path.split("/").some(isAlwaysSkippedFolder)) return false;
    try {
      return statSync(join(this.context.paths.root, path)).isDirectory();
    } catch {
      // Gone again already: nothing to find in it.
      return false;
    }
  }

  /** Walks the disk again soon and re-reads whatever appeared or went away. */
  scheduleRelist(): void {
    if (this.relistTimer) return;
    this.relistTimer = setTimeout(() => {
      this.relistTimer = undefined;
      const { added, removed } = this.context.reader.relist();
      if (added.length + removed.length > 0) this.context.host.changed([...added, ...removed]);
    }, RELIST_DELAY_MS);
  }

  dispose(): void {
    if (this.relistTimer) clearTimeout(this.relistTimer);
  }
}
