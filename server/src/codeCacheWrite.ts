/**
 * Writing V8's code cache (server/src/codeCache.ts) before the process changes a V8 flag.
 *
 * V8 stamps a cache with a hash of the flags at the moment it is made and rejects it when a later
 * process compiles under other flags. The cache is made at exit, so a flag the language server
 * sets once its analysis is done (lsp/steadyHeap.ts) made every cache it wrote unusable: each
 * start compiled afresh and wrote it again. Whoever changes a flag calls this first. The hook is
 * bundled apart from the engine (it must load first), so the two meet on a global symbol.
 */
export const WRITE_CODE_CACHE = Symbol.for("assetline.codeCache.write");

/** Writes the caches of the scripts compiled so far, if the code cache is installed; else nothing. */
export function writeCodeCacheNow(): void {
  const write = (globalThis as { [WRITE_CODE_CACHE]?: () => void })[WRITE_CODE_CACHE];
  write?.();
}
