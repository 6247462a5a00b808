/** The static analysis engine: workspace files in, definitions and diagnostics out. */
export { type AnalysisSnapshot, analyzeDirectory, WorkspaceAnalysis, type WorkspaceAnalysisOptions } from "./workspace";
export {
  describeUnreadable,
  DiskReader,
  isAlwaysSkippedFolder,
  isAnalysableFile,
  OverlayReader,
  type SourceReader,
  toWorkspacePath,
  type UnreadablePath,
} from "./sourceReader";
export type { FileFacts } from "./facts";
export { attachSqlCache, type SqlCacheAttachment } from "./sqlCacheAttachment";
export { DEFAULT_SCAN_OPTIONS } from "./scan/scanFile";
export { FactsCache, FACTS_CACHE_VARIABLE, openWorkspaceFactsCache } from "./cache/factsCache";
