import { strict as assert } from "node:assert";
import { cursorAt, lineCol, lineColSpan, spanAt } from "./support/edits";

/** The `|` markers the language server tests place cursors with: wrong placement fails loudly. */
describe("test support: cursor markers", () => {
  const text = 'import { asset } from "assetline";\n\nexport const a = asset({ deps: ["raw"] }, () => {});\n';

  it("places the cursor where the marker stands, one-based when shown", () => {
    assert.equal(lineCol(cursorAt(text, 'deps: ["r|aw"]')), "3:35");
    assert.equal(lineCol(cursorAt(text, "|import")), "1:1");
  });

  it("spans the text between two markers", () => {
    assert.equal(lineColSpan(spanAt(text, '["|raw|"]')), "3:34-3:37");
  });

  it("refuses a snippet that is missing, ambiguous, or marked the wrong number of times", () => {
    assert.throws(() => cursorAt(text, "dep|s: [stg]"), /"deps: \[stg\]" is not in the text/);
    assert.throws(() => cursorAt(text, "|asset"), /"asset" occurs 3 times: lengthen the snippet/);
    assert.equal(lineCol(cursorAt(text, "|asset", 3)), "3:18");
    assert.throws(() => cursorAt(text, "|asset", 4), /occurs 3 times, not 4/);
    assert.throws(() => cursorAt(text, "deps"), /exactly 1 "\|" marker/);
    assert.throws(() => spanAt(text, "de|ps"), /exactly 2 "\|" marker/);
  });
});
