import assert from "node:assert/strict";
import { parseTypeScript, primeLineStarts } from "../../server/src/analysis/scan/parseTypeScript";

describe("analysis: line starts of a parsed file", () => {
  const texts = [
    "",
    "\n",
    "const a = 1;",
    "const a = 1;\n",
    "const a = 1;\n\nconst b = `x\ny`;\n// é\n",
    "a\r\nb\rc\nd",
    "a\u2028b\u2029c\n",
    "\n\n\nx",
  ];
  for (const text of texts) {
    it(`are TypeScript's for ${JSON.stringify(text)}`, () => {
      const primed = parseTypeScript("a.ts", text);
      primeLineStarts(primed);
      // Unprimed, TypeScript computes them itself on first use.
      const plain = parseTypeScript("a.ts", text);
      assert.deepEqual(primed.getLineStarts(), plain.getLineStarts());
      for (let at = 0; at <= text.length; at++)
        assert.deepEqual(primed.getLineAndCharacterOfPosition(at), plain.getLineAndCharacterOfPosition(at));
    });
  }
});
