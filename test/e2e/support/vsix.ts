/**
 * What the e2e suites run is what ships: `npm run package` builds the .vsix, code-server
 * installs it into the session's extensions folder, and the workbench loads it like any
 * installed extension. The extension host only runs mocha suites in "extension development"
 * mode, so the workbench gets a stand-in development extension (no code, another id) to
 * carry the tests, never the repository itself.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "./codeServer";

/** Builds the .vsix into .vscode-test/ (the production build replaces dist/); returns its path. */
export function packageExtension(): string {
  const out = join(REPO, ".vscode-test", "assetline.vsix");
  mkdirSync(join(REPO, ".vscode-test"), { recursive: true });
  execFileSync(process.execPath, [join(REPO, "scripts", "package.mjs"), "--out", out], {
    cwd: REPO,
    stdio: ["ignore", "ignore", "inherit"],
  });
  return out;
}

/** The stand-in development extension that carries the mocha suites into the extension host. */
export function testCarrier(): string {
  const dir = join(REPO, ".vscode-test", "e2e-carrier");
  mkdirSync(dir, { recursive: true });
  const manifest = {
    name: "assetline-e2e-carrier",
    publisher: "assetline-tests",
    version: "0.0.0",
    engines: { vscode: "^1.100.0" },
  };
  writeFileSync(join(dir, "package.json"), JSON.stringify(manifest, null, 2));
  return dir;
}
