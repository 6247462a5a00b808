import { realpathSync } from "node:fs";
import { relative, resolve, sep } from "node:path";
import { filterOverrides, firstLine, git, GitError, nulSeparated, runGit } from "./gitCommand";

/** The git repository a workspace folder lives in; the workspace may be a subfolder of it. */
export interface GitRepository {
  /** Absolute path of the repository's top level. */
  readonly topLevel: string;
  /** The workspace's path inside the repository, "/"-separated, "" when it is the top level. */
  readonly prefix: string;
  readonly shallow: boolean;
  /** This worktree's git directory (holds HEAD), absolute. */
  readonly gitDir: string;
  /** The directory shared by all worktrees (holds refs and packed-refs), absolute. */
  readonly commonDir: string;
}

/** Finds the repository holding `workspace`; a GitError when there is none or git is missing. */
export function openRepository(workspace: string): GitRepository {
  const result = runGit(workspace, [
    "rev-parse",
    "--show-toplevel",
    "--is-shallow-repository",
    "--absolute-git-dir",
    "--git-common-dir",
  ]);
  if (result.status !== 0) {
    if (/not a git repository/i.test(result.stderr)) {
      throw new GitError(
        "not-a-repository",
        `${workspace} is not inside a git repository; impact analysis compares with a git revision ` +
          "(run `git init` and commit first)",
      );
    }
    throw new GitError("failed", `git cannot read the repository at ${workspace}: ${firstLine(result.stderr)}`);
  }
  const [topLevel = "", shallow = "false", gitDir = "", commonDir = ""] = result.stdout.split("\n");
  // Compare real paths: the workspace may be reached through a symlink (/tmp on macOS).
  const inside = relative(realpathSync(topLevel), realpathSync(workspace)).split(sep).join("/");
  return {
    topLevel,
    prefix: inside,
    shallow: shallow.trim() === "true",
    gitDir,
    // Relative to the directory git ran in.
    commonDir: resolve(workspace, commonDir),
  };
}

/** The commit a revision names (`HEAD`, a branch, `HEAD~1`, a sha); a GitError saying why when it names none. */
export function resolveCommit(repository: GitRepository, ref: string): string {
  if (ref.startsWith("-")) throw new GitError("unknown-revision", `"${ref}" is not a git revision`);
  const result = runGit(repository.topLevel, [
    "rev-parse",
    "--verify",
    "--quiet",
    "--end-of-options",
    `${ref}^{commit}`,
  ]);
  if (result.status === 0) return result.stdout.trim();
  if (ref === "HEAD" && !hasAnyCommit(repository)) {
    throw new GitError(
      "no-commits",
      `the repository at ${repository.topLevel} has no commits yet; commit once so there is a base to compare with`,
    );
  }
  if (repository.shallow) {
    throw new GitError(
      "shallow",
      `"${ref}" is not in this shallow clone; fetch the history it needs ` +
        "(`git fetch --deepen=50`, or `fetch-depth: 0` in CI) and try again",
    );
  }
  throw new GitError(
    "unknown-revision",
    `unknown git revision "${ref}" in ${repository.topLevel}; pass a branch, tag or commit with --base`,
  );
}

function hasAnyCommit(repository: GitRepository): boolean {
  return runGit(repository.topLevel, ["rev-parse", "--verify", "--quiet", "HEAD"]).status === 0;
}

/**
 * Workspace-relative paths whose working-tree content may differ from `commit`: tracked files
 * changed (staged or not), added or deleted since it, and untracked files git does not ignore.
 * Everything else is byte-identical on both sides, so the base side reuses the working side's reading.
 */
export function changedSince(workspace: string, commit: string): Set<string> {
  return workingChanges(workspace, commit).changed;
}

/**
 * What git knows of the working tree under `workspace`: the paths that differ from `commit`
 * (see changedSince), and every path git does not ignore (tracked, or untracked and not
 * ignored by any .gitignore, the repository's top-level ones included).
 */
export function workingChanges(workspace: string, commit: string): { changed: Set<string>; visible: Set<string> } {
  const visible = new Set(
    nulSeparated(git(workspace, ["ls-files", "--cached", "--others", "--exclude-standard", "-z"])),
  );
  const changed = new Set<string>();
  for (const path of nulSeparated(
    git(workspace, [
      ...filterOverrides(workspace),
      "diff",
      "--name-only",
      "-z",
      "--no-renames",
      "--no-ext-diff",
      "--no-textconv",
      "--relative",
      commit,
      "--",
    ]),
  )) {
    changed.add(path);
  }
  for (const path of nulSeparated(git(workspace, ["ls-files", "--others", "--exclude-standard", "-z"])))
    changed.add(path);
  return { changed, visible };
}
