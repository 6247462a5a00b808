/** The known key closest to a misspelt one, if any is close enough to be a plausible typo. */
export function closestKey(wanted: string, known: Iterable<string>): string | undefined {
  const target = wanted.toLowerCase();
  const budget = Math.max(2, Math.floor(target.length / 3));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const key of known) {
    const candidate = key.toLowerCase();
    if (Math.abs(candidate.length - target.length) > budget) continue;
    const distance = candidate === target ? 0 : editDistance(target, candidate, Math.min(budget, bestDistance));
    if (distance < bestDistance || (distance === bestDistance && best !== undefined && key < best)) {
      best = key;
      bestDistance = distance;
    }
  }
  return bestDistance <= budget ? best : undefined;
}

/** Damerau-style edit distance (adjacent swaps count once), giving up early past `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  let previousPrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMinimum = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, previousPrevious[j - 2]! + 1);
      }
      current.push(value);
      rowMinimum = Math.min(rowMinimum, value);
    }
    if (rowMinimum > limit) return limit + 1;
    previousPrevious = previous;
    previous = current;
  }
  return previous[b.length]!;
}
