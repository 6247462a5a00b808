import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
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

/** A scratch copy of the example with its raw data generated (into the warehouse `env` configures), as a user would have it. */
export function exampleCopy(env: NodeJS.ProcessEnv = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "assetline-example-"));
  cpSync(join(REPO, "examples", "jaffle_shop"), dir, {
    recursive: true,
    filter: (source) => !source.includes(`${join("jaffle_shop", ".assetline")}`) && !source.includes("node_modules"),
  });
  const generated = spawnSync(process.execPath, ["scripts/generate-data.mjs"], {
    cwd: dir,
    encoding: "utf8",
    // A copy outside the repo has no node_modules: resolve the drivers from the engine's, as an install would.
    env: { ...process.env, NODE_PATH: join(REPO, "node_modules"), ...env },
  });
  assert.equal(generated.status, 0, generated.stderr);
  return dir;
}
