import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";

const REPO = join(__dirname, "../..");
const SOURCE_ROOTS = ["server/src", "client/src", "protocol", "sdk", "webview/src"];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

describe("house: names", () => {
  it("source files are camelCase, so a newcomer's first guess at a module's name works", () => {
    const offenders = SOURCE_ROOTS.flatMap((root) => sourceFiles(join(REPO, root)))
      .filter((path) => !/^[a-z][A-Za-z0-9]*(\.d)?\.ts$/.test(path.split(/[\\/]/).pop()!))
      .map((path) => relative(REPO, path));
    assert.deepEqual(offenders, []);
  });
});
