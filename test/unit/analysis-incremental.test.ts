import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSync } from "esbuild";

const REPO = join(__dirname, "..", "..");

/**
 * The incremental linker must give exactly what a from-scratch analysis gives. This drives
 * bench/analysis/verify.mjs (seeded random edits: SQL keystrokes, deps added and renamed,
 * keys renamed and duplicated, cycles, deleted and created files, syntax errors, barrel and
 * helper edits) on a generated workspace, comparing after every edit.
 */
describe("analysis: incremental re-analysis equals a full analysis", function () {
  this.timeout(300_000);
  let scratch: string;
  let bundle: string;
  let workspace: string;

  before(() => {
    scratch = mkdtempSync(join(tmpdir(), "assetline-incremental-"));
    bundle = join(scratch, "analysis.cjs");
    buildSync({
      entryPoints: [join(REPO, "server", "src", "analysis", "index.ts")],
      bundle: true,
      platform: "node",
      format: "cjs",
      packages: "external",
      outfile: bundle,
      logLevel: "error",
      absWorkingDir: REPO,
    });
    workspace = join(scratch, "workspace");
    const generated = spawnSync(process.execPath, [join(REPO, "bench", "analysis", "generate.mjs"), workspace, "80"], { encoding: "utf8" });
    assert.equal(generated.status, 0, generated.stderr);
  });
  after(() => scratch && rmSync(scratch, { recursive: true, force: true }));

  for (const seed of [1, 2, 3]) {
    it(`after each of 150 random edits (seed ${seed})`, () => {
      const result = spawnSync(process.execPath, [join(REPO, "bench", "analysis", "verify.mjs"), "incremental", bundle, workspace, "150", String(seed)], {
        encoding: "utf8",
        // Resolve the engine's dependencies (ts-morph, sql-parser-cst) from the repo, as an install would.
        env: { ...process.env, NODE_PATH: join(REPO, "node_modules") },
      });
      assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`.slice(-4000));
    });
  }
});
