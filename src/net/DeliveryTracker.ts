import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import {
  realClock,
  type AckClock,
  type DeliveryTrackerOptions,
  type EntryItems,
  type ItemRef,
} from './deliveryOptions';

/** Which awareness clients a change added, updated or removed. */
interface AwarenessChanges {
  readonly added: readonly number[];
  readonly updated: readonly number[];
  readonly removed: readonly number[];
}
import { ackFor, answers, hasAcks } from './ackers';

export { ACKERS_PER_WANT, answers } from './ackers';
export { mapEntries, type DeliveryTrackerOptions, type EntryItems } from './deliveryOptions';

/** At most this many Yjs clients are asked about, or answered for, per peer. */
const MAX_WANTED = 64;
/**
 * Publishing peers the base ack interval is meant for: with more (a burst from many authors),
 * each waits longer, so the room publishes about ACKING_PEERS / ackIntervalMs cards a second
 * whatever its size. Each card is verified by every peer and crosses every link: at 3 (twelve
 * a second), acks were most of a 25-peer room's awareness traffic in a burst. A room of two
 * keeps the base interval.
 */
const ACKING_PEERS = 2;

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
   * Waiting ids not looked at since they were tracked, or that have no item: not written yet,
   * or gone from the document (sealed into a segment, src/log/Seals.ts). Only an item added
   * to the document gives one an item, so they are looked at again only after new ids are
   * tracked or a transaction added items (`grown`): a tab that wrote a long history alone and
   * sealed it has that many here, and looking at them all on every transaction and every
   * peer's awareness change took the page's main thread for over a second as a peer joined.
   */
  private unexamined = new Set<string>();
  private grown = true;
  /** The clients of the waiting ids looked at so far (what `want` lists). */
  private wanted = new Set<number>();
  /** Peers' states as last looked at, and whether they changed since. */
  private peers: [number, Record<string, unknown>][] = [];
  private peersChanged = true;
  /** The clients this tab answers for, worked out when peers' states change. */
  private answering: number[] = [];
  private readonly listeners = new Set<(delivered: readonly string[]) => void>();
  private lastWant = '';
  private lastAcks = '';
  private publishedAcks: Record<string, number> = {};
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
    this.awareness.on('change', this.onChange);
    // afterTransaction, not 'update': an 'update' listener makes Yjs encode every transaction,
    // which for a room's stored state loading (20 MB at 100k messages) costs over a second.
    this.entries.doc.on('afterTransaction', this.transacted);
    this.schedule();
  }

  /** Marks an entry of this tab's as waiting for a peer. */
  track(id: string): void {
    if (this.destroyed) return;
    this.waiting.add(id);
    this.unexamined.add(id);
    this.grown = true;
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
    this.awareness.off('change', this.onChange);
    this.entries.doc.off('afterTransaction', this.transacted);
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

  private readonly transacted = (transaction: Y.Transaction): void => {
    if (!this.grown) {
      for (const [client, clock] of transaction.afterState) {
        if (clock > (transaction.beforeState.get(client) ?? 0)) {
          this.grown = true;
          break;
        }
      }
    }
    this.schedule();
  };

  /** Peers' states changed (not only this tab's own): delivery is worked out afresh. */
  private readonly onChange = (changes: AwarenessChanges): void => {
    const own = this.awareness.clientID;
    const { added, updated, removed } = changes;
    if ([added, updated, removed].some((list) => list.some((client) => client !== own))) {
      this.peersChanged = true;
    }
    this.schedule();
  };

  private update(): void {
    const delivered: string[] = [];
    const wasAlone = this.peers.length === 0;
    if (this.peersChanged) {
      this.peersChanged = false;
      const own = this.awareness.clientID;
      this.peers = [...this.awareness.getStates()].filter(([client]) => client !== own);
      this.answering = this.answered();
      this.ackingPeers = this.peers.filter(([, state]) => hasAcks(state)).length + 1;
      // Alone before and after, nothing can have been delivered: no need to look again.
      if (!(wasAlone && this.peers.length === 0)) this.examine(this.waiting, delivered, true);
    }
    // After a transaction, only ids not looked at yet: whether the others are delivered
    // changes with peers' acks alone. Looking at every waiting id after each one made a tab
    // writing alone do quadratic work (45 s over a million messages).
    if (this.grown) {
      this.grown = false;
      this.examine(this.unexamined, delivered, false);
    }
    this.publishIfChanged(
      'want',
      [...this.wanted].slice(0, MAX_WANTED).sort((a, b) => a - b),
    );
    // While a publish waits for its interval, the one it makes works the acks out afresh.
    if (this.ackTimer === undefined) this.publishAcks(this.acksFor());
    if (delivered.length > 0) for (const listener of [...this.listeners]) listener(delivered);
  }

  /**
   * Moves the ids of `ids` some peer holds to `delivered`, and adds the others' clients to
   * `want` (made anew when `fresh`); ids with no item are left in `unexamined` for later (and,
   * afresh, those there already are not looked at: see `unexamined`).
   */
  private examine(ids: ReadonlySet<string>, delivered: string[], fresh: boolean): void {
    if (ids.size === 0 && !fresh) return;
    const want = fresh ? new Set<number>() : this.wanted;
    // How far any peer holds each client, worked out once per client, not once per waiting
    // entry: a tab that wrote a long history while alone has that many entries waiting.
    const furthest = new Map<number, number>();
    const heldUpTo = (client: number): number => {
      let most = furthest.get(client);
      if (most === undefined) {
        most = -1;
        for (const [, state] of this.peers) most = Math.max(most, ackFor(state, client));
        furthest.set(client, most);
      }
      return most;
    };
    // Afresh, the ids that had no item are left to the pass over `unexamined` (see there).
    const unwritten = fresh ? this.unexamined : new Set<string>();
    for (const id of ids) {
      if (fresh && unwritten.has(id)) continue;
      const item = this.itemOf(id);
      if (!item)
        unwritten.add(id); // not written yet (still being signed)
      else if (heldUpTo(item.client) > item.clock) delivered.push(id);
      else want.add(item.client);
    }
    for (const id of delivered) this.waiting.delete(id);
    this.unexamined = unwritten;
    this.wanted = want;
  }

  /** The clients (at most MAX_WANTED) of the wants this tab answers (see `answers`). */
  private answered(): number[] {
    const clients = new Set<number>();
    const members = [this.awareness.clientID, ...this.peers.map(([client]) => client)];
    for (const [wanter, state] of this.peers) {
      const wanted = Array.isArray(state.want) ? (state.want as unknown[]) : [];
      if (wanted.length === 0 || !answers(this.awareness.clientID, wanter, members)) continue;
      for (const client of wanted.slice(0, MAX_WANTED)) {
        if (Number.isSafeInteger(client) && clients.size < MAX_WANTED)
          clients.add(client as number);
      }
    }
    return [...clients];
  }

  /** Our holdings for every client this tab answers for. */
  private acksFor(): Record<string, number> {
    const acks: Record<string, number> = {};
    for (const client of this.answering) {
      acks[String(client)] = Y.getState(this.entries.doc.store, client);
    }
    return acks;
  }

  /** Publishes changed acks, at most once per ackIntervalMs; the latest wins. */
  private publishAcks(acks: Record<string, number>): void {
    // Acks for wants that ended stay: they are true still, and taking them out cost a signed
    // card flooded to the room (at the end of a burst, one from each answering peer).
    if (Object.entries(acks).every(([client, held]) => this.publishedAcks[client] === held)) return;
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
    this.publishedAcks = acks;
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
