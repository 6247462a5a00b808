import { setFlagsFromString } from "node:v8";

/**
 * Imported first by the engine's entry points (CLI, language server, worker-free tools).
 *
 * sql-parser-cst is a generated parser with very large functions; V8's optimizing compiler
 * spends over 150 MB on them at 3,000 files (peak RSS 436 MB at 1,000 files). Capping the
 * size of bytecode it optimizes keeps those functions in the baseline tiers: 249 MB at the
 * same speed (measured with `assetline check` on the 1,000-file benchmark workspace). The
 * flag is process-wide, which is why the entry points set it rather than the SQL module.
 */
setFlagsFromString("--max-optimized-bytecode-size=10000");
