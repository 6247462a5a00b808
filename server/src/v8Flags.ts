import { setFlagsFromString } from "node:v8";

/**
 * Imported first by the engine's entry points (CLI, language server, worker-free tools).
 *
 * sql-parser-cst is a generated parser with very large functions; V8's optimizing compiler
 * spends over 150 MB on them at 3,000 files (peak RSS 436 MB at 1,000 files). Capping the
 * size of bytecode it optimizes keeps those functions in the baseline tiers: 249 MB at the
 * same speed (measured with `assetline check` on the 1,000-file benchmark workspace). The
 * flag is process-wide, which is why the entry points set it rather than the SQL module.
 *
 * Only flags V8 reads as it works take effect here (this one; --heap-growing-percent and
 * --semi-space-growth-factor do too, but cost more time than the memory they save: measured in
 * bench/README.md). The heap's sizes (--max-semi-space-size, --max-old-space-size) are fixed when
 * the process starts and must be on its command line: the VS Code client starts the server with
 * them (client/src/engine.ts SERVER_NODE_FLAGS).
 */
setFlagsFromString("--max-optimized-bytecode-size=10000");
