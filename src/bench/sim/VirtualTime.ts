import type { MeshEnv } from '../../mesh/ports';
import { SeededRandom } from '../../testkit/SeededRandom';

interface Pending {
  readonly at: number;
  readonly seq: number;
  fn: (() => void) | undefined;
}

/**
 * A clock that moves only from event to event: a thousand peers' timers and messages run in
 * seconds of real time, in the same order for the same seed. Ties run in scheduling order.
 */
export class VirtualTime {
  now = 0;
  readonly random: SeededRandom;
  private readonly heap: Pending[] = [];
  private seq = 0;

  constructor(seed: number) {
    this.random = new SeededRandom(seed);
  }

  /** Runs `fn` at `at` (not before now); returns a function that cancels it. */
  at(at: number, fn: () => void): () => void {
    const item: Pending = { at: Math.max(at, this.now), seq: this.seq++, fn };
    this.push(item);
    return () => {
      item.fn = undefined;
    };
  }

  after(ms: number, fn: () => void): () => void {
    return this.at(this.now + ms, fn);
  }

  /** Runs every event due until `end`, then leaves the clock at `end`. */
  runUntil(end: number): void {
    while (this.heap.length > 0 && (this.heap[0] as Pending).at <= end) {
      const item = this.pop();
      this.now = item.at;
      item.fn?.();
    }
    this.now = Math.max(this.now, end);
  }

  /** A MeshEnv on this clock and this seed's random numbers. */
  env(): MeshEnv {
    return {
      now: () => this.now,
      timer: (ms, fn) => this.after(ms, fn),
      random: () => this.random.next(),
    };
  }

  private less(a: Pending, b: Pending): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(item: Pending): void {
    const h = this.heap;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i] as Pending, h[parent] as Pending)) break;
      [h[i], h[parent]] = [h[parent] as Pending, h[i] as Pending];
      i = parent;
    }
  }

  private pop(): Pending {
    const h = this.heap;
    const top = h[0] as Pending;
    const last = h.pop() as Pending;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l] as Pending, h[m] as Pending)) m = l;
        if (r < h.length && this.less(h[r] as Pending, h[m] as Pending)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m] as Pending, h[i] as Pending];
        i = m;
      }
    }
    return top;
  }
}
