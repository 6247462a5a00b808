/**
 * Loaded by the extension host as extensionTestsPath; exports run() like any VS Code test
 * suite. Which files run is chosen by ASSETLINE_E2E_SUITE (set in code-server's environment),
 * and the repository's summary reporter writes the counts for scripts/test.mjs.
 */
import { join } from "node:path";
import Mocha from "mocha";

const SUITES: Readonly<Record<string, readonly string[]>> = {
  trusted: ["extension.test.js", "product.test.js", "impact.test.js", "goToAsset.test.js"],
  untrusted: ["untrusted.test.js", "impact-untrusted.test.js"],
  manifest: ["activation.test.js"],
};

export function run(): Promise<void> {
  const repo = process.env.ASSETLINE_E2E_REPO;
  const suite = process.env.ASSETLINE_E2E_SUITE ?? "trusted";
  if (!repo)
    return Promise.reject(
      new Error("ASSETLINE_E2E_REPO is not set: start code-server through test/e2e/runOnCodeServer.ts"),
    );
  const reporter = require(join(repo, "test", "support", "summary-reporter.cjs")) as typeof Mocha.reporters.Base;
  // ASSETLINE_E2E_GREP (see runOnCodeServer.ts) runs only the tests whose titles match.
  const grep = process.env.ASSETLINE_E2E_GREP;
  const mocha = new Mocha({ ui: "bdd", timeout: 120_000, color: false, reporter, ...(grep ? { grep } : {}) });
  for (const file of SUITES[suite] ?? []) mocha.addFile(join(__dirname, file));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} test(s) failed`)) : resolve()));
  });
}
