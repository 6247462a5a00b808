import {
  type AnalysisSnapshot,
  attachSqlCache,
  describeUnreadable,
  type SourceReader,
  WorkspaceAnalysis,
} from "../analysis";

/**
 * Analyzes a workspace for one CLI command, reusing and refreshing its SQL cache
 * (`.assetline/cache/`), so a second `assetline check` does not parse the same SQL again.
 */
export function analyzeWorkspace(dir: string, reader: SourceReader): AnalysisSnapshot {
  const cache = attachSqlCache(dir);
  try {
    const snapshot = new WorkspaceAnalysis(reader, { threads: analysisThreads() }).analyzeAll();
    // Skipped folders have no file to carry a diagnostic; stderr keeps --format json clean.
    for (const entry of reader.unreadablePaths?.() ?? []) {
      process.stderr.write(`assetline: ${describeUnreadable(entry)}\n`);
    }
    return snapshot;
  } finally {
    // A read-only checkout cannot keep the cache; the result is the same without it.
    cache.save();
    cache.detach();
  }
}

/**
 * ASSETLINE_ANALYSIS_THREADS (default 1): threads for the cold scan. One until a measurement on
 * an idle machine shows more pay (bench/README.md); a value that is not a positive integer is ignored.
 */
function analysisThreads(): number {
  const value = Number(process.env.ASSETLINE_ANALYSIS_THREADS ?? 1);
  return Number.isInteger(value) && value >= 1 ? value : 1;
}
