import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { assetline } from "./support";

const ASSETS = `import { asset } from "assetline";
import { answer } from "./answer";

export const numbers = asset({}, async (ctx) => {
  ctx.db.exec(\`drop table if exists numbers; create table numbers as select \${answer()} as n\`);
});
`;
const HELPER = "export function answer(): number {\n  return 1;\n}\n";

interface StatusJson {
  assets: Array<{ key: string; state: string; codeVersion: string; materializedCodeVersion: string | null }>;
}

function numbersStatus(dir: string): StatusJson["assets"][number] {
  const result = assetline(["status", "numbers", "--dir", dir, "--format", "json"]);
  assert.equal(result.status, 0, result.stderr);
  return (JSON.parse(result.stdout) as StatusJson).assets[0]!;
}

function builtValue(dir: string): number {
  const warehouse = new Database(join(dir, ".assetline", "warehouse.db"), { readonly: true });
  try {
    return (warehouse.prepare("select n from numbers").get() as { n: number }).n;
  } finally {
    warehouse.close();
  }
}

describe("cli: a workspace copied with its .assetline/ folder", () => {
  let scratch: string;
  let original: string;
  let copy: string;
  before(() => {
    scratch = mkdtempSync(join(tmpdir(), "assetline-copy-"));
    original = join(scratch, "original");
    copy = join(scratch, "copy");
    mkdirSync(join(original, "src"), { recursive: true });
    writeFileSync(join(original, "src", "assets.ts"), ASSETS);
    writeFileSync(join(original, "src", "answer.ts"), HELPER);
    const first = assetline(["materialize", "*", "--dir", original]);
    assert.equal(first.status, 0, first.stdout + first.stderr);
    cpSync(original, copy, { recursive: true });
  });
  after(() => scratch && rmSync(scratch, { recursive: true, force: true }));

  it("runs its own code, not the bundle built from the original's files, and records its own version", () => {
    const helper = join(copy, "src", "answer.ts");
    writeFileSync(helper, readFileSync(helper, "utf8").replace("return 1;", "return 2;"));
    const before = numbersStatus(copy);
    assert.equal(before.state, "code-changed");

    const run = assetline(["materialize", "*", "--dir", copy]);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.equal(builtValue(copy), 2, "the copy's edited helper ran");
    assert.equal(builtValue(original), 1, "the original is untouched");

    const after = numbersStatus(copy);
    assert.equal(after.state, "fresh");
    assert.equal(after.materializedCodeVersion, after.codeVersion);
    assert.notEqual(after.codeVersion, numbersStatus(original).codeVersion);
  });

  it("and the original, run again, still runs its own code", () => {
    const run = assetline(["materialize", "*", "--dir", original]);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.equal(builtValue(original), 1);
    assert.equal(numbersStatus(original).state, "fresh");
  });
});
