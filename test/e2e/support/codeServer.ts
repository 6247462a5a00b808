/**
 * code-server for the e2e suites: installed once into a cache folder, started on 127.0.0.1 on a
 * free port in its own process group (so stopping it takes every child with it), with a fresh
 * user-data folder per session. Waits for /healthz, never for a fixed time.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, openSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

export const REPO = join(__dirname, "..", "..", "..");

/** Settings that keep the workbench quiet: no welcome page stealing focus, no update checks. */
const BASE_SETTINGS = {
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "editor.codeLens": true,
  "git.enabled": false,
  "typescript.tsserver.experimental.enableProjectDiagnostics": false,
  // With the extension's log at trace (EXTENSION_LOG_LEVEL), every LSP message and its params.
  "assetline.trace.server": "verbose",
};

/**
 * The workbench URL's payload entry that puts the Assetline extension's log at trace level (the
 * web workbench reads `logLevel` from the payload, not the query), so that the language client
 * writes the LSP traffic (didChangeWatchedFiles among it) to Assetline.log beside the server's
 * own lines: kept when a run fails (`evidenceOf`), deleted with the rest otherwise.
 */
export const EXTENSION_LOG_LEVEL: readonly [string, string] = ["logLevel", "assetline.assetline:trace"];

/** Installs code-server into its cache folder on first use; returns that folder. */
export function installCodeServer(): string {
  const out = execFileSync("bash", [join(REPO, "test", "e2e", "install-code-server.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  return out.trim().split("\n").pop()!;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A copy of examples/jaffle_shop with the engine "installed" the way `npm install` does it
 * for the example's `file:../..` dependency (a symlink to this repository), and its raw data.
 * `installed: false` leaves node_modules (and so the data) out: package.json alone says it
 * uses Assetline.
 */
export function prepareWorkspace(scratch: string, name: string, installed = true): string {
  const workspace = join(scratch, name);
  cpSync(join(REPO, "examples", "jaffle_shop"), workspace, {
    recursive: true,
    filter: (source) => !/[\\/](node_modules|\.assetline)$/.test(source),
  });
  if (installed) {
    mkdirSync(join(workspace, "node_modules"), { recursive: true });
    symlinkSync(REPO, join(workspace, "node_modules", "assetline"), "dir");
    // The generator loads the SQLite driver through the installed engine.
    execFileSync(process.execPath, ["scripts/generate-data.mjs"], { cwd: workspace, stdio: "ignore" });
  }
  return workspace;
}

/** Files of the generated large workspace: about 2,000 lineage nodes (1,959 assets, 69 sources). */
export const LARGE_WORKSPACE_FILES = 450;

/**
 * A workspace from the analysis benchmark's generator (bench/analysis/generate.mjs) with about
 * 2,000 assets, the engine installed as in `prepareWorkspace`: the lineage panel at scale.
 */
export function prepareLargeWorkspace(scratch: string, name: string): string {
  const workspace = join(scratch, name);
  execFileSync(
    process.execPath,
    [join(REPO, "bench", "analysis", "generate.mjs"), workspace, String(LARGE_WORKSPACE_FILES)],
    {
      stdio: "ignore",
    },
  );
  mkdirSync(join(workspace, "node_modules"), { recursive: true });
  symlinkSync(REPO, join(workspace, "node_modules", "assetline"), "dir");
  return workspace;
}

export interface CodeServer {
  readonly url: string;
  readonly logFile: string;
  /** The workbench's and extension hosts' logs (the Assetline output channel among them). */
  readonly logsDir: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly installDir: string;
  readonly scratch: string;
  readonly name: string;
  readonly settings: Readonly<Record<string, unknown>>;
  /** Extra environment for code-server, and so for the extension host and the suites in it. */
  readonly env: Readonly<Record<string, string>>;
  /** The packaged extension, installed before code-server starts, as `code --install-extension` does. */
  readonly vsix: string;
}

export async function startCodeServer(options: StartOptions): Promise<CodeServer> {
  const home = join(options.scratch, `${options.name}-code-server`);
  const userData = join(home, "user-data");
  mkdirSync(join(userData, "User"), { recursive: true });
  mkdirSync(join(home, "extensions"), { recursive: true });
  mkdirSync(join(home, "xdg"), { recursive: true });
  writeFileSync(
    join(userData, "User", "settings.json"),
    JSON.stringify({ ...BASE_SETTINGS, ...options.settings }, null, 2),
  );
  const logFile = join(options.scratch, `${options.name}-code-server.log`);
  const port = await freePort();
  const log = openSync(logFile, "a");
  const bin = join(options.installDir, "node_modules", ".bin", "code-server");
  const xdg = { XDG_CONFIG_HOME: join(home, "xdg") };
  const dirs = ["--user-data-dir", userData, "--extensions-dir", join(home, "extensions")];
  execFileSync(bin, [...dirs, "--install-extension", options.vsix], {
    stdio: ["ignore", log, log],
    env: { ...process.env, ...xdg },
    timeout: 120_000,
  });
  // detached: a process group of its own, so stop() can signal code-server and all its children.
  const child = spawn(
    bin,
    ["--bind-addr", `127.0.0.1:${port}`, "--auth", "none", ...dirs, "--disable-telemetry", "--disable-update-check"],
    { detached: true, stdio: ["ignore", log, log], env: { ...process.env, ...xdg, ...options.env } },
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(url, child, 90_000);
  } catch (error) {
    await stopGroup(child);
    throw new Error(
      `code-server did not come up (see ${logFile}): ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  return { url, logFile, logsDir: join(userData, "logs"), stop: () => stopGroup(child) };
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: string | undefined;
  child.once("exit", (code, signal) => (exited = `exited with ${code ?? signal}`));
  while (Date.now() < deadline) {
    if (exited) throw new Error(exited);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no answer on ${url}/healthz within ${timeoutMs / 1000} s`);
}

/** SIGTERM to the whole group, then SIGKILL if anything is still there after 10 s. */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return;
  const pid = child.pid;
  const alive = (): boolean => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(-pid, "SIGTERM");
  const deadline = Date.now() + 10_000;
  while (alive() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (alive()) process.kill(-pid, "SIGKILL");
}

/**
 * What a failed session leaves to read, in the order to read it: the host suites' output, the
 * Assetline log of each extension host (the server's stderr and log lines, the client's, the LSP
 * trace), code-server's own log.
 */
export function evidenceOf(scratch: string, name: string): string[] {
  const files = [join(scratch, `${name}-host.log`)];
  const logs = join(scratch, `${name}-code-server`, "user-data", "logs");
  if (existsSync(logs)) {
    for (const entry of readdirSync(logs, { recursive: true, encoding: "utf8" }).sort()) {
      if (entry.endsWith(join("assetline.assetline", "Assetline.log"))) files.push(join(logs, entry));
    }
  }
  files.push(join(scratch, `${name}-code-server.log`));
  return files.filter((file) => existsSync(file));
}
