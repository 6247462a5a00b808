// One build context per target. Node targets keep npm dependencies external: the engine is
// installed as a normal npm package, so its dependencies (the native SQLite driver
// included) resolve from node_modules at run time, exactly as in the user's project.
import * as esbuild from "esbuild";
import { rmSync } from "node:fs";
import { engineBuildDefine } from "./scripts/engineBuildId.mjs";

const production = process.argv.includes("--production");
const watch = process.argv.includes("--watch");

/** @type {esbuild.BuildOptions} */
const nodeCommon = {
  // The engine's build id (scripts/engineBuildId.mjs); none in watch builds, whose code changes under it.
  define: watch ? {} : engineBuildDefine(),
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  packages: "external",
  sourcemap: production ? false : "linked",
  minify: production,
  logLevel: "warning",
};

/**
 * The engine as the .vsix ships it (`--production`): its npm dependencies bundled in, so the
 * package carries no node_modules but the two that cannot be bundled: the native SQLite driver
 * and esbuild, whose binary bundles the user's code. See .vscodeignore.
 * @type {esbuild.BuildOptions}
 */
const shippedEngine = production
  ? { ...nodeCommon, packages: undefined, external: ["better-sqlite3", "esbuild"] }
  : nodeCommon;

/** @type {esbuild.BuildOptions[]} */
const targets = [
  { ...nodeCommon, entryPoints: { "sdk/index": "sdk/index.ts" } },
  { ...nodeCommon, entryPoints: { cli: "server/src/cli/main.ts" } },
  // Required before the CLI and the language server (bin/assetline.js, client/src/engine.ts).
  { ...nodeCommon, entryPoints: { codeCache: "server/src/codeCache.ts" } },
  { ...shippedEngine, entryPoints: { server: "server/src/server.ts" } },
  { ...shippedEngine, entryPoints: { worker: "server/src/executor/worker/main.ts" } },
  // The analysis' scan workers (server/src/analysis/scan/scanPool.ts looks for it beside the bundle).
  { ...shippedEngine, entryPoints: { scanWorker: "server/src/analysis/scan/scanWorker.ts" } },
  // The VS Code extension runs inside the extension host and ships without node_modules:
  // its dependencies are bundled, only the host-provided `vscode` module stays external.
  {
    ...nodeCommon,
    packages: undefined,
    external: ["vscode"],
    entryPoints: { "client/extension": "client/src/extension.ts" },
  },
  // The lineage panel runs in a browser sandbox: one IIFE script plus its style sheet, and the
  // layout worker (a classic worker script, loaded from the extension's own files).
  {
    bundle: true,
    platform: "browser",
    target: "es2022",
    format: "iife",
    sourcemap: production ? false : "linked",
    minify: production,
    logLevel: "warning",
    entryPoints: { "webview/lineage": "webview/src/main.ts", "webview/layout-worker": "webview/src/layoutWorker.ts" },
  },
];

if (!watch) rmSync("dist", { recursive: true, force: true });
const contexts = await Promise.all(targets.map((options) => esbuild.context({ ...options, outdir: "dist" })));
if (watch) {
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  await Promise.all(contexts.map((context) => context.rebuild()));
  await Promise.all(contexts.map((context) => context.dispose()));
}
