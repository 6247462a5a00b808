import { spawnSync } from "node:child_process";

/** Why git could not answer, in the user's words; `assetline impact` prints it on one line and exits 2. */
export type GitErrorKind =
  "git-missing" | "not-a-repository" | "unknown-revision" | "shallow" | "no-commits" | "failed";

export class GitError extends Error {
  override readonly name = "GitError";

  constructor(
    readonly kind: GitErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** Output of one git command, which must succeed; arguments never go through a shell. */
export function git(cwd: string, args: readonly string[]): string {
  const result = runGit(cwd, args);
  if (result.status !== 0) {
    throw new GitError(
      "failed",
      `git ${args[0]} failed in ${cwd}: ${firstLine(result.stderr) || `exit code ${result.status}`}`,
    );
  }
  return result.stdout;
}

export interface GitResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs git, reporting a missing executable as a GitError; a non-zero exit is the caller's to judge. */
export function runGit(cwd: string, args: readonly string[]): GitResult {
  const result = spawnSync("git", args, {
    cwd,
    encoding: "utf8",
    maxBuffer: 512 * 1024 * 1024,
    // Never prompt (credentials, pagers) and never read the user's pager or editor settings.
    env: { ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_PAGER: "cat", GIT_OPTIONAL_LOCKS: "0", LC_ALL: "C" },
  });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    if (code === "ENOENT")
      throw new GitError(
        "git-missing",
        "git is not installed or not on PATH; impact analysis reads the base revision with git",
      );
    throw new GitError("failed", `could not run git in ${cwd}: ${result.error.message}`);
  }
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/** Splits `-z` output into its records. */
export function nulSeparated(output: string): string[] {
  const records = output.split("\0");
  if (records[records.length - 1] === "") records.pop();
  return records;
}

export function firstLine(text: string): string {
  return text
    .trim()
    .split("\n", 1)[0]!
    .replace(/^(fatal|error): /, "");
}
