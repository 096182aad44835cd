/**
 * A Map that holds at most `capacity` keys, forgetting the least recently used first. Used
 * for everything presence remembers about peers, so that no number of peers or forged client
 * ids can make it grow without bound, and a flood pushes out only the oldest entries instead
 * of clearing what honest peers need (a cache that is cleared when full is re-filled by the
 * very flood that filled it).
 */
export class LruMap<K, V> {
  private readonly map = new Map<K, V>();

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a positive integer, not ${String(capacity)}`);
    }
  }

  get size(): number {
    return this.map.size;
  }

  /** The value of `key`, marking it most recently used. */
  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  /** The value of `key`, without touching its recency. */
  peek(key: K): V | undefined {
    return this.map.get(key);
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
  }

  /** The values, least recently used first, without touching their recency. */
  values(): IterableIterator<V> {
    return this.map.values();
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }
}
