import assert from "node:assert/strict";
import { posix } from "node:path";
import { moduleRef, relativeModulePath } from "../../server/src/analysis/scan/modules";

describe("analysis: module specifiers", () => {
  it("joins a relative specifier to the importing file's folder as posix.join and normalize do", () => {
    // Seeded, so a failure repeats: segments a workspace path may hold, the odd ones included.
    const segments = ["src", "a", "b", ".", "..", "", "x.ts", ".hidden", "...", "..b", "a.b"];
    const prefixes = ["./", "../", "../../", "./../", "", ".", "..", "./.././"];
    let seed = 12;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const path = (count: number) => Array.from({ length: count }, () => segments[next(segments.length)]).join("/");
    for (let i = 0; i < 20000; i++) {
      const file = (next(5) === 0 ? "/" : "") + path(1 + next(4)) + (next(4) === 0 ? "/" : "");
      const specifier = prefixes[next(prefixes.length)]! + path(next(4));
      const expected = posix.normalize(posix.join(posix.dirname(file), specifier));
      assert.equal(relativeModulePath(file, specifier), expected, `${specifier} imported by ${file}`);
    }
  });

  it("classifies the SDK, workspace paths and packages", () => {
    assert.deepEqual(moduleRef("src/a/b.ts", "assetline"), { specifier: "assetline", target: { kind: "assetline" } });
    assert.deepEqual(moduleRef("src/a/b.ts", "../../lib/x"), {
      specifier: "../../lib/x",
      target: { kind: "relative", path: "lib/x" },
    });
    assert.deepEqual(moduleRef("b.ts", "../x"), { specifier: "../x", target: { kind: "relative", path: "../x" } });
    assert.deepEqual(moduleRef("src/b.ts", "node:fs"), { specifier: "node:fs", target: { kind: "external" } });
  });
});
