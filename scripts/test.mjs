// `npm test`: build, type-check, lint, then every suite. Prints one closing line
// "N passed, N failed" summed over the suites, and exits non-zero on any failure.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const only = process.argv.slice(2);

/**
 * Each suite: a name and either mocha test globs (`args`, run with the summary reporter) or
 * its own `command`, which must write the same summary file ($ASSETLINE_TEST_SUMMARY).
 */
const suites = [
  { name: "unit", args: ["test/unit/**/*.test.ts"] },
  { name: "cli", args: ["test/cli/**/*.test.ts"] },
  { name: "server", args: ["test/server/**/*.test.ts"] },
  { name: "webview", args: ["test/webview/**/*.test.ts"] },
  { name: "e2e", command: ["npx", "tsx", "test/e2e/runOnCodeServer.ts"] },
].filter((suite) => only.length === 0 || only.includes(suite.name));

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
  return result.status ?? 1;
}

if (run("npm", ["run", "--silent", "build"]) !== 0) fail("build failed");
if (run("npm", ["run", "--silent", "typecheck"]) !== 0) fail("type-check failed");
// The formatter and the linter are law: a lint error or an unformatted file fails the run.
if (run("npm", ["run", "--silent", "lint"]) !== 0) fail("lint failed: run `npm run format`, then fix what remains");

const scratch = mkdtempSync(join(tmpdir(), "assetline-test-"));
let passed = 0;
let failed = 0;
let skipped = 0;
for (const suite of suites) {
  const summaryFile = join(scratch, `${suite.name}.json`);
  console.log(`\n=== ${suite.name} ===`);
  const [command, ...args] = suite.command ?? [
    "npx",
    "mocha",
    "--require",
    "tsx/cjs",
    "--reporter",
    "test/support/summary-reporter.cjs",
    "--timeout",
    "60000",
    ...suite.args,
  ];
  // The CLIs and servers the mocha suites start keep their caches (V8's code, the facts) in the
  // run's scratch folder rather than the user's ~/.cache, whose caches would otherwise be evicted by
  // hundreds of temporary workspaces'. The e2e suite's code-server keeps its own.
  const caches = suite.command ? {} : { XDG_CACHE_HOME: join(scratch, "cache") };
  const status = run(command, args, { ASSETLINE_TEST_SUMMARY: summaryFile, ...caches });
  if (!existsSync(summaryFile)) {
    console.log(`suite ${suite.name} ended without a summary (exit ${status})`);
    failed += 1;
    continue;
  }
  const counts = JSON.parse(readFileSync(summaryFile, "utf8"));
  passed += counts.passes;
  failed += counts.failures + (status !== 0 && counts.failures === 0 ? 1 : 0);
  skipped += counts.pending;
}
rmSync(scratch, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
process.exit(failed === 0 ? 0 : 1);

function fail(message) {
  console.log(message);
  console.log("0 passed, 1 failed");
  process.exit(1);
}
