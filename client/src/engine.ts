/**
 * Which engine runs the language server, and with which Node. No vscode import: the choice is
 * a plain function of the settings, the workspace and its trust, tested without an editor.
 *
 * The engine runs in a separate process with the USER's Node, never inside the extension host:
 * it loads better-sqlite3, a native module built for Node's ABI, which Electron cannot load.
 * The workspace's installed engine is preferred so that the CLI, the editor and the SQLite
 * driver agree; it is code from the workspace, so only a trusted workspace gets it.
 */
import { execFile } from "node:child_process";
import { accessSync, constants, existsSync, statSync } from "node:fs";
import { delimiter, dirname, isAbsolute, join, relative, resolve } from "node:path";

export type EngineSource = "setting" | "workspace" | "bundled";

export interface EngineChoice {
  /** The server entry, dist/server.js of an `assetline` package. */
  readonly serverScript: string;
  readonly source: EngineSource;
  /** Why this one, for the log: the user should be able to tell which engine is running. */
  readonly reason: string;
}

export interface EngineInputs {
  /** `assetline.server.path`: a package folder or a server.js; relative to the workspace. */
  readonly settingPath: string;
  readonly workspaceRoot: string | undefined;
  readonly trusted: boolean;
  /** The extension's own dist/server.js. */
  readonly bundledScript: string;
  readonly exists?: (path: string) => boolean;
}

/**
 * Node flags the server process starts with. V8 sizes its young generation when the process
 * starts (v8.setFlagsFromString cannot change it later; server/src/v8Flags.ts sets what can be
 * set at run time), and by default lets it grow to two 16 MB semi-spaces. 8 MB each: 3,000-file
 * workspace, peak RSS 334 -> 319 MB for ~1% more time in scavenges (bench/README.md, memory).
 */
export const SERVER_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=8"];

/**
 * The flags to start `serverScript` with: SERVER_NODE_FLAGS, and V8's code cache beside it
 * (server/src/codeCache.ts: the server's bundle and TypeScript compiled once per machine, not
 * per start) when that engine ships one; an older installed engine does not.
 */
export function serverNodeFlags(serverScript: string, exists: (path: string) => boolean = existsSync): string[] {
  const codeCache = join(dirname(serverScript), "codeCache.js");
  return exists(codeCache) ? [...SERVER_NODE_FLAGS, "--require", codeCache] : [...SERVER_NODE_FLAGS];
}

/** The workspace's engine when trusted and installed, else the bundled one; a setting wins. */
export function chooseEngine(inputs: EngineInputs): EngineChoice {
  const exists = inputs.exists ?? existsSync;
  if (inputs.settingPath.trim() !== "") {
    const configured = resolve(inputs.workspaceRoot ?? "", inputs.settingPath.trim());
    const script = configured.endsWith(".js") ? configured : join(configured, "dist", "server.js");
    if (!exists(script)) throw new Error(`assetline.server.path points at ${script}, which does not exist`);
    return { serverScript: script, source: "setting", reason: "assetline.server.path" };
  }
  if (inputs.workspaceRoot !== undefined) {
    const installed = join(inputs.workspaceRoot, "node_modules", "assetline", "dist", "server.js");
    if (exists(installed)) {
      if (inputs.trusted)
        return { serverScript: installed, source: "workspace", reason: "the workspace's installed engine" };
      return {
        serverScript: inputs.bundledScript,
        source: "bundled",
        reason: "the workspace is not trusted, so its installed engine is not run",
      };
    }
  }
  return {
    serverScript: inputs.bundledScript,
    source: "bundled",
    reason: "no engine is installed in the workspace (node_modules/assetline)",
  };
}

/**
 * The Node executable as an absolute path. A bare name is looked up on PATH here, because the
 * language client would otherwise try `<workspace>/<name>` first: a workspace shipping a file
 * called `node` must not get it run. PATH entries inside the workspace are skipped for the same reason.
 */
export function resolveNode(
  setting: string,
  workspaceRoot: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const name = setting.trim() === "" ? "node" : setting.trim();
  if (isAbsolute(name)) {
    if (!isExecutable(name)) throw new Error(`assetline.server.nodePath is ${name}, which is not an executable file`);
    return name;
  }
  if (name.includes("/") || name.includes("\\"))
    throw new Error(`assetline.server.nodePath must be a command name or an absolute path, not ${name}`);
  const names = process.platform === "win32" ? [name, `${name}.exe`, `${name}.cmd`] : [name];
  for (const folder of (env.PATH ?? env.Path ?? "").split(delimiter)) {
    if (folder === "" || !isAbsolute(folder) || (workspaceRoot !== undefined && isInside(folder, workspaceRoot)))
      continue;
    for (const candidate of names) {
      const full = join(folder, candidate);
      if (isExecutable(full)) return full;
    }
  }
  throw new Error(
    `Assetline runs its engine with Node.js, but \`${name}\` was not found on PATH. Install Node.js 20 or later, or set assetline.server.nodePath.`,
  );
}

/** The major version of a Node executable; rejects when it does not answer like Node 20+. */
export function checkNodeVersion(nodePath: string, minimumMajor = 20): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      nodePath,
      ["-p", "process.versions.node"],
      { timeout: 15_000, env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" } },
      (error, stdout) => {
        if (error) {
          reject(new Error(`${nodePath} could not be run to check its version: ${error.message}`));
          return;
        }
        const version = stdout.trim();
        const major = Number.parseInt(version.split(".")[0] ?? "", 10);
        if (!Number.isInteger(major))
          reject(new Error(`${nodePath} does not look like Node.js (it printed "${version}")`));
        else if (major < minimumMajor)
          reject(
            new Error(
              `Assetline needs Node.js ${minimumMajor} or later; ${nodePath} is ${version}. Set assetline.server.nodePath.`,
            ),
          );
        else resolvePromise(version);
      },
    );
  });
}

function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}
