import assert from "node:assert/strict";
import { equalRange } from "../../server/src/model/assetKey";
import { DefinitionIndex } from "../../server/src/model/definitionIndex";
import { AssetGraph } from "../../server/src/model/graph";
import { makeAsset, makeCheck } from "./support/defs";

describe("model: equalRange and the definition index", () => {
  it("equalRange gives the run of equal keys, or an empty range where the key would go", () => {
    const sorted = ["a", "b", "b", "b", "d"];
    const self = (item: string): string => item;
    assert.deepEqual(equalRange(sorted, "b", self), [1, 4]);
    assert.deepEqual(equalRange(sorted, "c", self), [4, 4]);
    assert.deepEqual(equalRange(sorted, "z", self), [5, 5]);
    assert.deepEqual(equalRange([], "a", self), [0, 0]);
  });

  it("orders by UTF-16 code units, as compareKeyStrings does (upper case before lower, no locale)", () => {
    const sorted = ["B", "a", "ä"];
    assert.deepEqual(
      equalRange(sorted, "a", (item) => item),
      [1, 2],
    );
  });

  // The graph and the language server's index answer through the same class: they must agree.
  const assets = [
    makeAsset({ key: "self_loop", deps: ["self_loop", "raw"] }),
    makeAsset({ key: "dup", deps: ["raw"], file: "first.ts" }),
    makeAsset({ key: "dup", deps: ["other"], file: "second.ts" }),
    makeAsset({ key: "uses", deps: ["dup", "missing", undefined, "dup"] }),
  ];
  const checks = [makeCheck("z_last", "dup"), makeCheck("a_first", "dup"), makeCheck("lost", undefined)];
  const index = DefinitionIndex.fromDefinitions(assets, checks);
  const graph = AssetGraph.fromDefinitions(assets, checks);

  it("answers every definition of a key, the first being the graph's", () => {
    assert.deepEqual(
      index.definitionsOf("dup").map((asset) => asset.location.file),
      ["first.ts", "second.ts"],
    );
    assert.deepEqual(graph.definitionsOf("dup"), index.definitionsOf("dup"));
    assert.equal(index.definition("dup"), graph.definition("dup"));
    assert.deepEqual(index.definitionsOf("missing"), []);
  });

  it("answers a key's checks sorted by name, as the graph does, never those without a target", () => {
    assert.deepEqual(
      index.checksOf("dup").map((check) => check.name),
      ["a_first", "z_last"],
    );
    assert.deepEqual(graph.checksOf("dup"), index.checksOf("dup"));
    assert.deepEqual(index.checksOf(""), []);
  });

  it("answers parents as the graph does: placeholders included, the key itself on a self-loop", () => {
    for (const key of ["self_loop", "dup", "uses", "raw", "missing", "unknown"]) {
      assert.deepEqual(index.parents(key), graph.parents(key), key);
    }
    assert.deepEqual(index.parents("self_loop"), ["raw", "self_loop"]);
    assert.deepEqual(index.parents("uses"), ["dup", "missing"]);
  });
});
