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
      `git ${subcommand(args)} failed in ${cwd}: ${firstLine(result.stderr) || `exit code ${result.status}`}`,
    );
  }
  return result.stdout;
}

export interface GitResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Options that keep a repository's own config from making git run a program. A repository is
 * data the user may not have written (a clone, a downloaded archive), and its `.git/config` can
 * name programs git then runs: `core.fsmonitor` on every command that reads the index
 * (`ls-files`, `diff`), a promisor remote's transport when a partial clone lacks a blob
 * (`cat-file`). Filter drivers (`git diff` hashes changed files through `filter.X.clean`) are
 * named by the repository too; `filterOverrides` turns those off for the command that needs it.
 */
export const NEUTRAL_CONFIG: readonly string[] = [
  "-c",
  "core.fsmonitor=false",
  // No transport at all: a missing object is an error, never a fetch through a configured helper.
  "-c",
  "protocol.allow=never",
];

/** Environment for every git process: never prompt, never page, never take optional locks. */
export function gitEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_TERMINAL_PROMPT: "0",
    GIT_PAGER: "cat",
    GIT_OPTIONAL_LOCKS: "0",
    // git ≥ 2.44: a partial clone's missing object is not fetched (protocol.allow covers older gits).
    GIT_NO_LAZY_FETCH: "1",
    LC_ALL: "C",
  };
}

/**
 * `-c` options emptying every filter driver the config names (clean, smudge, process) and making
 * none required, so `git diff` compares raw bytes instead of running the repository's programs.
 * Reading config runs nothing itself. A file a filter would have rewritten then counts as changed,
 * which costs reading it once more, never a wrong answer.
 */
export function filterOverrides(cwd: string): string[] {
  const result = runGit(cwd, ["config", "--null", "--get-regexp", "^filter\\."]);
  // Exit 1: no filter configured.
  if (result.status !== 0) return [];
  const drivers = new Set<string>();
  for (const record of nulSeparated(result.stdout)) {
    const key = record.split("\n", 1)[0]!;
    const last = key.lastIndexOf(".");
    if (last > "filter.".length) drivers.add(key.slice("filter.".length, last));
  }
  return [...drivers].flatMap((driver) =>
    ["clean=", "smudge=", "process=", "required=false"].flatMap((setting) => ["-c", `filter.${driver}.${setting}`]),
  );
}

/** Runs git, reporting a missing executable as a GitError; a non-zero exit is the caller's to judge. */
export function runGit(cwd: string, args: readonly string[]): GitResult {
  const result = spawnSync("git", [...NEUTRAL_CONFIG, ...args], {
    cwd,
    encoding: "utf8",
    maxBuffer: 512 * 1024 * 1024,
    env: gitEnv(),
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

/** The command's name, after any `-c name=value` options. */
function subcommand(args: readonly string[]): string {
  return args.find((arg, index) => !arg.startsWith("-") && args[index - 1] !== "-c") ?? "";
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
