/**
 * The language server writes the facts cache once its first diagnostics are out, so that its next
 * start (or `assetline check`) scans only the files changed meanwhile. Encoding 3,000 files'
 * facts takes most of a second, so it goes a slice at a time, like the scan: an edit or a request
 * that arrives meanwhile waits one slice at most.
 */
import type { FactsCache, FileFacts } from "../analysis";

export type FactsCacheSaving = "written" | "unchanged" | "superseded" | "failed";

/** How long one slice of encoding may hold the thread. */
const SLICE_MS = 25;

/**
 * Writes `facts` to `cache` in slices, then lets go of the cache; says in the log what it wrote or
 * why it could not (the analysis is the same either way). Stops, leaving the previous file in
 * place, once `stillWanted` says the work was superseded (a restart, the server going away).
 */
export async function saveFactsCache(
  cache: FactsCache,
  facts: ReadonlyArray<FileFacts | undefined>,
  stillWanted: () => boolean,
  log: (message: string) => void,
): Promise<FactsCacheSaving> {
  const started = performance.now();
  try {
    const saved = await saveFactsInSlices(cache, facts, stillWanted);
    if (saved === "written")
      log(`facts cache written in ${(performance.now() - started).toFixed(0)} ms: ${cache.path}`);
    return saved;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    log(`the facts cache could not be saved (analysis is unaffected): ${reason}`);
    return "failed";
  } finally {
    cache.dispose();
  }
}

/** `saveFactsCache` without the log and the letting go. Throws on I/O errors. */
export async function saveFactsInSlices(
  cache: FactsCache,
  facts: ReadonlyArray<FileFacts | undefined>,
  stillWanted: () => boolean,
): Promise<FactsCacheSaving> {
  const writer = cache.startWriting(facts);
  if (writer === undefined) return "unchanged";
  try {
    let next = 0;
    while (next < facts.length) {
      if (!stillWanted()) {
        writer.abandon();
        return "superseded";
      }
      const sliceEnd = performance.now() + SLICE_MS;
      while (next < facts.length && performance.now() < sliceEnd) {
        const one = facts[next++];
        if (one) writer.add(one);
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (!stillWanted()) {
      writer.abandon();
      return "superseded";
    }
    writer.finish();
    return "written";
  } catch (error) {
    writer.abandon();
    throw error;
  }
}
