import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

export const REPO = join(__dirname, "..", "..");
export const CLI = join(REPO, "bin", "assetline.js");

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built `assetline` CLI as a user would, from `cwd`. */
export function assetline(args: readonly string[], cwd = REPO, env: NodeJS.ProcessEnv = {}): CliResult {
  if (!existsSync(join(REPO, "dist", "cli.js"))) throw new Error("dist/cli.js is missing: run `npm run build` first");
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
