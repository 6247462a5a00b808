import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CODE_CACHE_VARIABLE, codeCacheFolder } from "../../server/src/codeCacheShared";
import { REPO, assetline } from "./support";

const HOOK = join(REPO, "dist", "codeCache.js");

/** A script over the cache's size threshold that prints `value`; the same length for any 6-digit value. */
function largeScript(value: number): string {
  const filler = Array.from({ length: 9000 }, (_, i) => `function f${i}(x) { return x + ${i % 97}; }`).join("\n");
  return `${filler}\nconsole.log(String(f1(${value}) - 1));\n`;
}

describe("the V8 code cache (server/src/codeCache.ts)", function () {
  let dir: string;
  let cacheHome: string;
  let script: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "assetline-code-cache-"));
    cacheHome = join(dir, "cache");
    script = join(dir, "large.js");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function run(env: NodeJS.ProcessEnv = {}): string {
    const result = spawnSync(process.execPath, ["--require", HOOK, script], {
      encoding: "utf8",
      env: { ...process.env, XDG_CACHE_HOME: cacheHome, ...env },
    });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, "");
    return result.stdout.trim();
  }

  function cacheFiles(): string[] {
    const folder = codeCacheFolder({ XDG_CACHE_HOME: cacheHome });
    try {
      return readdirSync(folder).map((name) => join(folder, name));
    } catch {
      return [];
    }
  }

  it("writes a cache for a large script, then runs from it without writing it again", () => {
    writeFileSync(script, largeScript(123456));
    assert.equal(run(), "123456");
    const [cache, ...others] = cacheFiles();
    assert.ok(cache, "no cache was written");
    assert.deepEqual(others, []);
    const written = statSync(cache).mtimeMs;
    assert.equal(run(), "123456");
    // Rewritten only when V8 rejects it: an unchanged file means the second run used it.
    assert.equal(statSync(cache).mtimeMs, written);
  });

  it("keeps a cache usable when the process changes a V8 flag after writing it on request", () => {
    // What the language server does once its analysis is done (lsp/steadyHeap.ts, codeCacheShared.ts).
    const flagChange = `globalThis[Symbol.for("assetline.codeCache.write")]();
require("node:v8").setFlagsFromString("--heap-growing-percent=10");`;
    writeFileSync(script, `${largeScript(333333)}${flagChange}\n`);
    assert.equal(run(), "333333");
    const [cache] = cacheFiles();
    const written = statSync(cache!).mtimeMs;
    assert.equal(run(), "333333");
    assert.equal(statSync(cache!).mtimeMs, written, "the cache was rejected and written again");
  });

  it("runs the new text of a script whose length did not change (V8 itself checks only the length)", () => {
    writeFileSync(script, largeScript(123456));
    assert.equal(run(), "123456");
    writeFileSync(script, largeScript(654321));
    assert.equal(run(), "654321");
    assert.equal(cacheFiles().length, 2);
  });

  it("ignores a corrupt cache and writes a good one in its place", () => {
    writeFileSync(script, largeScript(111111));
    run();
    const [cache] = cacheFiles();
    writeFileSync(cache!, Buffer.alloc(4096, 7));
    assert.equal(run(), "111111");
    assert.notEqual(statSync(cache!).size, 4096);
    assert.equal(run(), "111111");
  });

  it("keeps only the most recently written caches", () => {
    for (let value = 100000; value < 100014; value++) {
      writeFileSync(script, largeScript(value));
      assert.equal(run(), String(value));
    }
    assert.equal(cacheFiles().length, 12);
    // The latest script's cache is among those kept: it is not written again.
    const latest = cacheFiles().sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0]!;
    const written = statSync(latest).mtimeMs;
    assert.equal(run(), "100013");
    assert.equal(statSync(latest).mtimeMs, written);
  });

  it("runs as usual when the cache folder cannot be written, and not at all when turned off", () => {
    writeFileSync(script, largeScript(222222));
    writeFileSync(cacheHome, "a file where the cache folder would be");
    assert.equal(run(), "222222");
    rmSync(cacheHome);
    assert.equal(run({ [CODE_CACHE_VARIABLE]: "0" }), "222222");
    assert.deepEqual(cacheFiles(), []);
  });

  it("serves the CLI: its bundle and TypeScript are cached after one run", () => {
    const env = { XDG_CACHE_HOME: cacheHome };
    const first = assetline(["--version"], REPO, env);
    assert.equal(first.status, 0, first.stderr);
    // dist/cli.js and TypeScript's compiler are over the threshold; small modules are not cached.
    assert.ok(cacheFiles().length >= 2, `cached: ${cacheFiles().join(", ")}`);
    const second = assetline(["--version"], REPO, env);
    assert.equal(second.stdout, first.stdout);
  });
});
