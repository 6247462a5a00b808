// What the benchmarks share before and around their measurements: numeric flags, the engine
// bundled with esbuild as it ships (into the benchmark's git-ignored generated/ folder), and the
// medians and load figures every report is made of.
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, homedir, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { engineBuildDefine } from "../../scripts/engineBuildId.mjs";

/** `--name N` pairs as `{ name: N }` (numbers); other arguments are the caller's to read. */
export function numericFlags(argv = process.argv.slice(2)) {
  return Object.fromEntries(
    argv.reduce(
      (pairs, arg, i, all) => (arg.startsWith("--") ? [...pairs, [arg.slice(2), Number(all[i + 1])]] : pairs),
      [],
    ),
  );
}

/** Bundles `entry` into `outfile` for Node 20 as CommonJS; `options` add to esbuild's. */
export async function buildForNode(entry, outfile, options = {}) {
  mkdirSync(dirname(outfile), { recursive: true });
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    outfile,
    logLevel: "warning",
    ...options,
  });
  return outfile;
}

/**
 * `buildForNode` with every npm package external, as esbuild.mjs builds the CLI and the
 * engine's Node bundles: dependencies resolve from node_modules, as they do in a user's install.
 */
export function buildLikeShipped(entry, outfile, options = {}) {
  return buildForNode(entry, outfile, { packages: "external", define: engineBuildDefine(), ...options });
}

/**
 * Bundles `entry` into `outfile` for Node, as the engine ships, and loads it. Native and
 * server-side packages stay `external`: loaded from node_modules, as users' installs do.
 */
export async function bundle(entry, outfile, external = ["better-sqlite3"]) {
  await buildForNode(entry, outfile, { external, logLevel: "error" });
  return createRequire(outfile)(outfile);
}

/**
 * Removes the facts caches of the workspace at `dir` from the user's cache folder, one per engine
 * build (named as server/src/analysis/cache/factsCache.ts names them), so a run starts without one.
 */
export function removeFactsCaches(dir) {
  const folder = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "assetline", "facts");
  const prefix = `${createHash("sha1").update(resolve(dir)).digest("hex").slice(0, 16)}-`;
  if (!existsSync(folder)) return;
  for (const name of readdirSync(folder)) if (name.startsWith(prefix)) rmSync(join(folder, name), { force: true });
}

/** The middle value (the upper one of an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Milliseconds since `start`, a `process.hrtime.bigint()`. */
export function msSince(start) {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** "load average at start: 1.20 0.90 0.70 on 2 cores": figures mean little without it. */
export function loadLine(when = "at start") {
  return `load average ${when}: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")} on ${cpus().length} cores`;
}
