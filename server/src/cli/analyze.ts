import {
  type AnalysisSnapshot,
  type FactsCache,
  type FileFacts,
  attachSqlCache,
  DEFAULT_SCAN_OPTIONS,
  describeUnreadable,
  FACTS_CACHE_VARIABLE,
  openWorkspaceFactsCache,
  type SourceReader,
  WorkspaceAnalysis,
} from "../analysis";

/**
 * Analyzes a workspace for one CLI command, reusing and refreshing its SQL cache
 * (`.assetline/cache/`) and its facts cache (the user's cache folder), so a second
 * `assetline check` scans only the files that changed.
 */
export function analyzeWorkspace(dir: string, reader: SourceReader): AnalysisSnapshot {
  const cache = attachSqlCache(dir);
  const facts = openWorkspaceFactsCache(reader.root, DEFAULT_SCAN_OPTIONS.maxFileBytes);
  try {
    const threads = analysisThreads();
    const analysis = new WorkspaceAnalysis(reader, { threads, sharedFacts: facts?.lookup });
    let snapshot: AnalysisSnapshot;
    if (facts && threads === 1) {
      // Every file looked up, the cache file's lines need not live through the link (tens of MB).
      analysis.scanFiles(reader.listFiles());
      facts.releaseLines();
      snapshot = analysis.updateFiles([]);
    } else snapshot = analysis.analyzeAll();
    if (facts && writesFactsCache(process.env))
      saveFactsCache(
        facts,
        snapshot.files.map((file) => analysis.factsOf(file)),
      );
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
 * Whether this run writes the facts cache: not in CI (`CI` set, as CI services do) unless
 * `ASSETLINE_FACTS_CACHE=1` asks for it. Encoding every file's facts costs about a sixth of a cold
 * analysis, which a fresh CI machine pays for a file no later run reads; a job that keeps the user
 * cache folder between runs (`~/.cache/assetline`) sets the variable and gains the rest.
 */
export function writesFactsCache(env: NodeJS.ProcessEnv): boolean {
  if (env[FACTS_CACHE_VARIABLE] === "1") return true;
  const ci = env.CI;
  return ci === undefined || ci === "" || ci === "0" || ci.toLowerCase() === "false";
}

/**
 * Like the SQL cache and V8's code cache, only an accelerator: a cache folder the user cannot write
 * (another user's home, a read-only image) leaves the run as it would be without it, and saying so
 * on every run would be noise on stderr that scripts read.
 */
function saveFactsCache(cache: FactsCache, facts: ReadonlyArray<FileFacts | undefined>): void {
  try {
    cache.save(facts);
  } catch {
    // The next run scans again: the answer is the same.
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
