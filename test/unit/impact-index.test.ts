import assert from "node:assert/strict";
import type { AssetDefinition } from "../../server/src/model/definitions";
import { replacedBetween } from "../../server/src/model/impactIndex";

/** Just what the walk in step reads of a definition: its key and place. */
function definition(key: string, file = `src/${key}.ts`, line = 0): AssetDefinition {
  return { key, location: { file, range: { start: { line, character: 0 }, end: { line, character: 1 } } } } as never;
}

const keys = (list: readonly AssetDefinition[]) => list.map((asset) => asset.key);

describe("impact index: what an edit replaced between two key-sorted snapshots", () => {
  it("finds the replaced, removed and added definitions by identity", () => {
    const [a, b, c, d] = ["a", "b", "c", "d"].map((key) => definition(key));
    const b2 = definition("b");
    const e = definition("e");
    const { gone, added } = replacedBetween([a!, b!, c!, d!], [a!, b2, d!, e]);
    assert.deepEqual(
      [keys(gone), keys(added)],
      [
        ["b", "c"],
        ["b", "e"],
      ],
    );
    assert.equal(added[0], b2);
    assert.deepEqual(replacedBetween([a!, b!], [a!, b!]), { gone: [], added: [] });
    assert.deepEqual(keys(replacedBetween([], [a!]).added), ["a"]);
    assert.deepEqual(keys(replacedBetween([a!], []).gone), ["a"]);
  });

  it("stays right when the two orders disagree (ties, or a list not sorted at all)", () => {
    const x = definition("k", "src/one.ts", 3);
    const y = definition("k", "src/one.ts", 3);
    const z = definition("z");
    // The same objects swapped: nothing was replaced.
    assert.deepEqual(replacedBetween([x, y], [y, x]), { gone: [], added: [] });
    const { gone, added } = replacedBetween([z, x], [x, z, y]);
    assert.deepEqual([gone, added], [[], [y]]);
  });
});
