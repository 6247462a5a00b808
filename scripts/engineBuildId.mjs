// Which engine a build holds, for caches of what the engine computed (the facts cache,
// server/src/analysis/cache/engineFingerprint.ts): a hash of the engine's sources, the locked
// dependency versions and this build's settings. Every bundle of one build gets the same id, so
// the CLI and the language server read each other's caches; any change to the code gives another.
// A watch build has none (its code changes while the id would not): it caches nothing.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;

/** The `define` esbuild gives every engine bundle. */
export function engineBuildDefine() {
  return { __ASSETLINE_ENGINE_BUILD__: JSON.stringify(engineBuildId()) };
}

/** The id of the engine in `root` (a checkout: server/src, package-lock.json, esbuild.mjs). */
export function engineBuildId(root = ROOT) {
  const hash = createHash("sha1");
  for (const file of [
    ...sourceFiles(join(root, "server", "src")),
    join(root, "package-lock.json"),
    join(root, "esbuild.mjs"),
  ]) {
    hash.update(`${relative(root, file)}\n`);
    hash.update(readFileSync(file));
  }
  return hash.digest("hex");
}

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => (entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : [join(dir, entry.name)]));
}
