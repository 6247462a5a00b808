// `npm run package [-- --target linux-x64] [-- --out FILE]`: the production build (the engine
// with its npm dependencies inlined, no source maps), the two native packages staged next to
// it in dist/node_modules, then a .vsix with @vscode/vsce holding what .vscodeignore allows.
// The staged SQLite addon and esbuild binary are the ones installed here, so a .vsix runs on
// the platform it was built on: build one per platform (on that platform, or after
// `npm ci --os=... --cpu=...`) and pass vsce's `--target`. Prints the .vsix path last.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const args = process.argv.slice(2);
const { name, version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const target = valueOf("--target");
const out = valueOf("--out") ?? join(root, `${name}-${target ? `${target}-` : ""}${version}.vsix`);

/**
 * What the bundled engine loads at run time from node_modules: better-sqlite3 (its JavaScript
 * and the built addon, not its C sources or SQLite amalgamation) with the two small packages it
 * finds the addon with, and esbuild (its API and the platform binary it runs).
 */
const RUNTIME_FILES = {
  "better-sqlite3": ["package.json", "LICENSE", "lib", "build/Release/better_sqlite3.node"],
  bindings: ["package.json", "LICENSE.md", "bindings.js"],
  "file-uri-to-path": ["package.json", "LICENSE", "index.js"],
  esbuild: ["package.json", "LICENSE.md", "lib/main.js"],
  ...Object.fromEntries(
    readdirSync(join(root, "node_modules", "@esbuild")).map((platform) => [
      `@esbuild/${platform}`,
      ["package.json", "bin/esbuild", "esbuild.exe"],
    ]),
  ),
};

step(process.execPath, ["esbuild.mjs", "--production"]);
step("npx", ["tsc", "-p", "sdk/tsconfig.json"]);
stageRuntime();
// Dependencies are staged above, so vsce does not walk node_modules (that takes minutes).
// No repository URL to rewrite README links against: they stay relative, as on GitHub.
const vsce = ["vsce", "package", "--no-dependencies", "--no-rewrite-relative-links", "--allow-missing-repository"];
step("npx", [...vsce, ...(target ? ["--target", target] : []), "--out", out]);
console.log(out);

function stageRuntime() {
  for (const [pkg, files] of Object.entries(RUNTIME_FILES)) {
    const from = join(root, "node_modules", pkg);
    const to = join(root, "dist", "node_modules", pkg);
    for (const file of files) {
      if (!existsSync(join(from, file))) continue; // bin/esbuild or esbuild.exe, by platform
      cpSync(join(from, file), join(to, file), { recursive: true, dereference: true });
    }
    if (!existsSync(join(to, "package.json"))) fail(`${pkg} is not installed in node_modules: run \`npm ci\``);
  }
  if (!existsSync(join(root, "dist", "node_modules", "better-sqlite3", "build", "Release", "better_sqlite3.node"))) {
    fail(
      "better-sqlite3's addon is not built (node_modules/better-sqlite3/build/Release): run `npm rebuild better-sqlite3`",
    );
  }
}

function valueOf(flag) {
  const index = args.indexOf(flag);
  return index === -1 ? undefined : args[index + 1];
}

function step(command, commandArgs) {
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  if (result.status !== 0)
    fail(`\`${command} ${commandArgs.join(" ")}\` failed (exit ${result.status ?? result.signal})`);
}

function fail(message) {
  console.error(`npm run package: ${message}`);
  process.exit(1);
}
