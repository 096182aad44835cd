// The word index behind message search: every word of every message, mapped to the numbers of
// the messages that contain it. A room's history on a phone can hold 100,000 messages and more,
// so the index is built for size: the posting lists of all words share one growing Uint32Array
// (each list a chain of blocks that double in size), and the words themselves are kept once,
// in a map and in an array sorted for prefix lookups. Measured on 100,000 messages: a general
// full-text library (MiniSearch 7.2, which keeps a Map per word) took 90.9 MB of heap and up to
// 0.7 s a query; this takes a fraction of both (see docs/BENCHMARKS.md, "search").

/** The words of a text as the index keeps them: lower case, accents dropped, letters and digits. */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '');
}

/** The first block of a word's list holds this many numbers; each next block twice as many. */
const FIRST_BLOCK = 2;
const LARGEST_BLOCK = 4096;

function grow<T extends Uint32Array | Int32Array>(array: T, needed: number): T {
  if (needed <= array.length) return array;
  let size = array.length * 2;
  while (size < needed) size *= 2;
  const next = new (array.constructor as new (n: number) => T)(size);
  next.set(array);
  return next;
}

export class TermIndex {
  private readonly ids = new Map<string, number>();
  private readonly terms: string[] = [];
  /** Term numbers in the order of their words; stale while `unsorted` (a build in progress). */
  private sorted: number[] = [];
  private unsorted = false;

  /** The blocks of every list; a block of n numbers is followed by the offset of the next. */
  private pool = new Uint32Array(1 << 16);
  private used = 0;
  private head = new Int32Array(1024);
  private tail = new Int32Array(1024);
  /** Numbers in the tail block, and the tail block's size. */
  private fill = new Int32Array(1024);
  private size = new Int32Array(1024);
  /** The last document added to each list, so a word twice in one message counts once. */
  private last = new Int32Array(1024);
  /** Documents in each list. */
  private listCount = new Int32Array(1024);

  /** Distinct words indexed. */
  get vocabulary(): number {
    return this.terms.length;
  }

  /**
   * While bulk loading, new words are not placed in the sorted array one by one (call
   * `sort()` after); otherwise each new word is inserted in its place.
   */
  bulk(on: boolean): void {
    if (on) this.unsorted = true;
    else this.sort();
  }

  /** Records that document `doc` contains `word`. Documents must be added in increasing order. */
  add(word: string, doc: number): void {
    let term = this.ids.get(word);
    if (term === undefined) term = this.newTerm(word);
    if (this.last[term] === doc) return;
    this.last[term] = doc;
    this.listCount[term] = (this.listCount[term] ?? 0) + 1;
    let fill = this.fill[term] ?? 0;
    const size = this.size[term] ?? 0;
    if (fill === size) {
      const next = Math.min(size * 2, LARGEST_BLOCK);
      const block = this.allocate(next + 1);
      this.pool[(this.tail[term] ?? 0) + size] = block;
      this.tail[term] = block;
      this.size[term] = next;
      fill = 0;
    }
    this.pool[(this.tail[term] ?? 0) + fill] = doc;
    this.fill[term] = fill + 1;
  }

  /**
   * Calls `visit` with each block of the documents that contain term `term`, in the order
   * added: `pool[from]` up to (not including) `pool[to]`.
   */
  blocks(term: number, visit: (pool: Uint32Array, from: number, to: number) => void): void {
    let block = this.head[term] ?? 0;
    const tail = this.tail[term] ?? 0;
    let size = FIRST_BLOCK;
    for (;;) {
      const count = block === tail ? (this.fill[term] ?? 0) : size;
      visit(this.pool, block, block + count);
      if (block === tail) return;
      block = this.pool[block + size] ?? 0;
      size = Math.min(size * 2, LARGEST_BLOCK);
    }
  }

  /** Each document that contains term `term`, in the order added. */
  documents(term: number): number[] {
    const out: number[] = [];
    this.blocks(term, (pool, from, to) => {
      for (let i = from; i < to; i += 1) out.push(pool[i] ?? 0);
    });
    return out;
  }

  /** How many documents term `term` lists (removed ones included). */
  listed(term: number): number {
    return this.listCount[term] ?? 0;
  }

  /** The term number of exactly `word`, if indexed. */
  exact(word: string): number | undefined {
    return this.ids.get(word);
  }

  /** The terms that start with `prefix` (the word itself included). */
  prefixed(prefix: string): number[] {
    this.sort();
    const lo = this.place(prefix);
    const out: number[] = [];
    for (let i = lo; i < this.sorted.length; i += 1) {
      const term = this.sorted[i] ?? 0;
      if (!(this.terms[term] ?? '').startsWith(prefix)) break;
      out.push(term);
    }
    return out;
  }

  /** The terms within `distance` edits (insert, delete, replace a letter) of `word`, itself excluded. */
  near(word: string, distance: number): number[] {
    const out: number[] = [];
    for (let term = 0; term < this.terms.length; term += 1) {
      const candidate = this.terms[term] ?? '';
      if (Math.abs(candidate.length - word.length) > distance || candidate === word) continue;
      if (withinEdits(word, candidate, distance)) out.push(term);
    }
    return out;
  }

  private newTerm(word: string): number {
    const term = this.terms.length;
    this.terms.push(word);
    this.ids.set(word, term);
    const n = term + 1;
    this.head = grow(this.head, n);
    this.tail = grow(this.tail, n);
    this.fill = grow(this.fill, n);
    this.size = grow(this.size, n);
    this.last = grow(this.last, n);
    this.listCount = grow(this.listCount, n);
    const block = this.allocate(FIRST_BLOCK + 1);
    this.head[term] = block;
    this.tail[term] = block;
    this.fill[term] = 0;
    this.size[term] = FIRST_BLOCK;
    this.last[term] = -1;
    if (this.unsorted) this.sorted.push(term);
    else this.sorted.splice(this.place(word), 0, term);
    return term;
  }

  /** Where `word` belongs in the sorted terms: the first place whose term is not below it. */
  private place(word: string): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.terms[this.sorted[mid] ?? 0] ?? '') < word) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private sort(): void {
    if (!this.unsorted) return;
    this.unsorted = false;
    const terms = this.terms;
    this.sorted.sort((a, b) => {
      const x = terms[a] ?? '';
      const y = terms[b] ?? '';
      return x < y ? -1 : x > y ? 1 : 0;
    });
  }

  private allocate(slots: number): number {
    const at = this.used;
    this.used += slots;
    this.pool = grow(this.pool, this.used);
    return at;
  }
}

let rowA = new Int32Array(64);
let rowB = new Int32Array(64);

/** Whether `a` becomes `b` in at most `max` single-letter edits (Levenshtein, stopped early). */
export function withinEdits(a: string, b: string, max: number): boolean {
  if (Math.abs(a.length - b.length) > max) return false;
  if (rowA.length <= b.length) {
    rowA = new Int32Array(b.length + 1);
    rowB = new Int32Array(b.length + 1);
  }
  let previous = rowA;
  let current = rowB;
  for (let j = 0; j <= b.length; j += 1) previous[j] = j;
  for (let i = 1; i <= a.length; i += 1) {
    current[0] = i;
    let best = i;
    const letter = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j += 1) {
      const cost = letter === b.charCodeAt(j - 1) ? 0 : 1;
      const value = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
      current[j] = value;
      if (value < best) best = value;
    }
    if (best > max) return false;
    [previous, current] = [current, previous];
  }
  return (previous[b.length] ?? max + 1) <= max;
}
