import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const MODEL_DIR = join(__dirname, "../../server/src/model");

/** Every module specifier a file imports or re-exports. */
function importsOf(source: string): string[] {
  return [...source.matchAll(/(?:import|export)\s[^;]*?from\s+"([^"]+)"|require\("([^"]+)"\)/g)].map(
    (match) => match[1] ?? match[2]!,
  );
}

describe("model: the pure core", () => {
  it("imports only other model modules (no store, analysis, Node I/O or vscode)", () => {
    const offenders: string[] = [];
    for (const file of readdirSync(MODEL_DIR).filter((name) => name.endsWith(".ts"))) {
      for (const specifier of importsOf(readFileSync(join(MODEL_DIR, file), "utf8"))) {
        if (!/^\.\/[A-Za-z]+$/.test(specifier)) offenders.push(`${file} imports "${specifier}"`);
      }
    }
    assert.deepEqual(offenders, []);
  });
});
