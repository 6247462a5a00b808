import assert from "node:assert/strict";
import { analyzeFixture, fixtureText } from "./support/analysis";

describe("analysis: finding definitions through imports", () => {
  const snapshot = analyzeFixture("imports");
  const keys = snapshot.assets.map((asset) => asset.key);

  it("finds assets and sources imported by name, alias, namespace, barrel and renamed re-export", () => {
    assert.deepEqual(keys, [
      "barrel_asset",
      "named_asset",
      "namespaced_reexport",
      "ns/asset",
      "raw_events",
      "renamed_asset",
    ]);
    assert.equal(snapshot.assets.find((asset) => asset.key === "raw_events")?.kind, "source");
  });

  it("does not treat a local function or another package's asset() as an asset", () => {
    assert.ok(!keys.includes("not_an_asset"));
    assert.ok(!keys.includes("also_not_an_asset"));
    assert.ok(!keys.includes("local_lookalike"));
  });

  it("defaults the key to the exported const's name and points keyLocation at it", () => {
    const named = snapshot.assets.find((asset) => asset.key === "named_asset")!;
    assert.equal(named.exportName, "named_asset");
    assert.equal(fixtureText("imports", named.keyLocation), "named_asset");
    const namespaced = snapshot.assets.find((asset) => asset.key === "ns/asset")!;
    assert.equal(namespaced.exportName, "namespace_asset");
    assert.equal(fixtureText("imports", namespaced.keyLocation), '"ns/asset"');
  });

  it("resolves deps by reference across files, through aliases and namespaces", () => {
    const depsOf = (key: string) => snapshot.assets.find((asset) => asset.key === key)!.deps.map((dep) => dep.key);
    assert.deepEqual(depsOf("named_asset"), ["raw_events"]);
    assert.deepEqual(depsOf("ns/asset"), ["raw_events"]);
    assert.deepEqual(depsOf("barrel_asset"), ["named_asset"]);
    assert.deepEqual(depsOf("renamed_asset"), ["barrel_asset"]);
    assert.deepEqual(depsOf("namespaced_reexport"), ["renamed_asset"]);
    const aliased = snapshot.assets.find((asset) => asset.key === "renamed_asset")!.deps[0]!;
    assert.equal(aliased.via, "reference");
    assert.equal(aliased.text, "upstream");
  });

  it("finds checks imported through a barrel, with their target and blocking flag", () => {
    assert.deepEqual(
      snapshot.checks.map((check) => [check.name, check.assetKey, check.blocking]),
      [["barrel_check", "barrel_asset", true]],
    );
  });

  it("reports nothing for a clean workspace", () => {
    assert.deepEqual(snapshot.diagnostics, []);
  });

  it("builds the graph from resolved deps", () => {
    assert.deepEqual(snapshot.graph.parents("barrel_asset"), ["named_asset"]);
    assert.deepEqual(snapshot.graph.children("raw_events"), ["named_asset", "ns/asset"]);
  });
});
