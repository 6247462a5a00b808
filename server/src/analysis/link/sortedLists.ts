/**
 * Patching sorted lists in place, as the incremental linker does after each
 * edit: a handful of definitions change in lists of thousands, so a splice beats a re-sort.
 */

type Order<T> = (a: T, b: T) => number;

/** Up to this many removals are spliced out one by one; more are filtered out in one pass. */
const MAX_REMOVALS_BY_SPLICE = 8;
/** Up to this many insertions are spliced in one by one; more are appended and the list re-sorted. */
const MAX_INSERTIONS_BY_SPLICE = 64;

/**
 * Matches a file's old definitions with its new ones: same length and every pair in the
 * same sort position → replacements; otherwise all old ones removed and all new ones added.
 */
export function pairUp<T>(
  old: readonly T[],
  next: readonly T[],
  order: Order<T>,
  replaced: Array<[T, T]>,
  removed: T[],
  added: T[],
): void {
  if (old.length === next.length && old.every((item, i) => order(item, next[i]!) === 0)) {
    for (let i = 0; i < old.length; i++) replaced.push([old[i]!, next[i]!]);
    return;
  }
  removed.push(...old);
  added.push(...next);
}

/** Drops the pairs whose two sides are the same object (linking returned the definition unchanged). */
export function dropUnchanged<T>(pairs: Array<[T, T]>): void {
  let kept = 0;
  for (const pair of pairs) if (pair[0] !== pair[1]) pairs[kept++] = pair;
  pairs.length = kept;
}

/** The first index whose item does not sort before `item`. */
export function lowerBound<T>(list: readonly T[], item: T, order: Order<T>): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (order(list[mid]!, item) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The first index whose item sorts after `item`: where to insert it after its equals. */
export function upperBound<T>(list: readonly T[], item: T, order: Order<T>): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (order(list[mid]!, item) <= 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The index of `item` itself in a sorted list (-1 when absent). */
export function indexOfSorted<T>(list: readonly T[], item: T, order: Order<T>): number {
  for (let i = lowerBound(list, item, order); i < list.length && order(list[i]!, item) === 0; i++)
    if (list[i] === item) return i;
  return list.indexOf(item);
}

/** Puts each pair's new item where its old one was (they sort equal, so the list stays sorted). */
export function replaceSorted<T>(list: T[], replaced: ReadonlyArray<readonly [T, T]>, order: Order<T>): void {
  for (const [old, next] of replaced) {
    const at = indexOfSorted(list, old, order);
    if (at >= 0) list[at] = next;
  }
}

/** Removes and inserts items, keeping the list sorted; may return a new array rather than the one given. */
export function patchSorted<T>(list: T[], removed: readonly T[], added: readonly T[], order: Order<T>): T[] {
  let patched = list;
  if (removed.length > 0) {
    if (removed.length <= MAX_REMOVALS_BY_SPLICE) {
      for (const item of removed) {
        const at = indexOfSorted(patched, item, order);
        if (at >= 0) patched.splice(at, 1);
      }
    } else {
      const gone = new Set(removed);
      patched = patched.filter((item) => !gone.has(item));
    }
  }
  if (added.length > MAX_INSERTIONS_BY_SPLICE) return patched.concat(added).sort(order);
  for (const item of added) patched.splice(upperBound(patched, item, order), 0, item);
  return patched;
}

/** Pushes every item of `items` onto `into` (without a spread's argument list, for lists of any length). */
export function appendAll<T>(into: T[], items: readonly T[]): void {
  for (let i = 0; i < items.length; i++) into.push(items[i]!);
}

/** True when the two string lists hold the same items in the same order. */
export function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
