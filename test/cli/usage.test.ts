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
    filter: (source) =>
      !source.includes(".assetline") &&
      !source.includes("node_modules") &&
      !source.includes(join("jaffle_shop", "data")),
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

    it("status with two selections asks for one, quoted", () =>
      assertUsageError(
        assetline(["status", "orders", "customers", "--dir", dir]),
        /^assetline: one SELECTION expected; quote selections with spaces: "orders customers"$/m,
      ));
    it("and none of them created a history", () =>
      assert.equal(existsSync(join(dir, ".assetline", "assetline.db")), false));
  });

  // Linux caps one argument at 128 KiB (MAX_ARG_STRLEN), so this is as long as a selection argument gets.
  it("does not echo a 120 KB selection back whole", () => {
    const huge = Array.from({ length: 12_000 }, (_, i) => `nope_${i}`).join(" ");
    assert.ok(huge.length > 115_000 && huge.length < 128 * 1024, String(huge.length));
    for (const args of [
      ["materialize", huge, "--dir", dir],
      ["status", huge, "--dir", dir],
      ["graph", dir, "--select", huge],
    ]) {
      const result = assetline(args);
      assertUsageError(result, /nothing matches "nope_0", .* and 11995 more terms;/);
      assert.ok(result.stderr.length < 400, `${result.stderr.length} characters`);
    }
  });

  describe("numeric options say what they need, in one line, before any work", () => {
    const cases: Array<[string[], RegExp]> = [
      [["--timeout", "-1"], /^assetline: --timeout must be a positive number of seconds, got "-1"$/m],
      [["--timeout=-1"], /^assetline: --timeout must be a positive number of seconds, got "-1"$/m],
      [["--timeout", "0"], /--timeout must be a positive number of seconds, got "0"/],
      [["--retries", "1.5"], /^assetline: --retries must be a whole number \(0 or more\), got "1\.5"$/m],
      [["--retries", "-2"], /--retries must be a whole number \(0 or more\), got "-2"/],
      [["--concurrency", "1.5"], /^assetline: --concurrency must be a positive whole number, got "1\.5"$/m],
      [["-j", "-3"], /--concurrency must be a positive whole number, got "-3"/],
      [["--concurrency", ""], /--concurrency must be a positive whole number, got ""/],
    ];
    for (const [options, expected] of cases) {
      it(options.join(" "), () =>
        assertUsageError(assetline(["materialize", "*", "--dir", dir, ...options]), expected),
      );
    }

    it("an option value that starts with a dash gets a hint, not Node's parser wording", () => {
      assertUsageError(
        assetline(["materialize", "*", "--dir", "-x"]),
        /^assetline: --dir needs a value; to give one that starts with "-", write --dir=VALUE/,
      );
    });

    it("runs --limit 1.5", () =>
      assertUsageError(
        assetline(["runs", "--limit", "1.5", "--dir", dir]),
        /--limit must be a positive whole number, got "1\.5"/,
      ));
  });

  it("--node naming no executable is a usage error, and records no run", () => {
    assertUsageError(
      assetline(["materialize", "*", "--dir", dir, "--node", "/nonexistent/node"]),
      /^assetline: --node \/nonexistent\/node: no executable file there; give the path of a Node binary/,
    );
    assertUsageError(
      assetline(["materialize", "*", "--dir", dir, "--node", "no-such-node-binary"]),
      /--node no-such-node-binary: no executable/,
    );
    assert.equal(existsSync(join(dir, ".assetline", "assetline.db")), false);
  });
});
