import { compareSigned, type SignedEntry } from './schema';

/** A position in the converged order: a clock and an entry id. */
export interface ConvergedKey {
  readonly clock: number;
  readonly id: string;
}

/** Two lists sorted with compareSigned, merged into one. */
export function mergeSorted(
  a: readonly SignedEntry[],
  b: readonly SignedEntry[],
): readonly SignedEntry[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out: SignedEntry[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (compareSigned(a[i] as SignedEntry, b[j] as SignedEntry) <= 0)
      out.push(a[i++] as SignedEntry);
    else out.push(b[j++] as SignedEntry);
  }
  while (i < a.length) out.push(a[i++] as SignedEntry);
  while (j < b.length) out.push(b[j++] as SignedEntry);
  return out;
}

function compareKey(entry: SignedEntry, key: ConvergedKey): number {
  return entry.clock - key.clock || (entry.id < key.id ? -1 : entry.id > key.id ? 1 : 0);
}

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

  /**
   * The entries from `first` to `last` in converged order, both included (by clock, then id;
   * neither need be held). Two binary searches and one slice.
   */
  between(first: ConvergedKey, last: ConvergedKey): readonly SignedEntry[] {
    return this.items.slice(this.firstAtOrAfter(first), this.firstAfter(last));
  }

  private firstAtOrAfter(key: ConvergedKey): number {
    let low = 0;
    let high = this.items.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareKey(this.items[mid] as SignedEntry, key) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private firstAfter(key: ConvergedKey): number {
    let low = 0;
    let high = this.items.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareKey(this.items[mid] as SignedEntry, key) <= 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** The newest `count` entries before position `end` (default: the end), oldest first. */
  page(count: number, end = this.items.length): readonly SignedEntry[] {
    const stop = Math.max(0, Math.min(end, this.items.length));
    return this.items.slice(Math.max(0, stop - count), stop);
  }
}
