import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WorkspaceAnalysis } from "../../server/src/analysis";
import { loadTree, MemoryReader, randomEditor, seededRng } from "./support/randomEdits";
import { canonical, canonicalJson, firstDifference } from "./support/snapshotCanonical";

const REPO = join(__dirname, "..", "..");

/**
 * ASSETLINE_LONG_VERIFY=1 runs the long guard for performance work on the analysis: a
 * 200-file workspace, 5 seeds of 300 edits (minutes). The default is sized for `npm test`.
 */
const LONG = process.env.ASSETLINE_LONG_VERIFY === "1";
const FILES = LONG ? 200 : 20;
const STEPS = LONG ? 300 : 30;
const SEEDS = LONG ? [1, 2, 3, 4, 5] : [1, 2];

/**
 * The incremental linker must give exactly what a from-scratch analysis gives: seeded random
 * edits (randomEdits.ts) to a generated workspace, and after each one the incremental snapshot
 * is compared with a fresh analysis of the same texts, and the previous snapshot with what it
 * said before (snapshots are immutable).
 */
describe("analysis: incremental re-analysis equals a full analysis", function () {
  this.timeout(LONG ? 3_600_000 : 120_000);
  let scratch: string;
  let workspace: string;

  before(() => {
    scratch = mkdtempSync(join(tmpdir(), "assetline-incremental-"));
    workspace = join(scratch, "workspace");
    const generator = join(REPO, "bench", "analysis", "generate.mjs");
    const generated = spawnSync(process.execPath, [generator, workspace, String(FILES)], { encoding: "utf8" });
    assert.equal(generated.status, 0, generated.stderr);
  });
  after(() => scratch && rmSync(scratch, { recursive: true, force: true }));

  for (const seed of SEEDS) {
    it(`after each of ${STEPS} random edits to ${FILES} files (seed ${seed})`, () => {
      const files = loadTree(workspace);
      const reader = new MemoryReader(workspace, files);
      const analysis = new WorkspaceAnalysis(reader);
      let previous = analysis.analyzeAll();
      let previousJson = canonicalJson(previous);
      // Odd seeds prepare for edits up front (as the language server does), even seeds leave it to the first edit.
      if (seed % 2 === 1) analysis.prepareForEdits();
      const rng = seededRng(seed);
      const nextEdit = randomEditor(files, rng);
      for (let step = 1; step <= STEPS; step++) {
        // Sometimes several files change before one link, as when the language server batches edits.
        const batch = rng.int(6) === 0 ? 2 + rng.int(3) : 1;
        const touched: string[] = [];
        const labels: string[] = [];
        for (let i = 0; i < batch; i++) {
          const edit = nextEdit();
          if (edit.text === undefined) files.delete(edit.file);
          else files.set(edit.file, edit.text);
          touched.push(edit.file);
          labels.push(`${edit.label} ${edit.file}`);
        }
        const updated = touched.length === 1 ? analysis.updateFile(touched[0]!) : analysis.updateFiles(touched);
        const where = `seed ${seed}, step ${step} (${labels.join("; ")})`;

        const previousNow = canonicalJson(previous);
        if (previousNow !== previousJson) {
          const difference = firstDifference(JSON.parse(previousNow), JSON.parse(previousJson), ["now", "before"]);
          assert.fail(`${where}: the previous snapshot changed\n${difference}`);
        }
        const incremental = canonical(updated);
        const full = canonical(new WorkspaceAnalysis(reader).analyzeAll());
        const difference = firstDifference(incremental, full, ["incremental", "full"]);
        if (difference !== undefined) assert.fail(`${where}: incremental ≠ full analysis\n${difference}`);
        previous = updated;
        previousJson = JSON.stringify(incremental);
      }
    });
  }
});
