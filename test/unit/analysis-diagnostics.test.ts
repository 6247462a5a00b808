import assert from "node:assert/strict";
import { analyzeFixture, fixtureText, withCode } from "./support/analysis";

describe("analysis: diagnostics", () => {
  describe("AL001 dependency cycle", () => {
    const snapshot = analyzeFixture("al001-cycle");
    const cycles = withCode(snapshot, "AL001");

    it("is reported on every member, as an error, at the key, with the path", () => {
      const members = cycles.map((diagnostic) => fixtureText("al001-cycle", diagnostic.location)).sort();
      assert.deepEqual(members, ["a", "b", "c", "self_loop"]);
      assert.ok(cycles.every((diagnostic) => diagnostic.severity === "error"));
      const onA = cycles.find((diagnostic) => fixtureText("al001-cycle", diagnostic.location) === "a")!;
      assert.match(onA.message, /a → b → c → a/);
      assert.deepEqual(onA.data, { kind: "cycle", path: ["a", "b", "c", "a"] });
    });

    it("relates each edge of the cycle to the dep that makes it", () => {
      const onB = cycles.find((diagnostic) => fixtureText("al001-cycle", diagnostic.location) === "b")!;
      assert.deepEqual(
        onB.related.map((related) => related.message),
        ["b depends on a", "c depends on b", "a depends on c"],
      );
      assert.deepEqual(
        onB.related.map((related) => fixtureText("al001-cycle", related.location)),
        ["a", "b", "c"],
      );
    });

    it("does not flag the asset downstream of the cycle", () => {
      assert.ok(!cycles.some((diagnostic) => diagnostic.message.startsWith("tail")));
    });
  });

  describe("AL002 missing upstream", () => {
    const snapshot = analyzeFixture("al002-missing-upstream");
    const missing = withCode(snapshot, "AL002");

    it("points at the key inside the deps string and suggests the closest key", () => {
      const typo = missing.find(
        (diagnostic) => fixtureText("al002-missing-upstream", diagnostic.location) === "raw_ordres",
      )!;
      assert.ok(typo, "AL002 on the misspelt key");
      assert.equal(typo.severity, "error");
      assert.match(typo.message, /Did you mean "raw_orders"\?/);
      assert.deepEqual(typo.data, { kind: "missingUpstream", missing: "raw_ordres", suggestion: "raw_orders" });
    });

    it("suggests declaring a source when nothing is close", () => {
      const unknown = missing.find(
        (diagnostic) => fixtureText("al002-missing-upstream", diagnostic.location) === "zzz_nothing_like_it",
      )!;
      assert.match(unknown.message, /source\(\)/);
      assert.equal((unknown.data as { suggestion: unknown }).suggestion, undefined);
    });

    it("reports a reference to something that is not an asset", () => {
      const badRef = missing.find(
        (diagnostic) => fixtureText("al002-missing-upstream", diagnostic.location) === "notAnAsset",
      )!;
      assert.match(badRef.message, /declared in src\/helpers\.ts but is not an asset or source/);
    });
  });

  describe("AL003 undeclared dependency", () => {
    const snapshot = analyzeFixture("al003-undeclared");
    const undeclared = withCode(snapshot, "AL003");

    it("points at the table name inside the SQL string, as a warning, relating the producer", () => {
      assert.equal(undeclared.length, 1, JSON.stringify(undeclared.map((d) => d.message)));
      const [diagnostic] = undeclared;
      assert.equal(diagnostic!.severity, "warning");
      assert.equal(fixtureText("al003-undeclared", diagnostic!.location), "stg_orders");
      assert.equal(diagnostic!.location.range.start.line, 9, "on the template's second line");
      assert.deepEqual(diagnostic!.data, {
        kind: "undeclaredDependency",
        asset: "orders",
        producer: "stg_orders",
        resource: "table:stg_orders",
      });
      assert.equal(fixtureText("al003-undeclared", diagnostic!.related[0]!.location), "stg_orders");
    });

    it("is satisfied by a dep given as a string key, ignores CTE names and external tables", () => {
      const flagged = undeclared.map((diagnostic) => (diagnostic.data as { asset: string }).asset);
      assert.ok(!flagged.includes("by_string"));
      assert.ok(!flagged.includes("cte_shadow"));
      assert.ok(!flagged.includes("reads_external"));
    });
  });

  describe("AL004 duplicate key", () => {
    const snapshot = analyzeFixture("al004-duplicate");
    it("is reported on both definitions, each relating the other", () => {
      const duplicates = withCode(snapshot, "AL004");
      assert.deepEqual(
        duplicates.map((diagnostic) => diagnostic.location.file),
        ["src/one.ts", "src/two.ts"],
      );
      assert.equal(fixtureText("al004-duplicate", duplicates[0]!.location), "orders");
      assert.equal(fixtureText("al004-duplicate", duplicates[1]!.location), '"orders"');
      assert.match(duplicates[0]!.message, /also defined in src\/two\.ts:3/);
      assert.equal(duplicates[1]!.related[0]!.location.file, "src/one.ts");
    });
  });

  describe("AL005 check target", () => {
    const snapshot = analyzeFixture("al005-check-target");
    const bad = withCode(snapshot, "AL005");
    it("accepts references and string keys of assets", () => {
      const names = snapshot.checks
        .filter((check) => check.assetKey === "orders")
        .map((check) => check.name)
        .sort();
      assert.deepEqual(names, ["by_key", "ok"]);
    });
    it("rejects a misspelt key (with a suggestion), a plain object and a check", () => {
      assert.deepEqual(
        bad.map((diagnostic) => fixtureText("al005-check-target", diagnostic.location)),
        ["ordres", "notAnAsset", "ok_check"],
      );
      assert.match(bad[0]!.message, /Did you mean "orders"\?/);
      assert.ok(bad.every((diagnostic) => diagnostic.severity === "error"));
    });
  });

  describe("AL006 not statically analysable", () => {
    const snapshot = analyzeFixture("al006-not-static");
    const notStatic = withCode(snapshot, "AL006");
    it("says why and what to write instead, for each dynamic form", () => {
      const texts = notStatic.map((diagnostic) => fixtureText("al006-not-static", diagnostic.location));
      assert.deepEqual(texts, ["`${prefix}_orders`", "...base", "upstreams", "name"]);
      assert.match(notStatic[0]!.message, /string literal/);
      assert.match(notStatic[1]!.message, /write the options inline/);
      assert.match(notStatic[2]!.message, /array literal/);
      assert.match(notStatic[3]!.message, /inside makeAsset/);
      assert.ok(notStatic.every((diagnostic) => diagnostic.severity === "warning"));
    });
    it("does not invent a key for a dynamic name, and reads const strings", () => {
      const keys = snapshot.assets.map((asset) => asset.key);
      assert.ok(!keys.includes("dynamic_name"));
      assert.ok(keys.includes("const_key"));
      assert.deepEqual(snapshot.assets.find((asset) => asset.key === "const_key")!.owners, ["team:data"]);
    });
  });
});
