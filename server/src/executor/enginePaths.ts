/**
 * Files of this engine that the executor hands to other processes: the worker entry and the
 * SDK that user code's `assetline` import is aliased to. Both are found relative to the
 * running code, so the engine installed in the user's project uses its own copies.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

/** Bundled, this code lives in dist/ (dist/cli.js, dist/server.js); from source, in server/src/executor. */
const candidatesRoots = [__dirname, resolve(__dirname, "../../../dist")];

/** The built worker entry, dist/worker.js. */
export function defaultWorkerScript(): string {
  return firstExisting(candidatesRoots.map((root) => join(root, "worker.js")), "the worker (dist/worker.js); run the build");
}

/** The engine's SDK: dist/sdk/index.js when bundled, the repository's sdk/index.ts when run from source. */
export function defaultSdkPath(): string {
  return firstExisting(
    [join(__dirname, "sdk", "index.js"), resolve(__dirname, "../../../sdk/index.ts"), resolve(__dirname, "../../../dist/sdk/index.js")],
    "the assetline SDK (dist/sdk/index.js); run the build",
  );
}

function firstExisting(paths: readonly string[], what: string): string {
  const found = paths.find((path) => existsSync(path));
  if (found === undefined) throw new Error(`cannot find ${what}; looked at ${paths.join(", ")}`);
  return found;
}
