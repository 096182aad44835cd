import { sessionKey, type SessionKey } from '../hub/ports';
import { removeAwarenessStates, type Awareness } from 'y-protocols/awareness';
import { readCard, readSessions, type PresenceCards } from './PresenceCards';
import type { PeerExpiry } from './PeerExpiry';

/** A peer's last trusted card: it stands until a newer one is trusted or it expires. */
interface Standing {
  readonly state: Record<string, unknown>;
  readonly sessions: SessionKey[];
}

/**
 * Each peer's last trusted card, and its typing signal beside it. A peer counts only through
 * its standing card: a state that fails to verify changes nothing.
 */
export class TrustedCards {
  private readonly trusted = new Map<number, Standing>();
  /** Each peer's typing signal: ms while typing, 0 when stopped. */
  readonly typingOf = new Map<number, number>();
  /** Peers whose state was malformed or failed to verify at the last derive. */
  invalid = 0;

  constructor(
    private readonly cards: PresenceCards,
    /** A peer's card was newly trusted (it renews the peer when cards are verified). */
    private readonly onTrusted: (client: number) => void,
  ) {}

  get size(): number {
    return this.trusted.size;
  }

  has(client: number): boolean {
    return this.trusted.has(client);
  }

  /** The state of `client`'s standing card. */
  stateOf(client: number): Record<string, unknown> | undefined {
    return this.trusted.get(client)?.state;
  }

  /** The user and time of `client`'s standing card. */
  cardOf(client: number): { readonly userId: string; readonly t: number } | undefined {
    const card = readCard(this.trusted.get(client)?.state);
    return card && { userId: card.userId, t: card.t };
  }

  /** Removes from `awareness` the peers whose time is up at `at` (see PeerExpiry). */
  expire(awareness: Awareness, expiry: PeerExpiry, at: number): void {
    const states = awareness.getStates();
    const ivOf = (client: number): unknown =>
      ((this.trusted.get(client)?.state ?? states.get(client)) as { iv?: unknown } | undefined)?.iv;
    const expired = expiry.due(states.keys(), awareness.clientID, at, ivOf);
    for (const client of expired) {
      this.trusted.delete(client);
      this.typingOf.delete(client);
    }
    if (expired.length > 0) removeAwarenessStates(awareness, expired, 'timeout');
    expiry.hold(awareness);
  }

  /** Adds the states of the peers with sessions, typing included, to `out`. */
  addStates(out: Map<number, Record<string, unknown>>): void {
    for (const [client, standing] of this.trusted) {
      if (standing.sessions.length === 0) continue;
      const typing = this.typingOf.get(client);
      out.set(client, typing === undefined ? standing.state : { ...standing.state, typing });
    }
  }

  /**
   * The sessions present: `local` and those of every peer's standing card, checking the cards
   * of `states` (the awareness states; `own` is this tab) that changed since.
   */
  derive(
    local: ReadonlyMap<string, SessionKey>,
    states: Map<number, Record<string, unknown>>,
    own: number,
  ): Map<string, SessionKey> {
    const next = new Map<string, SessionKey>(local);
    let invalid = 0;
    for (const [client, state] of states) {
      if (client === own) continue;
      const standing = this.trusted.get(client);
      if (standing?.state === state) {
        // Trusted as it stands: checking every member again on each change of one of them
        // (an ack, in a busy room) cost a busy 25-peer room more than the cards that changed.
        for (const session of standing.sessions) next.set(sessionKey(session), session);
        continue;
      }
      const sessions = readSessions(state);
      const verdict = sessions ? this.cards.check(client, state) : 'invalid';
      if (verdict === 'trusted' && sessions) {
        this.typingOf.delete(client);
        this.trusted.set(client, { state, sessions });
        this.onTrusted(client);
      } else if (verdict === 'invalid' && Object.keys(state).length > 0) {
        invalid += 1;
      }
      for (const session of this.trusted.get(client)?.sessions ?? []) {
        next.set(sessionKey(session), session);
      }
    }
    for (const client of this.trusted.keys()) if (!states.has(client)) this.trusted.delete(client);
    this.invalid = invalid;
    return next;
  }
}
