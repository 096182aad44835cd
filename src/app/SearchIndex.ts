// The word index of search across rooms, in memory: one slot per indexed message, its words
// in a TermIndex, and the ranked query (every word, the last may be a prefix, longer words may
// have a typo). MessageSearch fills it from storage and keeps it up to date.
import { growTo } from './growTo';
import type { SearchableMessage, SearchHit } from './SearchHit';
import { TermIndex, words } from './TermIndex';
import { TopK } from './TopK';

/** The most hits a query returns. */
const MAX_HITS = 50;
/** The most words of a query that count. */
const MAX_WORDS = 24;

/**
 * How well a message's word matches a query's word: the word itself, a longer word it begins
 * (only for the word being typed, the last), a word one or two letters off (only for words of
 * five letters or more: a short word with a typo matches much of a large history).
 */
const EXACT = 10;
const PREFIX = 6;
const TYPO = 4;

/** Indexed messages and the query over them. */
export class SearchIndex {
  protected readonly terms = new TermIndex();

  // One slot per indexed message ("document"), by number; an edited message gets a new one.
  private count = 0;
  private alive = new Uint8Array(1024);
  protected time = new Float64Array(1024);
  private room = new Uint32Array(1024);
  protected user = new Uint32Array(1024);
  private entry: string[] = [];
  private text: string[] = [];
  /** Per search: the query words a message has matched so far, and its score. */
  private stamp = new Int32Array(1024);
  private score = new Uint32Array(1024);
  private searches = 0;

  private readonly roomIds: string[] = [];
  private readonly roomNumbers = new Map<string, number>();
  protected readonly userIds: string[] = [];
  private readonly userNumbers = new Map<string, number>();
  /** Each room's indexed messages: entry id to document number. */
  protected readonly byRoom = new Map<string, Map<string, number>>();
  /** Edited texts by room and message, applied when the message is indexed (before or after). */
  protected readonly revisions = new Map<string, Map<string, string>>();
  protected live = 0;

  /** Messages in the index. */
  get size(): number {
    return this.live;
  }

  /**
   * The messages that have every word of `query` (the last may be the start of a word; longer
   * words may have a typo), best first: the closest matches, and among those the newest.
   */
  search(query: string, limit = MAX_HITS): SearchHit[] {
    // Each word once, and a bounded number of them (scores must stay exact in a double).
    const asked = [...new Set(words(query))].slice(0, MAX_WORDS);
    if (asked.length === 0 || this.live === 0) return [];
    const matches = asked.map((word, i) => this.matching(word, i === asked.length - 1));
    this.stamp = growTo(this.stamp, this.count);
    this.score = growTo(this.score, this.count);
    // Stamps of earlier searches are all below this one's base.
    if (this.searches > 0x7fff0000) {
      this.stamp.fill(0);
      this.searches = 0;
    }
    const base = this.searches;
    this.searches += asked.length + 1;
    const stamp = this.stamp;
    const score = this.score;
    // The rarest word first, so later words only look at what is left.
    matches.sort((a, b) => a.documents - b.documents);
    // The last word's pass offers each message that has every word to the best so far.
    const best = new TopK(limit);
    const last = matches.length - 1;
    const time = this.time;
    let found = 0;
    matches.forEach((match, k) => {
      const before = base + k;
      const now = base + k + 1;
      const alive = this.alive;
      let next = new Int32Array(
        k === last ? 0 : k === 0 ? Math.min(match.documents, this.count) : found,
      );
      let kept = 0;
      for (const [term, weight] of match.terms) {
        this.terms.blocks(term, (pool, from, to) => {
          for (let i = from; i < to; i += 1) {
            const doc = pool[i] ?? 0;
            const seen = stamp[doc];
            // Terms come best first: a message's first match of a word is its best.
            if (k === 0) {
              if (alive[doc] !== 1 || seen === now) continue;
              score[doc] = weight;
            } else if (seen !== before) continue;
            else score[doc] = (score[doc] ?? 0) + weight;
            stamp[doc] = now;
            if (k === last) {
              best.offer(doc, (score[doc] ?? 0) * 1e13 + (time[doc] ?? 0));
              continue;
            }
            if (kept === next.length) next = growTo(next, kept + 1);
            next[kept] = doc;
            kept += 1;
          }
        });
      }
      found = kept;
    });
    return best.sorted().map((doc) => ({
      roomId: this.roomIds[this.room[doc] ?? 0] ?? '',
      id: this.entry[doc] ?? '',
      userId: this.userIds[this.user[doc] ?? 0] ?? '',
      text: this.text[doc] ?? '',
      time: this.time[doc] ?? 0,
    }));
  }

  /** The terms a query word matches, best first, and how many documents they list. */
  private matching(word: string, last: boolean): { terms: [number, number][]; documents: number } {
    const found = new Map<number, number>();
    const exact = this.terms.exact(word);
    if (exact !== undefined) found.set(exact, EXACT);
    if (last)
      for (const term of this.terms.prefixed(word)) if (!found.has(term)) found.set(term, PREFIX);
    if (word.length >= 5) {
      for (const term of this.terms.near(word, word.length >= 10 ? 2 : 1)) {
        if (!found.has(term)) found.set(term, TYPO);
      }
    }
    const terms = [...found].sort((a, b) => b[1] - a[1]);
    let documents = 0;
    for (const [term] of terms) documents += this.terms.listed(term);
    return { terms, documents };
  }

  protected put(roomId: string, messages: readonly SearchableMessage[]): void {
    let docs = this.byRoom.get(roomId);
    for (const message of messages) {
      if (docs?.has(message.id)) continue;
      const text = this.revisions.get(roomId)?.get(message.id) ?? message.message;
      const found = words(text);
      if (found.length === 0) continue;
      if (!docs) this.byRoom.set(roomId, (docs = new Map<string, number>()));
      const doc = this.count;
      this.count += 1;
      this.alive = growTo(this.alive, this.count);
      this.time = growTo(this.time, this.count);
      this.room = growTo(this.room, this.count);
      this.user = growTo(this.user, this.count);
      this.alive[doc] = 1;
      this.time[doc] = message.unixTime;
      this.room[doc] = this.number(this.roomIds, this.roomNumbers, roomId);
      this.user[doc] = this.number(this.userIds, this.userNumbers, message.userId);
      this.entry[doc] = message.id;
      this.text[doc] = text;
      docs.set(message.id, doc);
      this.live += 1;
      for (const word of found) this.terms.add(word, doc);
    }
  }

  protected drop(roomId: string, doc: number): void {
    if (this.alive[doc] !== 1) return;
    this.alive[doc] = 0;
    this.byRoom.get(roomId)?.delete(this.entry[doc] ?? '');
    this.entry[doc] = '';
    this.text[doc] = '';
    this.live -= 1;
  }

  private number(names: string[], numbers: Map<string, number>, name: string): number {
    let n = numbers.get(name);
    if (n === undefined) {
      n = names.length;
      names.push(name);
      numbers.set(name, n);
    }
    return n;
  }
}
