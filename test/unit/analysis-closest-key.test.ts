import assert from "node:assert/strict";
import { closestKey } from "../../server/src/analysis/diagnostics/closestKey";

/** The textbook definition (optimal string alignment distance, case-insensitive), for comparison. */
function referenceDistance(left: string, right: string): number {
  const a = left.toLowerCase();
  const b = right.toLowerCase();
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

function referenceClosest(wanted: string, known: readonly string[]): string | undefined {
  const budget = Math.max(2, Math.floor(wanted.length / 3));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const key of known) {
    const distance = referenceDistance(wanted, key);
    if (distance < bestDistance || (distance === bestDistance && best !== undefined && key < best)) {
      best = key;
      bestDistance = distance;
    }
  }
  return bestDistance <= budget ? best : undefined;
}

describe("analysis: closest key suggestions", () => {
  it("suggests typos, swaps and case slips, and nothing for unrelated names", () => {
    const keys = ["raw_orders", "stg_orders", "stg_customers", "marts/orders"];
    assert.equal(closestKey("raw_ordres", keys), "raw_orders");
    assert.equal(closestKey("STG_Orders", keys), "stg_orders");
    assert.equal(closestKey("stg_customer", keys), "stg_customers");
    assert.equal(closestKey("marts/order", keys), "marts/orders");
    assert.equal(closestKey("zzz_nothing_like_it", keys), undefined);
    assert.equal(closestKey("x", []), undefined);
  });

  it("agrees with the textbook definition on random keys (the fast path only skips, never changes, answers)", () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const alphabet = "abcdeXY_/é0";
    const word = (length: number) =>
      Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join("");
    const mutate = (text: string) => {
      const chars = [...text];
      const at = Math.floor(random() * chars.length);
      const kind = Math.floor(random() * 4);
      if (kind === 0) chars.splice(at, 1);
      else if (kind === 1) chars.splice(at, 0, alphabet[Math.floor(random() * alphabet.length)]!);
      else if (kind === 2) chars[at] = alphabet[Math.floor(random() * alphabet.length)]!;
      else if (at + 1 < chars.length) [chars[at], chars[at + 1]] = [chars[at + 1]!, chars[at]!];
      return chars.join("");
    };
    for (let round = 0; round < 300; round++) {
      const keys = Array.from({ length: 30 }, () => word(3 + Math.floor(random() * 10)));
      const wanted =
        random() < 0.7
          ? mutate(mutate(keys[Math.floor(random() * keys.length)]!))
          : word(3 + Math.floor(random() * 10));
      assert.equal(
        closestKey(wanted, keys),
        referenceClosest(wanted, keys),
        `for ${JSON.stringify(wanted)} in ${JSON.stringify(keys)}`,
      );
    }
  });
});
