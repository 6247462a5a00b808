import assert from "node:assert/strict";
import { changeSmallSet, type SmallSetMap } from "../../server/src/analysis/link/editIndexes";
import { seededRng } from "./support/randomEdits";

const contents = <V>(map: Map<string, Iterable<V>>): Array<[string, V[]]> =>
  [...map].map(([key, values]) => [key, [...values]]);

/** The reference: a Set per key, removed when empty (what the edit indexes held before). */
function addToSetMap<K, V>(map: Map<K, Set<V>>, key: K, value: V, sign: 1 | -1): void {
  const set = map.get(key);
  if (sign > 0) {
    if (set) set.add(value);
    else map.set(key, new Set([value]));
  } else if (set) {
    set.delete(value);
    if (set.size === 0) map.delete(key);
  }
}

describe("edit indexes: small sets by key", () => {
  it("hold what a Set per key holds, in the same order, through seeded adds and removes", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rng = seededRng(seed);
      const small: SmallSetMap<string, number> = new Map();
      const reference = new Map<string, Set<number>>();
      // Few keys and many values, so that keys cross the array's limit both ways and values repeat.
      for (let step = 0; step < 3000; step++) {
        const key = `k${rng.int(4)}`;
        const value = rng.int(24);
        const sign = rng.next() < 0.55 ? 1 : -1;
        changeSmallSet(small, key, value, sign);
        addToSetMap(reference, key, value, sign);
        assert.deepEqual(contents(small), contents(reference), `seed ${seed}, step ${step}`);
      }
    }
  });

  it("keeps few values in an array and many in a Set", () => {
    const map: SmallSetMap<string, number> = new Map();
    for (let value = 0; value < 8; value++) changeSmallSet(map, "key", value, 1);
    assert.ok(Array.isArray(map.get("key")));
    changeSmallSet(map, "key", 8, 1);
    assert.ok(map.get("key") instanceof Set);
    for (let value = 0; value <= 8; value++) changeSmallSet(map, "key", value, -1);
    assert.equal(map.has("key"), false);
  });
});
