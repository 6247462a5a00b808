import assert from "node:assert/strict";
import type { CandidateCall, TargetRef } from "../../server/src/analysis/facts";
import { scanFile } from "../../server/src/analysis/scan/scanFile";

// A definition's config may name a const its own function declares (the body's consts are
// looked up as the SQL's are). The scan's walk collects them on its way through the body, and
// the lookups that follow it read that collection: these pin that it is the whole body's, in
// source order, wherever the walk met the declaration.
describe("analysis: consts a definition's function declares, as its config reads them", () => {
  const header = 'import { asset, check } from "assetline";\n';

  function callsOf(body: string): CandidateCall[] {
    return [...scanFile("src/x.ts", header + body).calls];
  }

  function described(ref: TargetRef | undefined): string {
    if (!ref) return "none";
    return ref.kind === "string" ? `string ${ref.key}` : `reference ${ref.text}`;
  }

  function depsOf(call: CandidateCall | undefined): string[] {
    return (call?.config.deps ?? []).map(described);
  }

  it("reads a dep named by a const of the body as that const's key, and any other name as a reference", () => {
    const [call] = callsOf(
      [
        "export const a = asset({ deps: [upstream, other] }, (ctx) => {",
        '  const upstream = "raw_orders";',
        '  ctx.db.exec("create table a as select 1");',
        "});",
      ].join("\n"),
    );
    assert.deepEqual(depsOf(call), ["string raw_orders", "reference other"]);
  });

  it("finds it however the walk read the body before: with SQL given by a const of the body too", () => {
    const [call] = callsOf(
      [
        "export const a = asset({ deps: [upstream] }, (ctx) => {",
        '  const statement = "create table a as select 1";',
        "  ctx.db.exec(statement);",
        '  const upstream = "raw_orders";',
        "});",
      ].join("\n"),
    );
    assert.deepEqual(depsOf(call), ["string raw_orders"]);
    assert.deepEqual(
      call?.effects.writes.map((write) => write.resource),
      ["table:a"],
    );
  });

  it("counts consts of functions inside the body, the first declaration of a name in source order winning", () => {
    const [call] = callsOf(
      [
        "export const a = asset({ deps: [upstream] }, (ctx) => {",
        "  const later = () => {",
        '    const upstream = "first";',
        "  };",
        '  const upstream = "second";',
        "  later();",
        "});",
      ].join("\n"),
    );
    assert.deepEqual(depsOf(call), ["string first"]);
  });

  it("gives a definition inside another's function its own consts, and the outer one the whole body's", () => {
    const calls = callsOf(
      [
        "export const outer = asset({ deps: [inner_dep, outer_dep] }, () => {",
        '  const outer_dep = "raw_outer";',
        '  asset({ name: "nested", deps: [inner_dep, outer_dep] }, () => {',
        '    const inner_dep = "raw_inner";',
        "  });",
        "});",
      ].join("\n"),
    );
    const outer = calls.find((call) => call.declaredAs === "outer");
    const nested = calls.find((call) => call.config.name?.value === "nested");
    assert.deepEqual(depsOf(outer), ["string raw_inner", "string raw_outer"]);
    // Only the nested function's own consts (and the file's) are the nested definition's.
    assert.deepEqual(depsOf(nested), ["string raw_inner", "reference outer_dep"]);
  });

  it("reads a check's target named by a const of its function", () => {
    const [call] = callsOf(
      ['export const c = check(target, { name: "c" }, () => {', '  const target = "raw_orders";', "});"].join("\n"),
    );
    assert.equal(described(call?.checkTarget), "string raw_orders");
  });

  it("finds a const the walk meets below its recursion limit, on its explicit stack", () => {
    // 400 nested parentheses around the function that declares it: deeper than the walk recurses.
    const depth = 400;
    const [call] = callsOf(
      [
        "export const a = asset({ deps: [upstream] }, (ctx) => {",
        `  const run = ${"(".repeat(depth)}() => {`,
        '    const upstream = "raw_deep";',
        `  }${")".repeat(depth)};`,
        "  run();",
        "});",
      ].join("\n"),
    );
    assert.deepEqual(depsOf(call), ["string raw_deep"]);
  });

  it("keeps a name spelt with escapes in the body a const of the body", () => {
    const [call] = callsOf(
      ["export const a = asset({ deps: [upstream] }, () => {", '  const \\u0075pstream = "raw_escaped";', "});"].join(
        "\n",
      ),
    );
    assert.deepEqual(depsOf(call), ["string raw_escaped"]);
  });
});
