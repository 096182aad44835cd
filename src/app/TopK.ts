// Keeping the best few of many scored documents without sorting them all: a search offers
// every message that matches and keeps only the `limit` best.

/** The `limit` documents with the highest keys offered, kept in a min-heap (root: the weakest). */
export class TopK {
  private readonly docs: number[] = [];
  private readonly keys: number[] = [];

  constructor(private readonly limit: number) {}

  offer(doc: number, key: number): void {
    const { docs, keys } = this;
    if (docs.length < this.limit) {
      docs.push(doc);
      keys.push(key);
      for (let i = docs.length - 1; i > 0;) {
        const parent = (i - 1) >> 1;
        if ((keys[parent] ?? 0) <= key) break;
        this.swap(i, parent);
        i = parent;
      }
    } else if (this.limit > 0 && (keys[0] ?? 0) < key) {
      docs[0] = doc;
      keys[0] = key;
      this.down();
    }
  }

  /** The documents kept, highest key first. */
  sorted(): number[] {
    return this.docs
      .map((doc, i) => [doc, this.keys[i] ?? 0] as const)
      .sort((a, b) => b[1] - a[1])
      .map(([doc]) => doc);
  }

  private down(): void {
    const keys = this.keys;
    for (let i = 0; ;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < keys.length && (keys[l] ?? 0) < (keys[m] ?? 0)) m = l;
      if (r < keys.length && (keys[r] ?? 0) < (keys[m] ?? 0)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(a: number, b: number): void {
    const { docs, keys } = this;
    [docs[a], docs[b]] = [docs[b] ?? 0, docs[a] ?? 0];
    [keys[a], keys[b]] = [keys[b] ?? 0, keys[a] ?? 0];
  }
}
