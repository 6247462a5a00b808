import assert from "node:assert/strict";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assetline, REPO } from "./support";

/** The example's definitions without data or history: every command here must stop at usage. */
function definitionsCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "assetline-usage-"));
  cpSync(join(REPO, "examples", "jaffle_shop"), dir, {
    recursive: true,
    filter: (source) => !source.includes(".assetline") && !source.includes("node_modules") && !source.includes(join("jaffle_shop", "data")),
  });
  return dir;
}

/** A usage error: exit 2, one line on stderr, nothing on stdout. */
function assertUsageError(result: { status: number | null; stdout: string; stderr: string }, pattern: RegExp): void {
  assert.equal(result.status, 2, result.stdout + result.stderr);
  assert.equal(result.stdout, "");
  assert.equal(result.stderr.split("\n").filter((line) => line.length > 0).length, 1, result.stderr);
  assert.match(result.stderr, pattern);
}

describe("cli: usage errors", () => {
  let dir: string;
  before(() => {
    dir = definitionsCopy();
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  describe("a selection that matches nothing is the same error in every command", () => {
    const expected = /^assetline: nothing matches "stg_ordrs"; `assetline graph .* --format text` lists the assets$/m;

    it("materialize", () => assertUsageError(assetline(["materialize", "orders stg_ordrs", "--dir", dir]), expected));
    it("status", () => assertUsageError(assetline(["status", "orders stg_ordrs", "--dir", dir]), expected));
    it("graph --select", () => assertUsageError(assetline(["graph", dir, "--select", "orders stg_ordrs"]), expected));

    it("and none of them created a history", () => assert.equal(existsSync(join(dir, ".assetline", "assetline.db")), false));
  });

  // Linux caps one argument at 128 KiB (MAX_ARG_STRLEN), so this is as long as a selection argument gets.
  it("does not echo a 120 KB selection back whole", () => {
    const huge = Array.from({ length: 12_000 }, (_, i) => `nope_${i}`).join(" ");
    assert.ok(huge.length > 115_000 && huge.length < 128 * 1024, String(huge.length));
    for (const args of [["materialize", huge, "--dir", dir], ["status", huge, "--dir", dir], ["graph", dir, "--select", huge]]) {
      const result = assetline(args);
      assertUsageError(result, /nothing matches "nope_0", .* and 11995 more terms;/);
      assert.ok(result.stderr.length < 400, `${result.stderr.length} characters`);
    }
  });
});
