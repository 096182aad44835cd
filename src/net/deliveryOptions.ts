// What DeliveryTracker (DeliveryTracker.ts) is given: where the entries are, the awareness it
// publishes through, and the clock its ack interval runs on.
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { mapItemId } from './yInternals';

/** Where an entry sits in the document: the Yjs item that carries it. */
export interface ItemRef {
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

export const realClock: AckClock = {
  now: () => Date.now(),
  after: (ms, run) => {
    const timer = setTimeout(run, ms);
    return () => clearTimeout(timer);
  },
};
