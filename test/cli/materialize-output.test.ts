import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assetline } from "./support";

const ASSETS = `import { asset, check } from "assetline";

export const numbers = asset({}, async (ctx) => {
  ctx.db.exec("drop table if exists numbers; create table numbers as select 1 as n");
});

export const has_rows = check(numbers, { name: "has_rows" }, async () => ({ passed: true }));

export const too_few = check(numbers, { name: "too_few" }, async () => ({ passed: false, description: "only 1 row, expected 10" }));

export const broken = check(numbers, { name: "broken" }, async () => {
  throw new Error("the check itself crashed");
});
`;

describe("cli: materialize output", () => {
  let dir: string;
  let stdout: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "assetline-output-"));
    mkdirSync(join(dir, "src"));
    writeFileSync(join(dir, "src", "assets.ts"), ASSETS);
    const result = assetline(["materialize", "*", "--dir", dir]);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    stdout = result.stdout;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const linesAbout = (check: string) => stdout.split("\n").filter((line) => line.includes(`› ${check}`));

  it("prints a failed check once, with its reason", () => {
    assert.deepEqual(linesAbout("too_few"), ["✗ numbers › too_few failed: only 1 row, expected 10"]);
  });

  it("prints a check that crashed once, with the error", () => {
    assert.deepEqual(linesAbout("broken"), [
      "✗ numbers › broken failed: the check did not complete: the check itself crashed",
    ]);
  });

  it("prints a passing check once", () => {
    assert.deepEqual(linesAbout("has_rows"), ["✓ numbers › has_rows passed"]);
  });
});
