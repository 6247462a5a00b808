/**
 * Runs mocha suites INSIDE code-server's extension host, as @vscode/test-electron does with
 * --extensionTestsPath: the workbench URL's `payload` names the extension under development
 * and the tests, and the page exposes codeAutomationLog/codeAutomationExit, which the
 * workbench calls with the extension host's console output and the tests' exit code.
 */
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { format } from "node:util";
import type { Browser } from "playwright-core";
import { EXTENSION_LOG_LEVEL } from "./codeServer";

export interface Counts {
  passes: number;
  failures: number;
  pending: number;
}

export interface HostSuiteOptions {
  readonly browser: Browser;
  readonly url: string;
  readonly workspace: string;
  readonly extensionPath: string;
  /** The built suite index (exports run()). */
  readonly testsPath: string;
  /** Where the suite's summary reporter writes its counts (ASSETLINE_TEST_SUMMARY in code-server's env). */
  readonly summaryFile: string;
  /** The suites' output is printed and kept here too, for when the run fails. */
  readonly logFile: string;
  readonly timeoutMs: number;
}

/** Noise the workbench forwards that says nothing about the tests (marketplace lookups offline). */
const NOISE = /open-vsx|ENOTFOUND|marketplace|Extension host .* started|getaddrinfo/i;

export async function runHostSuite(options: HostSuiteOptions): Promise<Counts> {
  const page = await options.browser.newPage();
  try {
    await page.exposeFunction("codeAutomationLog", (_type: string, args: unknown[]) => {
      const line = format(...(Array.isArray(args) ? args : [args]));
      appendFileSync(options.logFile, `${new Date().toISOString()} ${line}\n`);
      if (!NOISE.test(line)) process.stdout.write(`${line}\n`);
    });
    const exited = new Promise<number>(
      (resolve) => void page.exposeFunction("codeAutomationExit", (code: number) => resolve(code)),
    );
    const payload = [
      ["extensionDevelopmentPath", `vscode-remote://remote${options.extensionPath}`],
      ["extensionTestsPath", `vscode-remote://remote${options.testsPath}`],
      EXTENSION_LOG_LEVEL,
    ];
    await page.goto(
      `${options.url}/?folder=${encodeURIComponent(options.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`,
    );
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">(
      (resolve) => (timer = setTimeout(() => resolve("timeout"), options.timeoutMs)),
    );
    const code = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    if (code === "timeout")
      console.log(`the extension host suites did not finish within ${options.timeoutMs / 1000} s`);
    if (!existsSync(options.summaryFile)) return { passes: 0, failures: 1, pending: 0 };
    const counts = JSON.parse(readFileSync(options.summaryFile, "utf8")) as Counts;
    // A non-zero exit with no failing test (a crash in run(), a timeout) still fails the suite.
    if (code !== 0 && counts.failures === 0) counts.failures = 1;
    return counts;
  } finally {
    await page.close().catch(() => undefined);
  }
}
