// Preloaded (`node --require`) into a process the benchmarks time as a whole: at exit, writes the
// process's peak RSS in MB to $ASSETLINE_BENCH_RSS_FILE, so that the process's own output stays its own.
const { writeFileSync } = require("node:fs");

process.on("exit", () => {
  const file = process.env.ASSETLINE_BENCH_RSS_FILE;
  if (file) writeFileSync(file, String(process.resourceUsage().maxRSS / 1024));
});
