/**
 * Tells when HEAD may have moved: a commit, checkout, reset, rebase or pull rewrites HEAD (per
 * worktree) or a ref (shared). File system watchers on those files, not the vscode.git API:
 * the Git extension may be disabled (`git.enabled: false`, restricted mode) and this needs no
 * git process at all. The burst of writes one git command makes is reported once.
 */
import * as vscode from "vscode";
import { type GitDirs, findGitDirs } from "./gitDirs";

/** A git command writes lock files and renames them; one report after the burst settles. */
const SETTLE_MS = 100;

export class HeadWatcher implements vscode.Disposable {
  private watched: GitDirs | undefined;
  private watchers: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly moved: () => void) {}

  /** Watches the repository containing `folder`; a no-op when it already does. */
  watch(folder: string): void {
    const dirs = findGitDirs(folder);
    if (dirs?.gitDir === this.watched?.gitDir && dirs?.commonDir === this.watched?.commonDir) return;
    this.unwatch();
    this.watched = dirs;
    if (!dirs) return;
    // A RelativePattern with an absolute base also watches outside the workspace (a repository
    // above a workspace subfolder, a linked worktree's git dir).
    const patterns = [
      new vscode.RelativePattern(vscode.Uri.file(dirs.gitDir), "HEAD"),
      new vscode.RelativePattern(vscode.Uri.file(dirs.commonDir), "{packed-refs,refs/**}"),
    ];
    for (const pattern of patterns) {
      const watcher = vscode.workspace.createFileSystemWatcher(pattern);
      this.watchers.push(
        watcher,
        watcher.onDidChange(() => this.settle()),
        watcher.onDidCreate(() => this.settle()),
        watcher.onDidDelete(() => this.settle()),
      );
    }
  }

  dispose(): void {
    this.unwatch();
  }

  private unwatch(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const disposable of this.watchers.splice(0)) disposable.dispose();
    this.watched = undefined;
  }

  private settle(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.moved();
    }, SETTLE_MS);
  }
}
