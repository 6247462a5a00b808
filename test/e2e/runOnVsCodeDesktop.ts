/**
 * The same extension-host suites on VS Code desktop through @vscode/test-electron, for
 * contributors whose machines can download VS Code (CI here cannot: it runs test/e2e/runOnCodeServer.ts
 * on code-server). Usage: npm run build && npx tsx test/e2e/runOnVsCodeDesktop.ts [trusted|untrusted]
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as esbuild from "esbuild";
import { runTests } from "@vscode/test-electron";
import { REPO, prepareWorkspace } from "./support/codeServer";

async function main(): Promise<void> {
  const suite = process.argv[2] === "untrusted" ? "untrusted" : "trusted";
  const out = join(REPO, ".vscode-test", "e2e-suite");
  await esbuild.build({
    entryPoints: [
      "index",
      "extension.test",
      "impact.test",
      "untrusted.test",
      "impact-untrusted.test",
      "activation.test",
      "product.test",
    ].map((name) => join(__dirname, "suite", `${name}.ts`)),
    outdir: out,
    bundle: true,
    platform: "node",
    format: "cjs",
    external: ["vscode", "mocha"],
    logLevel: "warning",
  });
  const scratch = mkdtempSync(join(tmpdir(), "assetline-e2e-"));
  const workspace = prepareWorkspace(scratch, `${suite}-workspace`);
  await runTests({
    version: "1.100.3",
    extensionDevelopmentPath: REPO,
    extensionTestsPath: join(out, "index.js"),
    extensionTestsEnv: { ASSETLINE_E2E_REPO: REPO, ASSETLINE_E2E_SUITE: suite },
    // Trust is a user setting; the untrusted suite needs a profile where it is on and never granted.
    launchArgs: [workspace, "--disable-extensions", ...(suite === "trusted" ? ["--disable-workspace-trust"] : [])],
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
