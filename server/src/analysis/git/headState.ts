import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { GitRepository } from "./repository";

/**
 * Where HEAD points, read from the files git writes, without running git: HEAD itself (a
 * branch name or, detached, a sha), the loose ref of that branch, and packed-refs (where a ref
 * lives after `git pack-refs`, and what `git gc` rewrites). Any commit, checkout, reset, rebase
 * or pull changes one of them, so a resolved revision is stale exactly when this changes. A few
 * small reads: cheap enough to do before every answer.
 */
export function headState(repository: GitRepository): string {
  const head = readOrEmpty(join(repository.gitDir, "HEAD")).trim();
  const parts = [head];
  const symbolic = /^ref: (refs\/\S+)$/.exec(head);
  if (symbolic) parts.push(readOrEmpty(join(repository.commonDir, symbolic[1]!)).trim());
  parts.push(stamp(join(repository.commonDir, "packed-refs")));
  return parts.join("\n");
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/** Size and modification time: packed-refs may be large, and it is rewritten whole when it changes. */
function stamp(path: string): string {
  try {
    const stats = statSync(path);
    return `${stats.size}:${stats.mtimeMs}`;
  } catch {
    return "";
  }
}
