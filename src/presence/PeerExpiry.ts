import type { Awareness } from 'y-protocols/awareness';
import { expiryMs } from './renewal';

/**
 * When each peer was last renewed, and when it is gone: after as many of its own renewal
 * intervals (from its newest beat, else its card; bounded) as `timeoutMs` holds of the base
 * interval. It replaces y-protocols' fixed 30 s, which it holds off (see hold).
 */
export class PeerExpiry {
  private readonly lastSeen = new Map<number, number>();
  /** The interval each peer's newest beat announced (its card's, until one comes). */
  private readonly beatIv = new Map<number, number>();

  constructor(
    private readonly baseMs: number,
    private readonly timeoutMs: number,
  ) {}

  /** A new card of `client` stands (or, without cards, any update came) at `at`. */
  seen(client: number, at: number): void {
    this.lastSeen.set(client, at);
    this.beatIv.delete(client);
  }

  /** A verified beat of `client`, announcing interval `iv`, renewed its card at `at`. */
  renewed(client: number, iv: number, at: number): void {
    this.lastSeen.set(client, at);
    this.beatIv.set(client, iv);
  }

  /**
   * The clients of `states` (this tab's own left out) whose time is up at `at`, forgotten
   * here; one never seen before starts its time now. `ivOf` reads the interval of a card.
   */
  due(
    clients: Iterable<number>,
    own: number,
    at: number,
    ivOf: (client: number) => unknown,
  ): number[] {
    const expired: number[] = [];
    for (const client of clients) {
      if (client === own) continue;
      const seen = this.lastSeen.get(client);
      const iv = this.beatIv.get(client) ?? ivOf(client);
      if (seen === undefined) this.lastSeen.set(client, at);
      else if (at - seen > expiryMs(iv, this.baseMs, this.timeoutMs)) expired.push(client);
    }
    for (const client of expired) {
      this.lastSeen.delete(client);
      this.beatIv.delete(client);
    }
    return expired;
  }

  /**
   * y-protocols drops a peer's state 30 s after its last update, and re-sends this tab's own
   * state every 15 s; in a large room cards are renewed less often than that, and the expiry
   * here (by each member's own interval) is the one that counts. So every state still held
   * is marked as just updated (y-protocols' own clock is Date.now).
   */
  hold(awareness: Awareness): void {
    const at = Date.now();
    for (const meta of awareness.meta.values()) meta.lastUpdated = at;
  }
}
