/**
 * Prints the canonical JSON of a workspace's cold snapshot (assets, checks, diagnostics, files,
 * producers, the whole graph), to diff two builds of the engine:
 *
 *   npx tsx test/support/dumpSnapshot.ts DIR [ENGINE]
 *
 * ENGINE is a module exporting WorkspaceAnalysis and DiskReader, such as an esbuild bundle of
 * server/src/analysis/index.ts built from another commit; the default is this checkout's source.
 */
import { resolve } from "node:path";
import * as thisEngine from "../../server/src/analysis";
import { canonicalJson } from "../unit/support/snapshotCanonical";

const [dir, enginePath] = process.argv.slice(2);
if (dir === undefined) {
  console.error("usage: npx tsx test/support/dumpSnapshot.ts DIR [ENGINE]");
  process.exit(2);
}
// A build chosen at run time, so it cannot be a static import.
const engine: typeof thisEngine = enginePath === undefined ? thisEngine : require(resolve(enginePath));
process.stdout.write(
  `${canonicalJson(new engine.WorkspaceAnalysis(new engine.DiskReader(resolve(dir))).analyzeAll())}\n`,
);
