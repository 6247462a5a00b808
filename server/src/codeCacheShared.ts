/**
 * What V8's code cache hook (server/src/codeCache.ts) shares with the rest of the engine and its
 * tests, without installing the hook: where the caches live, how to turn them off, and writing
 * them before the process changes a V8 flag.
 *
 * V8 stamps a cache with a hash of the flags at the moment it is made and rejects it when a later
 * process compiles under other flags. The cache is made at exit, so a flag the language server
 * sets once its analysis is done (lsp/steadyHeap.ts) made every cache it wrote unusable: each
 * start compiled afresh and wrote it again. Whoever changes a flag calls writeCodeCacheNow first.
 * The hook is bundled apart from the engine (it must load first), so the two meet on a global symbol.
 */
import { homedir } from "node:os";
import { join } from "node:path";

export const WRITE_CODE_CACHE = Symbol.for("assetline.codeCache.write");

/** Set to "0" to compile every script afresh (to measure, or to rule the cache out). */
export const CODE_CACHE_VARIABLE = "ASSETLINE_CODE_CACHE";

/** The folder caches go to: per Node version and architecture, as V8's data is specific to both. */
export function codeCacheFolder(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "assetline", "v8", `${process.version}-${process.arch}`);
}

/** Writes the caches of the scripts compiled so far, if the code cache is installed; else nothing. */
export function writeCodeCacheNow(): void {
  const write = (globalThis as { [WRITE_CODE_CACHE]?: () => void })[WRITE_CODE_CACHE];
  write?.();
}
