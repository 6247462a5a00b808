/**
 * What the .vsix carries, as `vsce ls` reports it: the allow-list in .vscodeignore against a
 * tree planted with everything that must stay out (sources, tests, maps, .env, dev
 * dependencies), and against this repository's own tree as the build left it.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

const REPO = join(__dirname, "..", "..");
const VSCE = join(REPO, "node_modules", "@vscode", "vsce", "vsce");

/** The files `vsce package` would put in the .vsix, relative to the extension's root. */
async function vsceLs(cwd: string): Promise<string[]> {
  // --no-dependencies: the packaging script stages the run-time packages itself (scripts/package.mjs).
  const { stdout } = await promisify(execFile)(process.execPath, [VSCE, "ls", "--no-dependencies"], {
    cwd,
    timeout: 120_000,
  });
  return stdout
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .sort();
}

/** What the .vsix may hold; anything else is a leak. */
const ALLOWED = [
  /^(package\.json|README\.md|LICENSE|CHANGELOG\.md|media\/icon\.png|media\/activity\.svg)$/,
  /^dist\/(client\/extension|server|codeCache|worker|webview\/lineage|sdk\/index)\.js$/,
  /^dist\/webview\/lineage\.css$/,
  // The SDK's types: index.d.ts imports sql.d.ts.
  /^dist\/sdk\/(index|sql)\.d\.ts$/,
  /^dist\/node_modules\/(better-sqlite3|bindings|file-uri-to-path|esbuild|@esbuild\/[a-z0-9-]+)\/[^]+$/,
];

function leaks(files: readonly string[]): string[] {
  return files.filter(
    (file) =>
      !ALLOWED.some((pattern) => pattern.test(file)) ||
      /\.map$|(^|\/)\.env|\.(ts|tsx|cc|cpp|c|h)$/.test(file.replace(/\.d\.ts$/, ".d")),
  );
}

describe("the .vsix contents (vsce ls)", function () {
  this.timeout(180_000);
  let planted: string;

  before(() => {
    planted = mkdtempSync(join(tmpdir(), "assetline-vsix-"));
    for (const file of [
      "package.json",
      ".vscodeignore",
      "README.md",
      "LICENSE",
      "CHANGELOG.md",
      "media/icon.png",
      "media/activity.svg",
    ]) {
      mkdirSync(dirname(join(planted, file)), { recursive: true });
      copyFileSync(join(REPO, file), join(planted, file));
    }
    const files = [
      // What ships.
      "dist/client/extension.js",
      "dist/server.js",
      "dist/codeCache.js",
      "dist/worker.js",
      "dist/webview/lineage.js",
      "dist/webview/lineage.css",
      "dist/sdk/index.js",
      "dist/sdk/index.d.ts",
      "dist/sdk/sql.d.ts",
      "dist/node_modules/better-sqlite3/package.json",
      "dist/node_modules/better-sqlite3/lib/index.js",
      "dist/node_modules/better-sqlite3/build/Release/better_sqlite3.node",
      "dist/node_modules/@esbuild/linux-x64/bin/esbuild",
      // What must not.
      "client/src/extension.ts",
      "server/src/server.ts",
      "test/unit/some.test.ts",
      "dist/server.js.map",
      "dist/client/extension.js.map",
      "dist/cli.js",
      ".env",
      "examples/jaffle_shop/.env.local",
      "node_modules/mocha/index.js",
      "node_modules/typescript/lib/typescript.js",
      "dist/node_modules/mocha/index.js",
      "dist/node_modules/better-sqlite3/src/better_sqlite3.cpp",
      "tsconfig.json",
      "esbuild.mjs",
      ".vscode-test/e2e-shots/a.png",
      "assetline-0.1.0.vsix",
      "media/icon.svg.orig",
    ];
    for (const file of files) {
      mkdirSync(dirname(join(planted, file)), { recursive: true });
      writeFileSync(join(planted, file), "x");
    }
  });

  after(() => rmSync(planted, { recursive: true, force: true }));

  it("takes exactly the shipped files from a tree that holds everything else too", async () => {
    assert.deepEqual(await vsceLs(planted), [
      "CHANGELOG.md",
      "LICENSE",
      "README.md",
      "dist/client/extension.js",
      "dist/codeCache.js",
      "dist/node_modules/@esbuild/linux-x64/bin/esbuild",
      "dist/node_modules/better-sqlite3/build/Release/better_sqlite3.node",
      "dist/node_modules/better-sqlite3/lib/index.js",
      "dist/node_modules/better-sqlite3/package.json",
      "dist/sdk/index.d.ts",
      "dist/sdk/index.js",
      "dist/sdk/sql.d.ts",
      "dist/server.js",
      "dist/webview/lineage.css",
      "dist/webview/lineage.js",
      "dist/worker.js",
      "media/activity.svg",
      "media/icon.png",
      "package.json",
    ]);
  });

  it("lists no sources, tests, maps or dev dependencies from this repository's build", async () => {
    assert.ok(existsSync(join(REPO, "dist", "server.js")), "run `npm run build` first");
    const files = await vsceLs(REPO);
    assert.deepEqual(leaks(files), []);
    for (const needed of [
      "package.json",
      "README.md",
      "LICENSE",
      "CHANGELOG.md",
      "media/icon.png",
      "dist/client/extension.js",
      "dist/server.js",
      "dist/codeCache.js",
      "dist/worker.js",
      "dist/sdk/index.d.ts",
      "dist/sdk/sql.d.ts",
    ]) {
      assert.ok(files.includes(needed), `${needed} is not in the .vsix`);
    }
    const manifest = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as {
      devDependencies: Record<string, string>;
    };
    const shippedPackages = new Set(
      files.flatMap((file) => /^dist\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1] ?? []),
    );
    for (const pkg of shippedPackages)
      assert.ok(!(pkg in manifest.devDependencies), `devDependency ${pkg} is in the .vsix`);
  });
});
