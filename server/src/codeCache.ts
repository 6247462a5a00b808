/**
 * V8's code cache for the engine's large scripts, so that a process does not compile them again.
 *
 * Loaded before anything else (`bin/assetline.js` requires dist/codeCache.js, the VS Code client
 * starts the server with `--require` of it). Every start of the CLI or the language server
 * compiled TypeScript's 9 MB compiler and the engine's bundle afresh: ~0.25-0.35 s here, a
 * twentieth of a cold `assetline check` at 3,000 files and of the server's first diagnostics,
 * and paid again by every CLI run in CI. The cache holds the bytecode V8 had compiled by the
 * time the process exited (lazily compiled functions included), so later runs skip that too.
 *
 * Safety: the cache lives in the user's cache folder, never in the workspace (a repository must
 * not be able to hand us bytecode), and is keyed by a hash of the script's whole text, because
 * V8 itself only checks the source's length, V8's version and its flags. A cache V8 rejects is
 * written again; any failure to read or write one is ignored (the script compiles as usual).
 * V8 also rejects a cache made under other flags: see codeCacheShared.ts. Node 22.1+ has this
 * built in (`module.enableCompileCache`), which is used when present.
 */
import "./v8Flags";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Script } from "node:vm";
import { CODE_CACHE_VARIABLE, WRITE_CODE_CACHE, codeCacheFolder } from "./codeCacheShared";

/** Scripts smaller than this compile faster than their cache is read and checked. */
const MIN_CACHED_CHARS = 256 * 1024;
/** How many caches the folder keeps (a few engine versions' scripts: bundle, TypeScript, SQL parser). */
const KEPT_CACHES = 12;

interface Compiled {
  readonly script: Script;
  readonly path: string;
}

type CompileFunction = (this: Module, content: string, filename: string) => unknown;

function install(): void {
  if (process.env[CODE_CACHE_VARIABLE] === "0") return;
  let folder: string;
  try {
    folder = codeCacheFolder();
  } catch {
    return; // no home folder (a user without one, HOME unset): scripts compile as without the cache
  }
  const builtIn = (Module as unknown as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache;
  if (builtIn) {
    builtIn(folder);
    return;
  }
  const prototype = Module.prototype as unknown as { _compile: CompileFunction };
  const original = prototype._compile;
  const toWrite: Compiled[] = [];
  prototype._compile = function compileWithCache(this: Module, content: string, filename: string): unknown {
    if (content.length < MIN_CACHED_CHARS) return original.call(this, content, filename);
    const path = join(folder, `${createHash("sha1").update(content).digest("hex")}.bin`);
    const cachedData = readCache(path);
    const script = new Script(Module.wrap(stripShebang(content)), { filename, cachedData });
    if (cachedData === undefined || script.cachedDataRejected) toWrite.push({ script, path });
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    const require = createRequire(filename);
    return wrapper.call(this.exports, this.exports, require, this, filename, dirname(filename));
  };
  // At exit, so that the functions compiled while the process worked are in the cache too; or
  // earlier, when the process is about to change a V8 flag (codeCacheShared.ts).
  const writePending = (): void => {
    const written = toWrite.splice(0);
    for (const compiled of written) writeCache(compiled);
    if (written.length > 0) prune(folder);
  };
  (globalThis as { [WRITE_CODE_CACHE]?: () => void })[WRITE_CODE_CACHE] = writePending;
  process.once("exit", writePending);
}

function readCache(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

function writeCache({ script, path }: Compiled): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    // Whole or not at all: another process may be reading the same cache.
    const partial = `${path}.${process.pid}.tmp`;
    writeFileSync(partial, script.createCachedData());
    renameSync(partial, path);
  } catch {
    // A read-only or full cache folder only costs the compile next time.
  }
}

/**
 * Every build or upgrade of the engine leaves caches for scripts that no longer exist: only the
 * most recently written are kept. One still in use but older is written again at its next run.
 */
function prune(folder: string): void {
  try {
    const caches = readdirSync(folder)
      .filter((name) => name.endsWith(".bin"))
      .map((name) => ({ path: join(folder, name), written: statSync(join(folder, name)).mtimeMs }))
      .sort((a, b) => b.written - a.written);
    for (const { path } of caches.slice(KEPT_CACHES)) rmSync(path, { force: true });
  } catch {
    // Another process pruning at the same time, or a folder that went away: nothing to do.
  }
}

/** `#!` lines are valid only at the very start of a script, not inside Module.wrap's function. */
function stripShebang(content: string): string {
  return content.startsWith("#!") ? `//${content.slice(2)}` : content;
}

install();
