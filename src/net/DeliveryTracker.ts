import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { mapItemId } from './yInternals';

/** At most this many Yjs clients are asked about, or answered for, per peer. */
const MAX_WANTED = 64;
/**
 * Peers that answer one tab's `want`: the ones whose awareness ids rank first for that tab
 * (rendezvous hashing over the members each peer sees, so they agree without a message). One
 * holder is enough to call an entry delivered; every peer answering made each message cost
 * a signed card from every peer, flooded to all (in a 25-peer burst, most of the room's CPU).
 */
export const ACKERS_PER_WANT = 3;
/**
 * Publishing peers the base ack interval is meant for: with more (a burst from many authors),
 * each waits longer, so the room publishes about ACKING_PEERS / ackIntervalMs cards a second
 * whatever its size.
 */
const ACKING_PEERS = 3;

/** Where an entry sits in the document: the Yjs item that carries it. */
interface ItemRef {
  readonly client: number;
  readonly clock: number;
}

/** Where the entries are: the room's document, and the item that carries each entry. */
export interface EntryItems {
  readonly doc: Y.Doc;
  itemOf(id: string): ItemRef | undefined;
}

/** A single Y.Map of entries as EntryItems. */
export function mapEntries(map: Y.Map<unknown>): EntryItems {
  const doc = map.doc;
  if (!doc) throw new Error('mapEntries: the map is not in a document');
  return { doc, itemOf: (id) => mapItemId(map, id) };
}

export interface DeliveryTrackerOptions {
  /** The entries (the log's pages, EntryPages.ts). */
  readonly entries: EntryItems;
  readonly awareness: Awareness;
  /** Publishes a field of the local awareness state (the presence's setField). */
  readonly publish: (field: 'want' | 'acks', value: unknown) => void;
  /** Entries of earlier sessions still waiting for a peer (kept by storage across reloads). */
  readonly pending?: readonly string[];
  /**
   * Least time between two changes of `acks` published (default 250 ms), while at most
   * ACKING_PEERS peers publish acks; longer in proportion when more do. y-webrtc sends every
   * awareness change over every connection and peers pass it on, so acks that followed each
   * transaction of a busy room cost every peer a message per message per peer.
   */
  readonly ackIntervalMs?: number;
  /** The clock and timer the ack interval runs on (default: Date.now and setTimeout). */
  readonly clock?: AckClock;
}

/** A clock with one-shot timers. */
export interface AckClock {
  now(): number;
  /** Runs `run` once after `ms`; returns the function that cancels it. */
  after(ms: number, run: () => void): () => void;
}

const realClock: AckClock = {
  now: () => Date.now(),
  after: (ms, run) => {
    const timer = setTimeout(run, ms);
    return () => clearTimeout(timer);
  },
};

/**
 * Tells which of this tab's messages at least one peer holds. y-webrtc sends no
 * acknowledgements, so peers publish them in awareness: each tab lists, as `want`, the Yjs
 * clients of its undelivered entries; every peer answers, as `acks`, how far it holds each
 * wanted client (its Yjs state for that client). An entry is delivered once some peer's ack
 * for its item's client is past the item's clock. The cost is a few numbers per peer, and
 * only while something is waiting.
 */
export class DeliveryTracker {
  private readonly entries: EntryItems;
  private readonly awareness: Awareness;
  private readonly publish: DeliveryTrackerOptions['publish'];
  private readonly waiting = new Set<string>();
  /**
   * Waiting ids not looked at since the last update, or not written yet. While no peer is
   * present nothing can be delivered, so only these are looked at: a tab writing alone made
   * every transaction look at its whole history (quadratic, 45 s over a million messages).
   */
  private readonly unexamined = new Set<string>();
  /** The clients of the waiting ids looked at so far (what `want` lists). */
  private wanted = new Set<number>();
  private readonly listeners = new Set<(delivered: readonly string[]) => void>();
  private lastWant = '';
  private lastAcks = '';
  private scheduled = false;
  private destroyed = false;
  private readonly ackIntervalMs: number;
  private acksAt = -Infinity;
  private readonly clock: AckClock;
  /** Cancels the publish waiting for the interval to pass, while one waits. */
  private ackTimer: (() => void) | undefined;
  /** Peers publishing acks when they were last looked at (this tab included). */
  private ackingPeers = 0;

  constructor(options: DeliveryTrackerOptions) {
    this.entries = options.entries;
    this.awareness = options.awareness;
    this.publish = options.publish;
    this.ackIntervalMs = options.ackIntervalMs ?? 250;
    this.clock = options.clock ?? realClock;
    for (const id of options.pending ?? []) {
      this.waiting.add(id);
      this.unexamined.add(id);
    }
    this.awareness.on('change', this.schedule);
    // afterTransaction, not 'update': an 'update' listener makes Yjs encode every transaction,
    // which for a room's stored state loading (20 MB at 100k messages) costs over a second.
    this.entries.doc.on('afterTransaction', this.schedule);
    this.schedule();
  }

  /** Marks an entry of this tab's as waiting for a peer. */
  track(id: string): void {
    if (this.destroyed) return;
    this.waiting.add(id);
    this.unexamined.add(id);
    this.schedule();
  }

  isDelivered(id: string): boolean {
    return !this.waiting.has(id);
  }

  /** Entries still waiting for a peer (to keep across reloads). */
  pending(): string[] {
    return [...this.waiting];
  }

  /** Calls `listener` with the ids that just reached a peer; returns an unsubscribe function. */
  onDelivered(listener: (delivered: readonly string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.awareness.off('change', this.schedule);
    this.entries.doc.off('afterTransaction', this.schedule);
    this.ackTimer?.();
    this.listeners.clear();
  }

  private readonly schedule = (): void => {
    if (this.scheduled || this.destroyed) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      if (!this.destroyed) this.update();
    });
  };

  private update(): void {
    const delivered: string[] = [];
    const peers = [...this.awareness.getStates()].filter(([c]) => c !== this.awareness.clientID);
    if (peers.length === 0) this.examineUnexamined();
    else this.examineAll(peers, delivered);
    const want = this.wanted;
    this.publishIfChanged(
      'want',
      [...want].slice(0, MAX_WANTED).sort((a, b) => a - b),
    );
    this.ackingPeers = peers.filter(([, state]) => hasAcks(state)).length + 1;
    // While a publish waits for its interval, the one it makes works the acks out afresh:
    // working them out on every transaction of a busy room (one per update received) ranked
    // every member for every wanter each time.
    if (this.ackTimer === undefined) this.publishAcks(this.acksFor(peers));
    if (delivered.length > 0) for (const listener of [...this.listeners]) listener(delivered);
  }

  /** Alone: nothing can be delivered, so only ids not looked at yet add to `want`. */
  private examineUnexamined(): void {
    for (const id of this.unexamined) {
      const item = this.itemOf(id);
      if (!item) continue; // not written yet (still being signed)
      this.wanted.add(item.client);
      this.unexamined.delete(id);
    }
  }

  /** Moves the waiting ids some peer holds to `delivered`; `want` lists the others' clients. */
  private examineAll(peers: [number, Record<string, unknown>][], delivered: string[]): void {
    const want = new Set<number>();
    // How far any peer holds each client, worked out once per client, not once per waiting
    // entry: a tab that wrote a long history while alone has that many entries waiting.
    const furthest = new Map<number, number>();
    const heldUpTo = (client: number): number => {
      let most = furthest.get(client);
      if (most === undefined) {
        most = -1;
        for (const [, state] of peers) most = Math.max(most, ackFor(state, client));
        furthest.set(client, most);
      }
      return most;
    };
    this.unexamined.clear();
    for (const id of this.waiting) {
      const item = this.itemOf(id);
      if (!item) {
        this.unexamined.add(id); // not written yet (still being signed)
        continue;
      }
      if (heldUpTo(item.client) > item.clock) delivered.push(id);
      else want.add(item.client);
    }
    for (const id of delivered) this.waiting.delete(id);
    this.wanted = want;
  }

  /** Our holdings for every client some peer is waiting on. */
  private acksFor(peers: [number, Record<string, unknown>][]): Record<string, number> {
    const acks: Record<string, number> = {};
    const doc = this.entries.doc;
    let count = 0;
    const members = [this.awareness.clientID, ...peers.map(([client]) => client)];
    for (const [wanter, state] of peers) {
      const wanted = Array.isArray(state.want) ? (state.want as unknown[]) : [];
      if (wanted.length === 0 || !answers(this.awareness.clientID, wanter, members)) continue;
      for (const client of wanted.slice(0, MAX_WANTED)) {
        if (!Number.isSafeInteger(client) || count >= MAX_WANTED) continue;
        const key = String(client);
        if (key in acks) continue;
        acks[key] = Y.getState(doc.store, client as number);
        count += 1;
      }
    }
    return acks;
  }

  /** Publishes changed acks, at most once per ackIntervalMs; the latest wins. */
  private publishAcks(acks: Record<string, number>): void {
    if (JSON.stringify(acks) === this.lastAcks) return;
    const interval = this.ackIntervalMs * Math.max(1, this.ackingPeers / ACKING_PEERS);
    const wait = this.acksAt + interval - this.clock.now();
    if (wait > 0) {
      this.ackTimer = this.clock.after(wait, () => {
        this.ackTimer = undefined;
        if (!this.destroyed) this.update();
      });
      return;
    }
    this.acksAt = this.clock.now();
    this.publishIfChanged('acks', acks);
  }

  private publishIfChanged(field: 'want' | 'acks', value: unknown): void {
    const text = JSON.stringify(value);
    if (field === 'want' ? text === this.lastWant : text === this.lastAcks) return;
    if (field === 'want') this.lastWant = text;
    else this.lastAcks = text;
    this.publish(field, value);
  }

  private itemOf(id: string): ItemRef | undefined {
    return this.entries.itemOf(id);
  }
}

/**
 * Whether `self` is among the ACKERS_PER_WANT members (`wanter` aside) that rank first for
 * `wanter`. Every peer ranks the members it sees the same way, so in a settled room the same
 * few answer; one that does not see a ranked member yet answers too, which costs a card only.
 */
export function answers(self: number, wanter: number, members: readonly number[]): boolean {
  const mine = rank(wanter, self);
  let before = 0;
  for (const member of members) {
    if (member === wanter || member === self) continue;
    const theirs = rank(wanter, member);
    if (theirs < mine || (theirs === mine && member < self)) before += 1;
    if (before >= ACKERS_PER_WANT) return false;
  }
  return true;
}

/** A well-mixed 32-bit rank of `member` for `wanter` (awareness ids are 32-bit). */
function rank(wanter: number, member: number): number {
  let h = Math.imul((wanter ^ 0x9e3779b9) >>> 0, 0x85ebca6b) ^ member;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

function hasAcks(state: Record<string, unknown>): boolean {
  const acks = state.acks;
  return typeof acks === 'object' && acks !== null && Object.keys(acks).length > 0;
}

function ackFor(state: Record<string, unknown>, client: number): number {
  const acks = state.acks;
  if (typeof acks !== 'object' || acks === null) return -1;
  const value = (acks as Record<string, unknown>)[String(client)];
  return Number.isSafeInteger(value) ? (value as number) : -1;
}
