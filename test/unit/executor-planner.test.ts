import assert from "node:assert/strict";
import { NO_COLUMNS } from "../../server/src/model/columns";
import { planRun } from "../../server/src/executor";
import type { AssetDefinition, CheckDefinition, SourceLocation } from "../../server/src/model/definitions";
import { AssetGraph } from "../../server/src/model/graph";

const at: SourceLocation = {
  file: "src/a.ts",
  range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
};

function def(key: string, deps: string[] = [], extra: Partial<AssetDefinition> = {}): AssetDefinition {
  return {
    key,
    kind: "asset",
    location: at,
    keyLocation: at,
    exportName: key,
    exported: true,
    deps: deps.map((dep) => ({ key: dep, via: "string", text: dep, location: at })),
    group: undefined,
    owners: [],
    kinds: [],
    tags: {},
    description: undefined,
    freshness: undefined,
    automation: [],
    codeVersion: `v-${key}`,
    reads: [],
    writes: [],
    columns: NO_COLUMNS,
    ...extra,
  };
}

function chk(asset: string, name: string, blocking: boolean): CheckDefinition {
  return {
    name,
    assetKey: asset,
    targetText: asset,
    targetLocation: at,
    location: at,
    exportName: `${asset}_${name}`,
    exported: true,
    blocking,
    description: undefined,
    codeVersion: `c-${name}`,
  };
}

//   raw (source) → a → b → c      d (independent)      checks: a:unique (blocking), a:info, b:soft
const graph = AssetGraph.fromDefinitions(
  [
    def("raw", [], { kind: "source", exportName: "raw" }),
    def("a", ["raw"]),
    def("b", ["a"]),
    def("c", ["b"]),
    def("d"),
  ],
  [chk("a", "unique", true), chk("a", "info", false), chk("b", "soft", false), chk("raw", "fresh", false)],
);

describe("executor: planning", () => {
  it("orders assets topologically, each followed by its checks; sources are never steps", () => {
    const plan = planRun(graph, ["c", "a", "b"]);
    assert.deepEqual(
      plan.steps.map((s) => s.id),
      ["asset:a", "check:a:info", "check:a:unique", "asset:b", "check:b:soft", "asset:c"],
    );
    const b = plan.steps.find((s) => s.id === "asset:b")!;
    // b waits for a and a's blocking check; not for the non-blocking one.
    assert.deepEqual(b.waitsFor, ["asset:a", "check:a:unique"]);
    assert.deepEqual(b.parents, ["a"]);
    assert.equal(b.codeVersion, "v-b");
    assert.deepEqual(plan.steps.find((s) => s.id === "check:a:unique")!.waitsFor, ["asset:a"]);
    assert.deepEqual(plan.steps.find((s) => s.id === "asset:a")!.parents, ["raw"]);
  });

  it("withUpstream adds ancestors; a selected source contributes only its checks", () => {
    const plan = planRun({ graph }, ["b"], { withUpstream: true, skipChecks: true });
    assert.deepEqual(
      plan.steps.map((s) => s.id),
      ["asset:a", "asset:b"],
    );
    const withChecks = planRun(graph, ["raw"]);
    assert.deepEqual(
      withChecks.steps.map((s) => s.id),
      ["check:raw:fresh"],
    );
    assert.deepEqual(withChecks.steps[0]!.waitsFor, []);
  });

  it("an asset waits for the nearest selected ancestors through unselected ones", () => {
    const plan = planRun(graph, ["a", "c"], { skipChecks: true });
    assert.deepEqual(plan.steps.find((s) => s.id === "asset:c")!.waitsFor, ["asset:a"]);
    assert.deepEqual(plan.steps.find((s) => s.id === "asset:c")!.parents, ["b"]);
  });

  it("checksOnly plans the selected assets' checks, with nothing to wait for", () => {
    const plan = planRun(graph, ["a", "b"], { checksOnly: true });
    assert.deepEqual(
      plan.steps.map((s) => [s.id, s.waitsFor.length]),
      [
        ["check:a:info", 0],
        ["check:a:unique", 0],
        ["check:b:soft", 0],
      ],
    );
  });

  it("reports unknown and placeholder keys as unmatched, and unexported definitions as unrunnable", () => {
    const withHidden = AssetGraph.fromDefinitions([def("x", ["ghost"]), def("hidden", [], { exported: false })], []);
    const plan = planRun(withHidden, ["x", "ghost", "nope", "hidden"]);
    assert.deepEqual(plan.unmatched, ["ghost", "nope"]);
    assert.equal(plan.steps.find((s) => s.id === "asset:x")!.unrunnable, undefined);
    assert.match(plan.steps.find((s) => s.id === "asset:hidden")!.unrunnable ?? "", /"hidden" is not exported/);
  });
});
