/**
 * Running the CLI as a user without root's way past file permissions. The suites run as root
 * in CI, and root reads and writes any file whatever its mode, so permission cases drop to
 * `nobody` with setpriv. Run as anyone else, the current user already obeys permissions.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync } from "node:fs";
import { CLI, type CliResult } from "./support";

export const IS_ROOT = typeof process.getuid === "function" && process.getuid() === 0;
/** nobody:nogroup on Debian. */
export const NOBODY = { uid: 65534, gid: 65534 };

/** Runs the built CLI as `nobody` when this process is root, else as the current user. */
export function assetlineUnprivileged(args: readonly string[], cwd: string): CliResult {
  const command = IS_ROOT
    ? ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", process.execPath, CLI, ...args]
    : [process.execPath, CLI, ...args];
  const result = spawnSync(command[0]!, command.slice(1), { cwd, encoding: "utf8", timeout: 120_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Gives a path to the unprivileged user (a no-op when not root: it is already the user's). */
export function giveToUnprivileged(path: string): void {
  if (IS_ROOT) chownSync(path, NOBODY.uid, NOBODY.gid);
}

/** Makes the folders above a temp workspace passable, so nobody can reach it (mkdtemp creates 0700). */
export function openToEveryone(dir: string): void {
  chmodSync(dir, 0o755);
}
