import assert from "node:assert/strict";
import { LruCache } from "../../server/src/analysis/lruCache";

describe("analysis: LruCache", () => {
  it("evicts the least recently used entry past the entry bound; a hit makes an entry recent", () => {
    const cache = new LruCache<string, number>({ maxEntries: 2 });
    cache.set("a", 1);
    cache.set("b", 2);
    assert.equal(cache.get("a"), 1);
    cache.set("c", 3);
    assert.deepEqual(
      [...cache.entries()],
      [
        ["a", 1],
        ["c", 3],
      ],
    );
  });

  it("bounds the keys' total weight, and never keeps one key over a quarter of it", () => {
    const cache = new LruCache<string, number>({ maxEntries: 100, maxWeight: 12, weightOf: (key) => key.length });
    cache.set("aaaa", 1);
    assert.equal(cache.size, 0, "4 > 12 / 4: not kept");
    for (const key of ["aaa", "bbb", "ccc", "ddd"]) cache.set(key, 1);
    assert.equal(cache.size, 4);
    cache.set("eee", 1);
    assert.deepEqual(
      [...cache.entries()].map(([key]) => key),
      ["bbb", "ccc", "ddd", "eee"],
    );
    cache.set("bbb", 2);
    assert.deepEqual(
      [...cache.entries()].map(([key]) => key),
      ["ccc", "ddd", "eee", "bbb"],
      "re-setting a key weighs it once",
    );
  });
});
