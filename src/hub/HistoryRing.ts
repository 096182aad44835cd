import { BoundedQueue } from './BoundedQueue';

/** The last `capacity` items, oldest first: the hub's bounded history. */
export class HistoryRing<T> {
  private readonly ring: BoundedQueue<T>;

  constructor(capacity: number) {
    this.ring = new BoundedQueue<T>(capacity);
  }

  add(item: T): void {
    this.ring.push(item);
  }

  toArray(): T[] {
    return this.ring.toArray();
  }
}
