/** Bad usage (unknown option, missing argument): exit code 2 with a one-line message. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/**
 * Exit codes the CLI documents (README, "Exit codes"): scripts and CI branch on them.
 * `history` is the environment's fault, not the workspace's: the run history file cannot be
 * read or written (permissions, not a database, written by a newer Assetline, disk full).
 * `internal` (EX_SOFTWARE) is a bug in Assetline.
 */
export const EXIT = { ok: 0, problems: 1, usage: 2, history: 3, internal: 70 } as const;
