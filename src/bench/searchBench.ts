// Search over 100,000 stored messages: how long MessageSearch takes to read them into its
// index, what the index costs in heap, and how long queries take. Runs in Node (the same V8
// as Chromium), over the real MemoryEventStore and the app's MessageSearch.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MessageSearch } from '../app/MessageSearch';
import { makeEvent } from '../hub/events';
import { MemoryEventStore } from '../storage/MemoryEventStore';
import { quantile, round } from './stats';

export interface SearchFigures {
  readonly messages: number;
  readonly rooms: number;
  readonly buildMs: number;
  readonly heapMb: number;
  readonly queries: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Hits of the queries, summed (so a query that finds nothing cannot pass as fast). */
  readonly hits: number;
}

/** A deterministic generator (mulberry32), so every run searches the same text. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A vocabulary of `size` made-up words; word i is drawn with weight 1/(i+1) (Zipf). */
function vocabulary(size: number, next: () => number): string[] {
  const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'ta', 'so', 'vi', 'de', 'pa', 'zu', 'chi'];
  const words = new Set<string>();
  while (words.size < size) {
    let word = '';
    const n = 1 + Math.floor(next() * 4);
    for (let i = 0; i < n; i += 1) word += syllables[Math.floor(next() * syllables.length)] ?? '';
    words.add(word);
  }
  return [...words];
}

function zipf(words: readonly string[], next: () => number): () => string {
  const weights = words.map((_, i) => 1 / (i + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative: number[] = [];
  let sum = 0;
  for (const w of weights) cumulative.push((sum += w / total));
  return () => {
    const r = next();
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] ?? 1) < r) lo = mid + 1;
      else hi = mid;
    }
    return words[lo] ?? '';
  };
}

function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
}

/** Builds the index over `messages` stored messages in `rooms` rooms, then runs queries. */
export async function searchScenario(messages = 100_000, rooms = 10): Promise<SearchFigures> {
  const next = random(42);
  const words = vocabulary(5000, next);
  const word = zipf(words, next);
  const store = new MemoryEventStore();
  const start = Date.UTC(2024, 0, 1);
  for (let r = 0; r < rooms; r += 1) {
    const events = [];
    for (let i = 0; i < messages / rooms; i += 1) {
      const length = 4 + Math.floor(next() * 16);
      const text = Array.from({ length }, word).join(' ');
      const time = start + (r * messages) / rooms + i * 60_000;
      events.push({
        order: time,
        event: makeEvent({
          id: `r${String(r)}m${String(i)}`,
          chatroomId: `room-${String(r)}`,
          type: 'message',
          userId: `user-${String(i % 20)}`,
          message: text,
          unixTime: time,
        }),
      });
    }
    await store.put(events);
  }
  collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;
  // IndexedDB hands out new copies of what it stores: so does this, so that the texts the
  // index keeps count in its heap instead of being shared with the store.
  const search = new MessageSearch({
    history: {
      page: async (...args: Parameters<MemoryEventStore['page']>) =>
        structuredClone(await store.page(...args)),
    },
    rooms: () => Array.from({ length: rooms }, (_, r) => `room-${String(r)}`),
    pause: () => Promise.resolve(),
  });
  const built = performance.now();
  await search.build();
  const buildMs = performance.now() - built;
  collectGarbage();
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;

  // Common and rare words, two-word queries and prefixes, as people type them.
  const queries: string[] = [];
  for (let i = 0; i < 200; i += 1) {
    const kind = i % 4;
    const common = words[Math.floor(next() * 50)] ?? '';
    const rare = words[500 + Math.floor(next() * 4000)] ?? '';
    queries.push(
      kind === 0 ? common : kind === 1 ? rare : kind === 2 ? `${common} ${rare}` : rare.slice(0, 3),
    );
  }
  const times: number[] = [];
  let hits = 0;
  for (const query of queries) {
    const t = performance.now();
    hits += search.search(query).length;
    times.push(performance.now() - t);
  }
  return {
    messages: search.size,
    rooms,
    buildMs: round(buildMs, 0),
    heapMb: round(heapMb, 1),
    queries: queries.length,
    p50Ms: round(quantile(times, 0.5), 2),
    p99Ms: round(quantile(times, 0.99), 2),
    maxMs: round(Math.max(...times), 2),
    hits,
  };
}
