/** Bad usage (unknown option, missing argument): exit code 2 with a one-line message. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Exit codes the CLI documents. */
export const EXIT = { ok: 0, problems: 1, usage: 2 } as const;
