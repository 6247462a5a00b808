/**
 * The language server's heap once the first analysis is done: V8 sizes the old generation's next
 * collection from the live size at the previous one, times a factor it picks from its own speed
 * (about 2 here). The last collection of the cold analysis ran with half the workspace analysed,
 * so edits and requests could fill the heap to about twice that before the next: at 3,000 files
 * the server's peak RSS went from ~295 MB at the first diagnostics to 338-360 MB later, with no
 * more than ~11 MB of it live.
 *
 * Once, at idle time after the first diagnostics: a smaller factor from then on (the cold path,
 * which allocates most and would pay for more collections, keeps V8's), and one full collection
 * so that the next limit is set from the whole analysis at that factor rather than from a
 * half-analysed workspace. The flags are process-wide; this is for the server's process only
 * (the CLI ends after one analysis). At 3,000 files (bench/lsp, 100 edits and requests) the peak
 * RSS at the end was 289-291 MB with 10%, 292-301 MB with 20%, 345-346 MB without; the
 * collection takes ~190 ms on an idle machine. The price: edits now pay for the collections that
 * keep the heap there (keystroke -> diagnostics p50 +1.5 ms, p90 +4 ms; both within the 15 ms
 * target, and the growth's percentage barely moves them: it is the collecting itself).
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { writeCodeCacheNow } from "../codeCacheShared";

/** The old generation may grow by this share of its live size before the next full collection. */
export const STEADY_HEAP_GROWING_PERCENT = 10;

/** Sets the steady-state growth and collects once; returns the collection's duration in ms. */
export function settleHeapAfterStartup(): number {
  // The code cache made after a flag change would be rejected by every later start.
  writeCodeCacheNow();
  setFlagsFromString(`--heap-growing-percent=${STEADY_HEAP_GROWING_PERCENT}`);
  // `gc` exists only in contexts created while --expose-gc is set: one function, then unset again.
  setFlagsFromString("--expose-gc");
  const collect = runInNewContext("gc") as () => void;
  setFlagsFromString("--no-expose-gc");
  const started = performance.now();
  collect();
  return performance.now() - started;
}
