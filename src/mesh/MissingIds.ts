import type { MeshEnv } from './ports';
import type { ClockEntry } from './wire';

/** How much each late timer moves the lag average. */
const LAG_WEIGHT = 0.25;
/** A fetch waits graftMs plus this many times the lag. */
const GRAFT_LAG_FACTOR = 3;

/**
 * Ids of updates heard of from lazy neighbours (ihave) and not received: after `graftMs` each
 * still missing is fetched from who announced it (Plumtree's graft). On a peer whose event
 * loop runs late, the wait grows with that lateness: such a peer is as late relaying, so the
 * push that left with the ids is that much later too, and grafting after graftMs alone fetched
 * (and then pruned) what was on its way. At 25 peers on two cores, timers ran seconds late.
 */
export class MissingIds {
  /** Per Yjs client: the clock announced, who announced it, when first heard of. */
  private readonly missing = new Map<number, { clock: number; from: string; at: number }>();
  /** How late this peer's own timers fire (ms, a moving average). */
  private lag = 0;
  private cancel: (() => void) | undefined;

  constructor(
    private readonly env: MeshEnv,
    private readonly graftMs: number,
    /** How far this peer holds `client`'s updates (its Yjs state). */
    private readonly have: (client: number) => number,
    /** Whether `peer` is still a neighbour (a fetch goes only to one). */
    private readonly linked: (peer: string) => boolean,
    /** Fetches `entries` (client, clock held) from `peer`. */
    private readonly fetch: (peer: string, entries: ClockEntry[]) => void,
  ) {}

  get size(): number {
    return this.missing.size;
  }

  /** `from` announced that it holds these clocks. */
  heard(from: string, entries: readonly ClockEntry[]): void {
    let added = false;
    const at = this.env.now();
    for (const { client, clock } of entries) {
      if (this.have(client) >= clock) continue;
      const known = this.missing.get(client);
      if (!known) this.missing.set(client, { clock, from, at });
      else if (known.clock < clock) this.missing.set(client, { clock, from, at: known.at });
      added = true;
    }
    if (added) this.schedule(this.graftMs);
  }

  /** `client`'s updates arrived up to the local state: forget what they cover. */
  received(client: number): void {
    const wanted = this.missing.get(client);
    if (wanted && this.have(client) >= wanted.clock) this.missing.delete(client);
  }

  destroy(): void {
    this.cancel?.();
    this.cancel = undefined;
    this.missing.clear();
  }

  private schedule(ms: number): void {
    if (this.cancel) return;
    const due = this.env.now() + ms;
    this.cancel = this.env.timer(ms, () => {
      this.cancel = undefined;
      const late = Math.max(0, this.env.now() - due);
      this.lag = this.lag * (1 - LAG_WEIGHT) + late * LAG_WEIGHT;
      this.fetchOverdue();
    });
  }

  private fetchOverdue(): void {
    const now = this.env.now();
    const wait = this.graftMs + GRAFT_LAG_FACTOR * this.lag;
    const byPeer = new Map<string, ClockEntry[]>();
    let nextDue = Infinity;
    for (const [client, { clock, from, at }] of this.missing) {
      const have = this.have(client);
      if (have >= clock || !this.linked(from)) {
        this.missing.delete(client);
        continue;
      }
      if (now - at < wait) {
        nextDue = Math.min(nextDue, at + wait);
        continue;
      }
      this.missing.delete(client);
      const list = byPeer.get(from) ?? [];
      list.push({ client, clock: have });
      byPeer.set(from, list);
    }
    if (nextDue < Infinity) this.schedule(Math.max(1, nextDue - now));
    for (const [peer, entries] of byPeer) this.fetch(peer, entries);
  }
}
