// Mocha's spec output plus the one closing line CI reads: "N passed, N failed[, N skipped]".
// When ASSETLINE_TEST_SUMMARY names a file, the counts are also written there so that
// scripts/test.mjs can add up several suites (plain mocha and the VS Code extension host).
const Mocha = require("mocha");
const { writeFileSync } = require("node:fs");
const { EVENT_RUN_END } = Mocha.Runner.constants;

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const { passes, failures, pending } = runner.stats ?? this.stats;
      const summaryFile = process.env.ASSETLINE_TEST_SUMMARY;
      if (summaryFile) writeFileSync(summaryFile, JSON.stringify({ passes, failures, pending }));
      else console.log(`${passes} passed, ${failures} failed` + (pending ? `, ${pending} skipped` : ""));
    });
  }
}
module.exports = SummaryReporter;
