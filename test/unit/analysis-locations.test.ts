import assert from "node:assert/strict";
import { ts } from "../../server/src/analysis/typescript";
import { LocationMaker } from "../../server/src/analysis/scan/locations";

describe("analysis: LocationMaker", () => {
  it("gives every offset the line and character TypeScript gives it, in any order of asking", () => {
    // Every kind of line break TypeScript knows, an empty line, a last line without a break.
    const text = 'const a = "x";\n\nconst b = `\r\n  select 1\r  from t`;\u2028// c\u2029\nlet d;';
    const sourceFile = ts.createSourceFile("f.ts", text, ts.ScriptTarget.Latest, false);
    const locations = new LocationMaker("f.ts", sourceFile);
    const offsets = [...Array(text.length + 1).keys()];
    // Forward, backward and jumping: the maker remembers the last line it found.
    const jumping = offsets.map((_, k) => (k * 7919) % offsets.length);
    for (const offset of [...offsets, ...offsets.slice().reverse(), ...jumping]) {
      const expected = sourceFile.getLineAndCharacterOfPosition(offset);
      assert.deepEqual(
        locations.range(offset, offset).start,
        { line: expected.line, character: expected.character },
        `offset ${offset}`,
      );
    }
  });
});
