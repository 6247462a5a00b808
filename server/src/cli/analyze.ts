import { type AnalysisSnapshot, attachSqlCache, type SourceReader, WorkspaceAnalysis } from "../analysis";

/**
 * Analyzes a workspace for one CLI command, reusing and refreshing its SQL cache
 * (`.assetline/cache/`), so a second `assetline check` does not parse the same SQL again.
 */
export function analyzeWorkspace(dir: string, reader: SourceReader): AnalysisSnapshot {
  const cache = attachSqlCache(dir);
  try {
    return new WorkspaceAnalysis(reader).analyzeAll();
  } finally {
    // A read-only checkout cannot keep the cache; the result is the same without it.
    cache.save();
    cache.detach();
  }
}
