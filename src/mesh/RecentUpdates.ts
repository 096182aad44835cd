import * as Y from 'yjs';
import type { ClockEntry } from './wire';

type UpdateMeta = { from: Map<number, number>; to: Map<number, number> };

interface Held {
  readonly update: Uint8Array;
  /** Parsed when first needed: most updates are never asked for again. */
  meta: UpdateMeta | undefined;
}

const metaOf = (h: Held): UpdateMeta => (h.meta ??= Y.parseUpdateMeta(h.update));

/**
 * The last few updates a peer spread, with their Yjs id ranges, so that a neighbour fetching
 * ids it heard of (a graft) gets just those updates, not a diff against its whole state vector
 * (which in a room of a thousand writers is kilobytes to send and a full encode to answer).
 */
export class RecentUpdates {
  private readonly held: Held[] = [];
  private head = 0;

  constructor(private readonly capacity: number) {}

  /** Holds `update`; `meta` is its parsed id ranges if the caller has them already. */
  add(update: Uint8Array, meta?: UpdateMeta): void {
    const item: Held = { update, meta };
    if (this.held.length < this.capacity) this.held.push(item);
    else this.held[this.head] = item;
    this.head = (this.head + 1) % this.capacity;
  }

  /**
   * An update holding what follows each entry's clock, of those writers alone, or undefined
   * if some of it is no longer held (the caller then falls back to a state-vector exchange).
   */
  after(entries: readonly ClockEntry[]): Uint8Array | undefined {
    const chosen = new Set<Held>();
    for (const { client, clock } of entries) {
      const ranges = this.held
        .filter((h) => (metaOf(h).to.get(client) ?? 0) > clock)
        .map((h) => [metaOf(h).from.get(client) ?? 0, metaOf(h).to.get(client) ?? 0, h] as const)
        .sort((a, b) => a[0] - b[0]);
      // The held ranges must cover the clocks from `clock` on without a gap.
      let reached = clock;
      for (const [start, end, h] of ranges) {
        if (start > reached) return undefined;
        reached = Math.max(reached, end);
        chosen.add(h);
      }
      if (reached === clock) return undefined;
    }
    if (chosen.size === 0) return undefined;
    const updates = [...chosen].map((h) => h.update);
    const merged = updates.length === 1 ? (updates[0] as Uint8Array) : Y.mergeUpdates(updates);
    // A held update is a whole batch (tens of messages of many writers under load), and the
    // asker, which only waited too long for the ones it named, mostly has the rest already.
    const asked = new Map(entries.map(({ client, clock }) => [client, clock]));
    const known = new Map<number, number>();
    for (const [client, to] of Y.parseUpdateMeta(merged).to) {
      known.set(client, asked.get(client) ?? to);
    }
    return Y.diffUpdate(merged, Y.encodeStateVector(known));
  }
}
