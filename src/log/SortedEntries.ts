import { compareSigned, type SignedEntry } from './schema';

/**
 * The verified entries in converged order. New entries usually sort last (a fresh message has
 * the highest clock), so appending is O(1); a batch that lands in the middle (a peer's offline
 * writes, a catch-up) is merged in one O(n + k) pass.
 */
export class SortedEntries {
  private items: SignedEntry[] = [];

  get length(): number {
    return this.items.length;
  }

  /** Adds entries already sorted with compareSigned. */
  insertSorted(batch: readonly SignedEntry[]): void {
    if (batch.length === 0) return;
    const last = this.items.at(-1);
    const first = batch[0] as SignedEntry;
    if (!last || compareSigned(last, first) < 0) {
      for (const entry of batch) this.items.push(entry);
      return;
    }
    const merged: SignedEntry[] = new Array<SignedEntry>(this.items.length + batch.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < this.items.length && j < batch.length) {
      const a = this.items[i] as SignedEntry;
      const b = batch[j] as SignedEntry;
      if (compareSigned(a, b) <= 0) {
        merged[k++] = a;
        i += 1;
      } else {
        merged[k++] = b;
        j += 1;
      }
    }
    while (i < this.items.length) merged[k++] = this.items[i++] as SignedEntry;
    while (j < batch.length) merged[k++] = batch[j++] as SignedEntry;
    this.items = merged;
  }

  /** Every entry, oldest first. */
  all(): readonly SignedEntry[] {
    return this.items;
  }

  /** The newest `count` entries before position `end` (default: the end), oldest first. */
  page(count: number, end = this.items.length): readonly SignedEntry[] {
    const stop = Math.max(0, Math.min(end, this.items.length));
    return this.items.slice(Math.max(0, stop - count), stop);
  }
}
