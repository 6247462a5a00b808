import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FIXTURES } from "../unit/support/analysis";
import { assetline, REPO } from "./support";

const EXAMPLE = join(REPO, "examples", "jaffle_shop");

describe("cli: assetline check", () => {
  it("exits 0 on the example, with a clean summary", () => {
    const result = assetline(["check", EXAMPLE]);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^No problems \(\d+ files, 10 assets, 5 checks\)\.$/m);
  });

  it("prints compiler-style lines and exits 1 when there are errors", () => {
    const result = assetline(["check", join(FIXTURES, "al002-missing-upstream")]);
    assert.equal(result.status, 1);
    assert.match(
      result.stdout,
      /^src\/missing\.ts:4:43 error AL002 Missing upstream for stg_orders: .*Did you mean "raw_orders"\?$/m,
    );
  });

  it("exits 0 when there are only warnings", () => {
    const result = assetline(["check", join(FIXTURES, "al003-undeclared")]);
    assert.equal(result.status, 0, result.stdout);
    assert.match(result.stdout, /warning AL003/);
  });

  it("prints the documented JSON shape with 1-based positions", () => {
    const result = assetline(["check", join(FIXTURES, "al004-duplicate"), "--format", "json"]);
    assert.equal(result.status, 1);
    const parsed = JSON.parse(result.stdout) as { diagnostics: Array<Record<string, unknown>> };
    assert.equal(parsed.diagnostics.length, 2);
    assert.deepEqual(
      Object.fromEntries(
        ["code", "severity", "file", "line", "column"].map((field) => [field, parsed.diagnostics[0]![field]]),
      ),
      { code: "AL004", severity: "error", file: "src/one.ts", line: 3, column: 14 },
    );
    assert.equal(typeof parsed.diagnostics[0]!.message, "string");
  });

  it("works from any folder, relative to the working directory", () => {
    const result = assetline(["check", "."], EXAMPLE);
    assert.equal(result.status, 0, result.stderr);
  });

  describe("gives one clear line and exit 2 for bad usage", () => {
    it("a folder that does not exist", () => {
      const missing = assetline(["check", "/no/such/dir"]);
      assert.equal(missing.status, 2);
      assert.equal(missing.stderr.trim(), "assetline: no such directory: /no/such/dir");
    });

    it("a folder without TypeScript files", () => {
      const empty = mkdtempSync(join(tmpdir(), "assetline-empty-"));
      try {
        writeFileSync(join(empty, "README.md"), "no code here");
        const noSources = assetline(["check", empty]);
        assert.equal(noSources.status, 2);
        assert.match(
          noSources.stderr,
          /^assetline: no TypeScript files in .*pass the folder that holds your assets\n$/,
        );
      } finally {
        rmSync(empty, { recursive: true, force: true });
      }
    });

    it("an unknown option", () => {
      const unknown = assetline(["check", EXAMPLE, "--frobnicate"]);
      assert.equal(unknown.status, 2);
      assert.match(unknown.stderr, /^assetline: unknown option --frobnicate \(usage: assetline check/);
    });

    it("an unknown format", () => {
      const badFormat = assetline(["check", EXAMPLE, "--format", "xml"]);
      assert.equal(badFormat.status, 2);
      assert.match(badFormat.stderr, /unknown format "xml"; expected one of text, json/);
    });

    it("an unknown command", () => {
      const badCommand = assetline(["frobnicate"]);
      assert.equal(badCommand.status, 2);
      assert.match(badCommand.stderr, /unknown command "frobnicate"/);
    });
  });
});

describe("cli: assetline graph", () => {
  it("selects with the selection syntax", () => {
    const result = assetline(["graph", EXAMPLE, "--select", "+orders", "--format", "json"]);
    const keys = (JSON.parse(result.stdout) as { assets: Array<{ key: string }> }).assets
      .map((asset) => asset.key)
      .sort();
    assert.deepEqual(keys, ["orders", "raw_orders", "raw_payments", "stg_orders", "stg_payments"]);
    const groups = assetline(["graph", EXAMPLE, "--select", "group:staging, customers+", "--format", "json"]);
    const groupKeys = (JSON.parse(groups.stdout) as { assets: Array<{ key: string }> }).assets
      .map((asset) => asset.key)
      .sort();
    assert.deepEqual(groupKeys, ["customer_segments", "customers", "stg_customers", "stg_orders", "stg_payments"]);
  });

  it("prints Graphviz and Mermaid", () => {
    const dot = assetline(["graph", EXAMPLE, "--format", "dot"]);
    assert.match(dot.stdout, /^digraph assets \{/);
    assert.match(dot.stdout, /"stg_orders" -> "orders";/);
    const mermaid = assetline(["graph", EXAMPLE, "--format", "mermaid", "--select", "stg_orders+1"]);
    assert.match(mermaid.stdout, /^flowchart LR/);
    assert.equal(mermaid.stdout.match(/-->/g)?.length, 1);
  });

  it("rejects a bad selection with the parser's message", () => {
    const result = assetline(["graph", EXAMPLE, "--select", "grp:staging"]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^assetline: .*grp/);
  });

  describe("the documented JSON shape", () => {
    let graph: { assets: Array<Record<string, unknown>>; checks: Array<Record<string, unknown>> };
    before(() => {
      const result = assetline(["graph", EXAMPLE, "--format", "json"]);
      assert.equal(result.status, 0, result.stderr);
      graph = JSON.parse(result.stdout) as typeof graph;
    });

    it("an asset: kind, file, line, deps, group, owners, code version, reads and writes", () => {
      const orders = graph.assets.find((asset) => asset.key === "orders")!;
      assert.equal(orders.kind, "asset");
      assert.equal(orders.file, "src/marts/orders.ts");
      assert.equal(typeof orders.line, "number");
      assert.deepEqual([...(orders.deps as string[])].sort(), ["stg_orders", "stg_payments"]);
      assert.equal(orders.group, "marts");
      assert.ok((orders.owners as string[]).includes("team:analytics"));
      assert.match(orders.codeVersion as string, /^[0-9a-f]{16}$/);
      assert.ok((orders.reads as string[]).includes("table:stg_orders"));
      assert.deepEqual(orders.writes, ["table:orders"]);
    });

    it("a source, among the assets with its kind", () => {
      const source = graph.assets.find((asset) => asset.key === "raw_orders")!;
      assert.equal(source.kind, "source");
    });

    it("a check: its asset, blocking flag and file", () => {
      const unique = graph.checks.find((check) => check.name === "order_id_unique")!;
      assert.deepEqual(
        { asset: unique.asset, blocking: unique.blocking, file: unique.file },
        { asset: "stg_orders", blocking: true, file: "src/checks.ts" },
      );
    });
  });
});
