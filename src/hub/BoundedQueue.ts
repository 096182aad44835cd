/**
 * A FIFO with a fixed capacity that never blocks its producer. When it is full, a push drops
 * the OLDEST queued item and counts it: the hub never waits for a slow consumer, and a consumer
 * that falls behind keeps the newest events and learns from `dropped` that it missed some
 * (it can then re-read history()). The original Go hub dropped the new event instead.
 */
export class BoundedQueue<T> {
  private readonly items: (T | undefined)[];
  private head = 0;
  private size = 0;
  private droppedCount = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`queue capacity must be a positive integer, got ${capacity}`);
    }
    this.items = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.size;
  }

  /** How many items were dropped because the queue was full. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Adds an item; returns false when an old item had to be dropped to make room. */
  push(item: T): boolean {
    let kept = true;
    if (this.size === this.capacity) {
      this.items[this.head] = undefined;
      this.head = (this.head + 1) % this.capacity;
      this.size -= 1;
      this.droppedCount += 1;
      kept = false;
    }
    this.items[(this.head + this.size) % this.capacity] = item;
    this.size += 1;
    return kept;
  }

  /** Removes and returns the oldest item, if any. */
  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.size -= 1;
    return item;
  }

  /** Removes and returns every queued item, oldest first. */
  drain(): T[] {
    const out: T[] = new Array<T>(this.size);
    for (let i = 0; i < this.size; i += 1) {
      const index = (this.head + i) % this.capacity;
      out[i] = this.items[index] as T;
      this.items[index] = undefined;
    }
    this.head = 0;
    this.size = 0;
    return out;
  }

  /** The queued items, oldest first, without removing them. */
  toArray(): T[] {
    const out: T[] = new Array<T>(this.size);
    for (let i = 0; i < this.size; i += 1)
      out[i] = this.items[(this.head + i) % this.capacity] as T;
    return out;
  }
}
