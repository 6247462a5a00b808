import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DiskReader, WorkspaceAnalysis } from "../../server/src/analysis";
import { scanFile } from "../../server/src/analysis/scan/scanFile";
import { scanInThreads } from "../../server/src/analysis/scan/scanPool";

const ROOT = join(__dirname, "..", "..");
const FILES = 200;

/** Everything a snapshot tells its users, as JSON (graph included), for a byte-for-byte comparison. */
function snapshotJson(dir: string, threads: number): string {
  const snapshot = new WorkspaceAnalysis(new DiskReader(dir), { threads }).analyzeAll();
  const { assets, checks, diagnostics, files, graph } = snapshot;
  const edges = graph.toposort().map((key) => [key, graph.parents(key)]);
  return JSON.stringify({ assets, checks, diagnostics, files, edges, cycles: graph.cycles() });
}

describe("analysis on several threads", () => {
  let dir: string;
  before(async () => {
    const { generateWorkspace } = (await import(join(ROOT, "bench", "analysis", "generate.mjs"))) as {
      generateWorkspace: (dir: string, files: number) => unknown;
    };
    dir = mkdtempSync(join(tmpdir(), "assetline-threads-"));
    generateWorkspace(dir, FILES);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("scans files in workers to the very facts the single-threaded scan gives", () => {
    const reader = new DiskReader(dir);
    const jobs = [...reader.listFiles()].map((file) => ({ file, text: reader.readFile(file)! }));
    const options = { maxFileBytes: 2 * 1024 * 1024 };
    const threaded = scanInThreads(jobs, options, 3);
    assert.ok(threaded.byWorkers > jobs.length / 3, `workers scanned ${threaded.byWorkers} of ${jobs.length} files`);
    assert.deepEqual(
      threaded.facts,
      jobs.map((job) => scanFile(job.file, job.text, options)),
    );
  }).timeout(120_000);

  it("gives analyzeAll's single-threaded snapshot, byte for byte", () => {
    const single = snapshotJson(dir, 1);
    assert.equal(snapshotJson(dir, 2), single);
    assert.ok(JSON.parse(single).assets.length > 500, "the workspace is not trivially small");
  }).timeout(120_000);

  it("scans a workspace too small for workers on this thread alone", () => {
    const text = readFileSync(join(ROOT, "examples", "jaffle_shop", "src", "staging", "stg_orders.ts"), "utf8");
    const threaded = scanInThreads([{ file: "src/staging/stg_orders.ts", text }], { maxFileBytes: 1e6 }, 4);
    assert.equal(threaded.byWorkers, 0);
    assert.deepEqual(threaded.facts, [scanFile("src/staging/stg_orders.ts", text, { maxFileBytes: 1e6 })]);
  });
});
