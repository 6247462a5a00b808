/**
 * A Map-based least-recently-used cache: the Map's insertion order is the recency order, and a
 * hit moves its entry to the end. Bounded by entry count, and optionally by the total weight of
 * the keys (the in-memory SQL caches weigh whole SQL texts by their length).
 */
export interface LruBounds<K> {
  readonly maxEntries: number;
  /** With `weightOf`: the most the keys may weigh together; one key over a quarter of it is never kept. */
  readonly maxWeight?: number;
  readonly weightOf?: (key: K) => number;
}

export class LruCache<K, V> {
  private readonly map = new Map<K, V>();
  private weight = 0;
  /**
   * Where eviction resumes: a live iterator, so every entry before it has been deleted. A fresh
   * `keys().next()` per eviction would step over all the deleted slots the Map keeps at its
   * front until it rehashes: at 2,000 entries that made a cold analysis' 30,000 sets 7× dearer.
   */
  private evictFrom: IterableIterator<K> = this.map.keys();

  constructor(private readonly bounds: LruBounds<K>) {}

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    const keyWeight = this.weightOf(key);
    // One giant entry must not flush everything else out.
    if (keyWeight > this.maxWeight / 4) return;
    if (this.map.delete(key)) this.weight -= keyWeight;
    this.map.set(key, value);
    this.weight += keyWeight;
    while (this.map.size > this.bounds.maxEntries || this.weight > this.maxWeight) {
      const oldest = this.oldestKey();
      if (oldest.done === true) break;
      this.map.delete(oldest.value);
      this.weight -= this.weightOf(oldest.value);
    }
  }

  /** The least recently used key: nothing before the cursor is left, and what is set or hit goes to the end. */
  private oldestKey(): IteratorResult<K> {
    let oldest = this.evictFrom.next();
    // A finished iterator stays finished, even when keys are added after it.
    if (oldest.done === true) {
      this.evictFrom = this.map.keys();
      oldest = this.evictFrom.next();
    }
    return oldest;
  }

  /** The entries, least recently used first. */
  entries(): IterableIterator<[K, V]> {
    return this.map.entries();
  }

  private get maxWeight(): number {
    return this.bounds.maxWeight ?? Number.POSITIVE_INFINITY;
  }

  private weightOf(key: K): number {
    return this.bounds.weightOf?.(key) ?? 0;
  }
}
