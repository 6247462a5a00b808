import assert from "node:assert/strict";
import { ts } from "../../server/src/analysis/typescript";
import { LocationMaker, lineStarts } from "../../server/src/analysis/scan/locations";

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

  it("finds the lines TypeScript finds, with and without the rarer line breaks", () => {
    const texts = [
      "",
      "\n",
      "a\nb\n\nc",
      "only one line",
      "ends in a break\n",
      "\r\n\r\r\n\n",
      "x\u2028y\u2029z\r",
      Array.from({ length: 50 }, (_, k) => "-".repeat(k % 7)).join("\n"),
    ];
    for (const text of texts) {
      const expected = ts.createSourceFile("f.ts", text, ts.ScriptTarget.Latest, false).getLineStarts();
      assert.deepEqual(lineStarts(text), expected, JSON.stringify(text));
    }
  });
});
