import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const MODEL_DIR = join(__dirname, "../../server/src/model");

/**
 * Every module specifier a file imports or re-exports, except type-only imports of protocol/
 * shapes: those are plain data types shared with the editor (the impact report is one shape for
 * the CLI's JSON and the language server's answer) and bring no code, no I/O and no store.
 */
function importsOf(source: string): string[] {
  return [...source.matchAll(/(import type|import|export)\s[^;]*?from\s+"([^"]+)"|require\("([^"]+)"\)/g)]
    .filter((match) => !(match[1] === "import type" && /^(\.\.\/)+protocol(\/[A-Za-z]+)?$/.test(match[2] ?? "")))
    .map((match) => match[2] ?? match[3]!);
}

describe("model: the pure core", () => {
  it("imports only other model modules and protocol types (no store, analysis, Node I/O or vscode)", () => {
    const offenders: string[] = [];
    for (const file of readdirSync(MODEL_DIR).filter((name) => name.endsWith(".ts"))) {
      for (const specifier of importsOf(readFileSync(join(MODEL_DIR, file), "utf8"))) {
        if (!/^\.\/[A-Za-z]+$/.test(specifier)) offenders.push(`${file} imports "${specifier}"`);
      }
    }
    assert.deepEqual(offenders, []);
  });
});
