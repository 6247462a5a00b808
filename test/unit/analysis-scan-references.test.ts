import assert from "node:assert/strict";
import { scanFile } from "../../server/src/analysis/scan/scanFile";

// The order of a declaration's or a call's references decides which helpers a code version
// follows first (helperVersions stops at 200), so it is pinned: first use first, in source order.
describe("analysis: what each top-level name and call uses", () => {
  const text = [
    'import { asset } from "assetline";',
    'import { a, b, c, d, e, f, g } from "./helpers";',
    "const keys = { [c]: d, plain: e, nested: { deep: f.g } };",
    "function helper(x: number) {",
    "  return b(a(x), c) + g.member + helper2(d);",
    "}",
    "function helper2(y: number) {",
    "  return y;",
    "}",
    "export const table = asset({ deps: [e] }, () => {",
    "  f(b.c, helper(1), keys[a]);",
    "  return d;",
    "});",
  ].join("\n");
  const facts = scanFile("src/x.ts", text);

  it("lists a declaration's uses in the order the source first names them", () => {
    assert.deepEqual(facts.declarations.get("keys")?.references, ["c", "d", "e", "f"]);
    assert.deepEqual(facts.declarations.get("helper")?.references, ["b", "a", "c", "g", "helper2", "d"]);
    assert.deepEqual(facts.declarations.get("helper2")?.references, []);
  });

  it("lists a call's uses in its arguments in source order, and adds them after the callee to its declaration", () => {
    const call = facts.calls.find((candidate) => candidate.declaredAs === "table")!;
    assert.deepEqual(call.references, ["e", "f", "b", "helper", "keys", "a", "d"]);
    assert.deepEqual(facts.declarations.get("table")?.references, ["asset", "e", "f", "b", "helper", "keys", "a", "d"]);
  });
});
