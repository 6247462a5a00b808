import assert from "node:assert/strict";
import type { FileFacts } from "../../server/src/analysis/facts";
import { type LinkedWorkspace, WorkspaceLinker } from "../../server/src/analysis/link/workspaceLinker";
import { scanFile } from "../../server/src/analysis/scan/scanFile";

/** A workspace of facts the test edits file by file, linked by one WorkspaceLinker. */
class LinkedFiles {
  readonly facts = new Map<string, FileFacts>();
  readonly linker = new WorkspaceLinker(this.facts);

  constructor(files: Record<string, string>) {
    for (const [file, text] of Object.entries(files)) this.facts.set(file, scanFile(file, text));
  }

  linkAll(): LinkedWorkspace {
    return this.linker.link(new Set(this.facts.keys()));
  }

  /** Replaces (or, with undefined, deletes) files and links what changed. */
  edit(files: Record<string, string | undefined>): LinkedWorkspace {
    for (const [file, text] of Object.entries(files)) {
      if (text === undefined) this.facts.delete(file);
      else this.facts.set(file, scanFile(file, text));
    }
    return this.linker.link(new Set(Object.keys(files)));
  }
}

const asset = (name: string, deps: string[] = [], sql = `create table ${name} as select 1`): string =>
  `export const ${name} = asset({ deps: [${deps.map((dep) => JSON.stringify(dep)).join(", ")}] }, (ctx) => {\n` +
  `  ctx.db.exec("${sql}");\n});\n`;
const file = (...definitions: string[]): string => `import { asset, check } from "assetline";\n${definitions.join("")}`;
const codes = (linked: LinkedWorkspace): string[] => linked.diagnostics.map((d) => `${d.code} ${d.location.file}`);
const keys = (linked: LinkedWorkspace): string[] => linked.assets.map((a) => a.key);

describe("analysis: the workspace linker", () => {
  it("sorts definitions by key and lists every file, sorted", () => {
    const files = new LinkedFiles({ "src/b.ts": file(asset("b", ["a"])), "src/a.ts": file(asset("a"), asset("c")) });
    const linked = files.linkAll();
    assert.deepEqual(keys(linked), ["a", "b", "c"]);
    assert.deepEqual(linked.files, ["src/a.ts", "src/b.ts"]);
    assert.equal(linked.graph, undefined, "an acyclic workspace's graph is left to the snapshot, built when asked");
    const cyclic = new LinkedFiles({ "src/x.ts": file(asset("x", ["y"]), asset("y", ["x"])) }).linkAll();
    assert.deepEqual(codes(cyclic), ["AL001 src/x.ts", "AL001 src/x.ts"]);
    assert.ok(cyclic.graph, "a full link hands out the graph it built to report the cycles");
  });

  it("hands back the same objects for definitions an edit left alone, and never changes lists it handed out", () => {
    const files = new LinkedFiles({ "src/a.ts": file(asset("a")), "src/b.ts": file(asset("b", ["a"])) });
    const first = files.linkAll();
    const firstAssets = [...first.assets];
    const second = files.edit({ "src/b.ts": file(asset("b", ["a"], "create table b as select 2")) });
    assert.equal(second.assets[0], first.assets[0], "a's definition is the same object");
    assert.notEqual(second.assets[1], first.assets[1], "b's SQL changed: a new definition");
    assert.deepEqual(first.assets, firstAssets, "the first link's list is as it was");
  });

  it("reports a dep on an undefined key (AL002) and forgets it when the key is defined", () => {
    const files = new LinkedFiles({ "src/b.ts": file(asset("b", ["a"])) });
    assert.deepEqual(codes(files.linkAll()), ["AL002 src/b.ts"]);
    assert.deepEqual(codes(files.edit({ "src/a.ts": file(asset("a")) })), []);
    assert.deepEqual(codes(files.edit({ "src/a.ts": undefined })), ["AL002 src/b.ts"]);
  });

  it("finds a cycle an edit closes (AL001 on every member) without a graph when the new edge points upstream", () => {
    const files = new LinkedFiles({
      "src/a.ts": file(asset("a")),
      "src/b.ts": file(asset("b", ["a"])),
      "src/c.ts": file(asset("c")),
    });
    files.linkAll();
    files.linker.prepareForEdits();
    const upstream = files.edit({ "src/c.ts": file(asset("c", ["b"])) });
    assert.equal(upstream.graph, undefined, "c → b fits the levels: no graph rebuilt");
    assert.deepEqual(codes(upstream), []);
    const closing = files.edit({ "src/a.ts": file(asset("a", ["c"])) });
    assert.ok(closing.graph, "a → c goes against the levels: the cycles are looked for on a new graph");
    assert.deepEqual(codes(closing), ["AL001 src/a.ts", "AL001 src/b.ts", "AL001 src/c.ts"]);
    assert.deepEqual(codes(files.edit({ "src/a.ts": file(asset("a")) })), []);
  });

  it("reports both definitions of a duplicated key (AL004) until one is renamed", () => {
    const files = new LinkedFiles({ "src/a.ts": file(asset("a")), "src/b.ts": file(asset("b")) });
    files.linkAll();
    const duplicated = files.edit({ "src/b.ts": file(asset("a")) });
    assert.deepEqual(codes(duplicated), ["AL004 src/a.ts", "AL004 src/b.ts"]);
    assert.deepEqual(keys(duplicated), ["a", "a"]);
    assert.deepEqual(codes(files.edit({ "src/b.ts": file(asset("b")) })), []);
  });

  it("reports an undeclared read (AL003) when another file starts producing the table read", () => {
    const files = new LinkedFiles({
      "src/a.ts": file(asset("a", [], "create table other as select 1")),
      "src/b.ts": file(asset("b", [], "create table b as select * from orders")),
    });
    assert.deepEqual(codes(files.linkAll()), []);
    const producing = files.edit({ "src/a.ts": file(asset("a", [], "create table orders as select 1")) });
    assert.deepEqual(codes(producing), ["AL003 src/b.ts"]);
  });

  it("reports a check on a key that stops being defined (AL005)", () => {
    const checked = `export const a_ok = check(a, { name: "ok" }, async () => ({ passed: true }));\n`;
    const files = new LinkedFiles({
      "src/a.ts": file(asset("a")),
      "src/checks.ts": `import { check } from "assetline";\nimport { a } from "./a";\n${checked}`,
    });
    const linked = files.linkAll();
    assert.deepEqual(
      linked.checks.map((c) => c.name),
      ["ok"],
    );
    assert.deepEqual(codes(linked), []);
    assert.deepEqual(codes(files.edit({ "src/a.ts": file(asset("renamed")) })), ["AL005 src/checks.ts"]);
  });

  it("re-links the callers of a helper whose module starts re-exporting the SDK under its name, and stops again", () => {
    const helper = "export function make(config: object, run: () => void) {\n  run();\n  return config;\n}\n";
    const renamedSdk = 'export { asset as make } from "assetline";\n';
    const body = '(ctx) => {\n  ctx.db.exec("create table made as select 1");\n}';
    const files = new LinkedFiles({
      "src/util/make.ts": helper,
      // Through an `export *` chain, and straight from the helper's module.
      "src/lib/index.ts": 'export * from "../util/make";\n',
      "src/a.ts": `import { make } from "./lib/index";\nexport const a = make({ owners: ["team:a"] }, ${body});\n`,
      "src/b.ts": `import { make } from "./util/make";\nexport const b = make({}, ${body});\n`,
      "src/c.ts": `import { asset } from "assetline";\nimport { a } from "./a";\nexport const c = asset({ deps: [a] }, () => {});\n`,
    });
    const depsOfC = (linked: LinkedWorkspace) =>
      linked.assets.find((each) => each.key === "c")?.deps.map((dep) => dep.key);
    const before = files.linkAll();
    assert.deepEqual(keys(before), ["c"], "make() is a helper: its calls are no definitions");
    assert.deepEqual(depsOfC(before), [undefined], "c's dep names a const that is not an asset");

    const sdk = files.edit({ "src/util/make.ts": renamedSdk });
    assert.deepEqual(keys(sdk), ["a", "b", "c"]);
    assert.deepEqual(sdk.assets.find((each) => each.key === "a")?.owners, ["team:a"]);
    assert.deepEqual(depsOfC(sdk), ["a"]);

    const back = files.edit({ "src/util/make.ts": helper });
    assert.deepEqual(keys(back), ["c"]);
    assert.deepEqual(depsOfC(back), [undefined]);
  });

  it("finds a dep's key by reference in files with few and with many definitions, directly or re-exported", () => {
    // A key of its own (name:) so the dep must name the key, not the const.
    const named = (constName: string, key: string): string =>
      `export const ${constName} = asset({ name: "${key}" }, async () => {});\n`;
    const many = Array.from({ length: 12 }, (_, i) => named(`many_${i}`, `many/m${i}`));
    const user =
      `import { asset } from "assetline";\nimport { few_b, helper } from "./few";\nimport { many_7 } from "./barrel";\n` +
      `import { ghost } from "./nowhere";\n` +
      `export const user = asset({ deps: [few_b, many_7, helper, ghost] }, async () => {});\n`;
    const files = new LinkedFiles({
      "src/few.ts": file(named("few_a", "few/a"), named("few_b", "few/b"), "export function helper() {}\n"),
      "src/many.ts": file(...many),
      "src/barrel.ts": `import { many_7 } from "./many";\nexport { many_7 };\n`,
      "src/user.ts": user,
    });
    const depsOfUser = (linked: LinkedWorkspace) => linked.assets.find((a) => a.key === "user")!.deps.map((d) => d.key);
    const linked = files.linkAll();
    assert.deepEqual(depsOfUser(linked), ["few/b", "many/m7", undefined, undefined]);
    assert.deepEqual(
      linked.diagnostics.map((d) => `${d.code} ${d.message.split(". ")[0]}`),
      [
        "AL002 Missing upstream for user: `helper` is declared in src/few.ts but is not an asset or source",
        "AL002 Missing upstream for user: `ghost` does not resolve to an asset or source in this workspace",
      ],
    );
    // The edits re-link the user through what its link read: the file it imports from, and the barrel's module.
    const renamed = files.edit({ "src/few.ts": file(named("few_a", "few/a"), named("few_b", "few/bee")) });
    assert.deepEqual(depsOfUser(renamed), ["few/bee", "many/m7", undefined, undefined]);
    const moved = files.edit({ "src/many.ts": file(...many.slice(0, 7), named("many_7", "many/seven")) });
    assert.deepEqual(depsOfUser(moved), ["few/bee", "many/seven", undefined, undefined]);
  });
});
