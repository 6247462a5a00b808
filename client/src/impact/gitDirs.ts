/**
 * Where the files are whose change means "HEAD moved": the repository's HEAD (per worktree)
 * and its refs (shared by all worktrees). Found by reading the file system only, never by
 * running git, so locating them is safe in any workspace and costs no process. No vscode import.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";

export interface GitDirs {
  /** Holds HEAD: `.git`, or `.git/worktrees/<name>` for a linked worktree. */
  readonly gitDir: string;
  /** Holds refs/ and packed-refs: the same as gitDir except in a linked worktree. */
  readonly commonDir: string;
}

/**
 * The git directories of the repository containing `folder` (which may be a subfolder of it),
 * or undefined when it is in no repository or `.git` is unreadable.
 */
export function findGitDirs(folder: string): GitDirs | undefined {
  for (let current = resolve(folder); ; current = dirname(current)) {
    const dotGit = join(current, ".git");
    const found = existsSync(dotGit) ? gitDirsAt(dotGit) : undefined;
    if (found) return found;
    if (dirname(current) === current) return undefined;
  }
}

function gitDirsAt(dotGit: string): GitDirs | undefined {
  try {
    const gitDir = statSync(dotGit).isDirectory() ? dotGit : linkedGitDir(dotGit);
    if (gitDir === undefined || !existsSync(join(gitDir, "HEAD"))) return undefined;
    return { gitDir, commonDir: commonDirOf(gitDir) };
  } catch {
    return undefined;
  }
}

/** A `.git` file (linked worktree, submodule) says `gitdir: <path>`, relative to the file's folder. */
function linkedGitDir(dotGitFile: string): string | undefined {
  const match = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotGitFile, "utf8"));
  if (!match) return undefined;
  return isAbsolute(match[1]!) ? match[1]! : resolve(dirname(dotGitFile), match[1]!);
}

/** A linked worktree's git dir names the shared one in `commondir`, relative to itself. */
function commonDirOf(gitDir: string): string {
  const file = join(gitDir, "commondir");
  if (!existsSync(file)) return gitDir;
  const named = readFileSync(file, "utf8").trim();
  return isAbsolute(named) ? named : resolve(gitDir, named);
}
