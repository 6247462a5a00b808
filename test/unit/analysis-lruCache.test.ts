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

  it("keeps exactly what a naive least-recently-used list keeps, over many random gets and sets", () => {
    // The cache resumes eviction from a live iterator; an array kept in recency order is the reference.
    let seed = 12;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const weightOf = (key: string): number => key.length;
    const cache = new LruCache<string, number>({ maxEntries: 20, maxWeight: 120, weightOf });
    let reference: Array<[string, number]> = [];
    for (let step = 0; step < 20_000; step++) {
      const key = "k".repeat(1 + random(6)) + String(random(40));
      if (random(3) === 0) {
        const at = reference.findIndex(([k]) => k === key);
        const expected = at < 0 ? undefined : reference[at]![1];
        if (at >= 0) reference = [...reference.slice(0, at), ...reference.slice(at + 1), reference[at]!];
        assert.equal(cache.get(key), expected);
      } else {
        cache.set(key, step);
        if (weightOf(key) <= 120 / 4) {
          reference = [...reference.filter(([k]) => k !== key), [key, step]];
          const weight = (): number => reference.reduce((sum, [k]) => sum + weightOf(k), 0);
          while (reference.length > 20 || weight() > 120) reference.shift();
        }
      }
      assert.deepEqual([...cache.entries()], reference, `after step ${step}`);
    }
  });
});
