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
      const oldest = this.map.keys().next();
      if (oldest.done === true) break;
      this.map.delete(oldest.value);
      this.weight -= this.weightOf(oldest.value);
    }
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
