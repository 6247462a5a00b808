/**
 * The e2e suite: the real extension inside code-server (VS Code 1.100), driven by headless
 * Chromium. Both sessions install the .vsix `npm run package` builds (what is tested is what
 * ships) and open copies of examples/jaffle_shop:
 *   trusted   — mocha suites inside the extension host, then a Playwright UI scenario;
 *   untrusted — restricted mode (workspace trust on, never granted): mocha suites inside;
 *   manifest  — no node_modules, only package.json's dependency: activation without a file;
 *   large     — a generated workspace of about 2,000 assets: a UI scenario only (the panel at scale).
 * Writes the summed counts to $ASSETLINE_TEST_SUMMARY (scripts/test.mjs adds them up) and
 * prints "N passed, N failed". Usage: npx tsx test/e2e/runOnCodeServer.ts  (after `npm run build`)
 *
 * A failed run keeps its scratch folder and prints the files to read first (support/codeServer.ts
 * `evidenceOf`: the host suites' output, the Assetline log with the LSP trace, code-server's log);
 * ASSETLINE_E2E_KEEP=1 keeps them after a green run too.
 *
 * To iterate on one scenario: ASSETLINE_E2E_SESSIONS=trusted (a comma list) runs only those
 * sessions, and ASSETLINE_E2E_GREP=PATTERN only the tests (host and UI) whose titles match, e.g.
 *   ASSETLINE_E2E_SESSIONS=trusted ASSETLINE_E2E_GREP="Go to Asset" \
 *     flock /tmp/assetline-heavy.lock node scripts/test.mjs e2e
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import * as esbuild from "esbuild";
import type { Browser } from "playwright-core";
import { launchBrowser } from "./support/chromium";
import {
  type CodeServer,
  REPO,
  evidenceOf,
  installCodeServer,
  prepareLargeWorkspace,
  prepareWorkspace,
  startCodeServer,
} from "./support/codeServer";
import { type Counts, runHostSuite } from "./support/hostSuite";
import { packageExtension, testCarrier } from "./support/vsix";

const SUITE_OUT = join(REPO, ".vscode-test", "e2e-suite");
const SHOTS = join(REPO, ".vscode-test", "e2e-shots");
const HOST_TIMEOUT_MS = 8 * 60_000;
const SESSIONS = ["trusted", "untrusted", "manifest", "large"] as const;
type SessionName = (typeof SESSIONS)[number];
/** The Playwright scenarios of each session (the manifest session has none). */
const UI_SCENARIOS: Readonly<Record<SessionName, string | undefined>> = {
  trusted: "test/e2e/ui/*.test.ts",
  untrusted: "test/e2e/ui/untrusted/*.test.ts",
  manifest: undefined,
  large: "test/e2e/ui/large/*.test.ts",
};
/** Sessions whose workspace is jaffle_shop, with the suites inside the extension host. */
const HOST_SUITES: Readonly<Record<SessionName, boolean>> = {
  trusted: true,
  untrusted: true,
  manifest: true,
  large: false,
};

function chosen(name: SessionName): boolean {
  const only = process.env.ASSETLINE_E2E_SESSIONS;
  return !only || only.split(",").some((part) => part.trim() === name);
}

async function main(): Promise<Counts> {
  for (const built of ["dist/client/extension.js", "dist/webview/lineage.js", "dist/server.js"]) {
    if (!existsSync(join(REPO, built))) throw new Error(`${built} is missing: run \`npm run build\` first`);
  }
  const started = Date.now();
  const installDir = installCodeServer();
  console.log(`code-server ready in ${installDir} (${seconds(started)})`);
  await buildSuites();
  const vsix = packageExtension();
  console.log(`packaged ${vsix} (${seconds(started)})`);
  const scratch = mkdtempSync(join(tmpdir(), "assetline-e2e-"));
  const total: Counts = { passes: 0, failures: 0, pending: 0 };
  const failedSessions: SessionName[] = [];
  try {
    for (const name of SESSIONS) {
      if (!chosen(name)) continue;
      const counts = await session(installDir, vsix, scratch, name);
      if (counts.failures > 0) failedSessions.push(name);
      add(total, counts);
    }
  } finally {
    if (total.failures === 0 && !process.env.ASSETLINE_E2E_KEEP) rmSync(scratch, { recursive: true, force: true });
    else {
      console.log(`kept ${scratch} (workspaces and code-server logs) for inspection`);
      for (const name of failedSessions) {
        console.log(`  ${name}, to read first:`);
        for (const file of evidenceOf(scratch, name)) console.log(`    ${file}`);
      }
    }
  }
  console.log(`e2e took ${seconds(started)}`);
  return total;
}

async function session(installDir: string, vsix: string, scratch: string, name: SessionName): Promise<Counts> {
  const started = Date.now();
  const workspace =
    name === "large"
      ? prepareLargeWorkspace(scratch, `${name}-workspace`)
      : prepareWorkspace(scratch, `${name}-workspace`, name !== "manifest");
  const summaryFile = join(scratch, `${name}-host.json`);
  const trust =
    name !== "untrusted"
      ? { "security.workspace.trust.enabled": false }
      : {
          "security.workspace.trust.enabled": true,
          "security.workspace.trust.startupPrompt": "never",
          "security.workspace.trust.emptyWindow": false,
        };
  // The large graph's messages are megabytes: their methods are trace enough there.
  const trace = name === "large" ? { "assetline.trace.server": "messages" } : {};
  let server: CodeServer | undefined;
  const browser = await launchBrowser();
  try {
    server = await startCodeServer({
      installDir,
      scratch,
      name,
      vsix,
      settings: { ...trust, ...trace },
      env: { ASSETLINE_E2E_REPO: REPO, ASSETLINE_E2E_SUITE: name, ASSETLINE_TEST_SUMMARY: summaryFile },
    });
    const counts: Counts = HOST_SUITES[name]
      ? await hostSuites(browser, server, workspace, summaryFile, name, started)
      : { passes: 0, failures: 0, pending: 0 };
    const scenarios = UI_SCENARIOS[name];
    if (scenarios) add(counts, ui(server, workspace, scratch, name, scenarios));
    return counts;
  } finally {
    await browser.close().catch(() => undefined);
    await server?.stop();
  }
}

/** A session's mocha suites inside the extension host. */
async function hostSuites(
  browser: Browser,
  server: CodeServer,
  workspace: string,
  summaryFile: string,
  name: SessionName,
  started: number,
): Promise<Counts> {
  console.log(`\n--- ${name}: extension host suites (code-server on ${server.url}) ---`);
  const counts = await runHostSuite({
    browser,
    url: server.url,
    workspace,
    extensionPath: testCarrier(),
    testsPath: join(SUITE_OUT, "index.js"),
    summaryFile,
    logFile: join(dirname(summaryFile), `${name}-host.log`),
    timeoutMs: HOST_TIMEOUT_MS,
  });
  console.log(`${name} host: ${counts.passes} passed, ${counts.failures} failed (${seconds(started)})`);
  return counts;
}

/** A session's Playwright scenarios, as their own mocha run with the repository's summary reporter. */
function ui(server: CodeServer, workspace: string, scratch: string, name: SessionName, scenarios: string): Counts {
  const started = Date.now();
  console.log(`\n--- ${name}: UI scenarios ---`);
  const summaryFile = join(scratch, `${name}-ui.json`);
  const grep = process.env.ASSETLINE_E2E_GREP;
  const result = spawnSync(
    "npx",
    [
      "mocha",
      "--require",
      "tsx/cjs",
      "--reporter",
      "test/support/summary-reporter.cjs",
      "--timeout",
      "180000",
      ...(grep ? ["--grep", grep] : []),
      scenarios,
    ],
    {
      cwd: REPO,
      stdio: "inherit",
      env: {
        ...process.env,
        ASSETLINE_TEST_SUMMARY: summaryFile,
        ASSETLINE_E2E_URL: server.url,
        ASSETLINE_E2E_WORKSPACE: workspace,
        ASSETLINE_E2E_SHOTS: SHOTS,
        ASSETLINE_E2E_LOGS: server.logsDir,
      },
    },
  );
  const counts: Counts = existsSync(summaryFile)
    ? (JSON.parse(readFileSync(summaryFile, "utf8")) as Counts)
    : { passes: 0, failures: 1, pending: 0 };
  if (result.status !== 0 && counts.failures === 0) counts.failures = 1;
  console.log(
    `${name} ui: ${counts.passes} passed, ${counts.failures} failed (${seconds(started)}; screenshots in ${SHOTS})`,
  );
  return counts;
}

/** The suites run inside the extension host as plain CommonJS; vscode and mocha come from the host and the repo. */
async function buildSuites(): Promise<void> {
  rmSync(SUITE_OUT, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [
      "index",
      "extension.test",
      "impact.test",
      "untrusted.test",
      "impact-untrusted.test",
      "activation.test",
      "product.test",
      "goToAsset.test",
    ].map((name) => join(__dirname, "suite", `${name}.ts`)),
    outdir: SUITE_OUT,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    external: ["vscode", "mocha"],
    sourcemap: "inline",
    logLevel: "warning",
  });
}

function add(into: Counts, counts: Counts): void {
  into.passes += counts.passes;
  into.failures += counts.failures;
  into.pending += counts.pending;
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

main().then(
  (total) => finish(total),
  (error: unknown) => {
    console.log(`e2e harness failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    finish({ passes: 0, failures: 1, pending: 0 });
  },
);

function finish(total: Counts): void {
  const summaryFile = process.env.ASSETLINE_TEST_SUMMARY;
  if (summaryFile) writeFileSync(summaryFile, JSON.stringify(total));
  console.log(`${total.passes} passed, ${total.failures} failed` + (total.pending ? `, ${total.pending} skipped` : ""));
  process.exit(total.failures === 0 ? 0 : 1);
}
