/**
 * The known key closest to a misspelt one, if any is close enough to be a plausible typo.
 *
 * Runs on every keystroke that leaves a dep unresolved, against every key of the workspace
 * (10,000+), so it avoids allocation per candidate: reused typed-array rows, and a cheap
 * lower bound (length and character-bag difference) that rejects most keys before the
 * dynamic programme runs.
 */
export function closestKey(wanted: string, known: Iterable<string>): string | undefined {
  const target = wanted.toLowerCase();
  const budget = Math.max(2, Math.floor(target.length / 3));
  const matcher = new DistanceMatcher(target);
  let best: string | undefined;
  let bestDistance = budget + 1;
  for (const key of known) {
    if (Math.abs(key.length - target.length) > budget) continue;
    const limit = Math.min(budget, bestDistance);
    const distance = matcher.distanceTo(key, limit);
    if (distance < bestDistance || (distance === bestDistance && best !== undefined && key < best)) {
      best = key;
      bestDistance = distance;
    }
  }
  return bestDistance <= budget ? best : undefined;
}

/** Case-insensitive edit distance from one fixed string, with adjacent swaps counting once. */
class DistanceMatcher {
  private readonly codes: Uint16Array;
  private readonly bag = new Int32Array(128);
  private rowBeforePrevious: Int32Array;
  private previousRow: Int32Array;
  private currentRow: Int32Array;

  constructor(target: string) {
    this.codes = new Uint16Array(target.length);
    for (let i = 0; i < target.length; i++) this.codes[i] = target.charCodeAt(i);
    this.rowBeforePrevious = new Int32Array(target.length + 1);
    this.previousRow = new Int32Array(target.length + 1);
    this.currentRow = new Int32Array(target.length + 1);
  }

  /** The distance, or any value above `limit` once it is certain to exceed it. */
  distanceTo(candidate: string, limit: number): number {
    if (this.bagDistance(candidate, limit) > limit) return limit + 1;
    const a = this.codes;
    const n = a.length;
    let before = this.rowBeforePrevious;
    let previous = this.previousRow;
    let current = this.currentRow;
    for (let j = 0; j <= n; j++) previous[j] = j;
    for (let i = 1; i <= candidate.length; i++) {
      const c = lower(candidate.charCodeAt(i - 1));
      const cPrevious = i > 1 ? lower(candidate.charCodeAt(i - 2)) : -1;
      current[0] = i;
      let rowMinimum = i;
      for (let j = 1; j <= n; j++) {
        const cost = a[j - 1] === c ? 0 : 1;
        let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
        if (j > 1 && c === a[j - 2] && cPrevious === a[j - 1]) value = Math.min(value, before[j - 2]! + 1);
        current[j] = value;
        if (value < rowMinimum) rowMinimum = value;
      }
      if (rowMinimum > limit) return limit + 1;
      const recycled = before;
      before = previous;
      previous = current;
      current = recycled;
    }
    return previous[n]!;
  }

  /**
   * A lower bound of the edit distance: characters one string has and the other lacks
   * (ASCII only, which keeps the bound valid and the table small). A substitution,
   * insertion or deletion changes each side's surplus by at most one; a swap not at all.
   */
  private bagDistance(candidate: string, limit: number): number {
    const bag = this.bag;
    bag.fill(0);
    for (let i = 0; i < this.codes.length; i++) {
      const code = this.codes[i]!;
      if (code < 128) bag[code]! += 1;
    }
    let surplus = 0;
    for (let i = 0; i < candidate.length; i++) {
      const code = lower(candidate.charCodeAt(i));
      if (code >= 128) continue;
      if (bag[code]! > 0) bag[code]! -= 1;
      else if (++surplus > limit) return surplus;
    }
    let missing = 0;
    for (let i = 0; i < this.codes.length; i++) {
      const code = this.codes[i]!;
      if (code < 128 && bag[code]! > 0) {
        missing += bag[code]!;
        bag[code] = 0;
      }
    }
    return Math.max(surplus, missing);
  }
}

function lower(code: number): number {
  return code >= 65 && code <= 90 ? code + 32 : code;
}
