/**
 * Which connection speaks for which peer id in each topic, so that a publish meant for one peer
 * (an offer, an answer, an ICE candidate) is sent to that peer's connection alone.
 *
 * A connection claims a peer id by publishing with it as `from`. The first claim wins for as
 * long as that connection stays subscribed to the topic: another connection publishing with the
 * same `from` is refused, or it could take over the id and receive every offer meant for that
 * peer (cutting the peer off the room). Claims are released on unsubscribe and on close.
 *
 * One exception: a claim may carry a secret the client chose for the id. A later claim of that
 * id with the same secret moves the id to the new connection. A client whose connection dropped
 * reconnects before the server has noticed the old one is gone (that takes up to two heartbeat
 * intervals); without this, the dead connection would keep the id, the client's routed
 * publishes would be refused and the offers meant for it sent into the dead socket. The secret
 * is never relayed, so no other member of the room can present it.
 */
import { timingSafeEqual } from 'node:crypto';

/** The outcome of {@link PeerRoutes.claim}. */
export type ClaimOutcome = 'ok' | 'impersonation' | 'too_many_peer_ids';

/** The peer ids one connection may hold in one topic (y-webrtc uses one per room). */
export const MAX_PEER_IDS_PER_TOPIC = 4;

interface Claim<S> {
  readonly owner: S;
  readonly secret: string | undefined;
}

const sameSecret = (held: string | undefined, offered: string | undefined): boolean =>
  held !== undefined &&
  offered !== undefined &&
  held.length === offered.length &&
  timingSafeEqual(Buffer.from(held), Buffer.from(offered));

/** The peer id registry of one server process. */
export class PeerRoutes<S> {
  /** topic → peer id → the connection that claimed it, and its secret. */
  readonly #owners = new Map<string, Map<string, Claim<S>>>();
  /** connection → topic → its peer ids there. */
  readonly #claims = new Map<S, Map<string, Set<string>>>();

  /**
   * Claims `peer` in `topic` for `owner`, or says why not. Claiming one's own id again is ok;
   * so is claiming another connection's id with the secret that connection claimed it with.
   */
  claim(owner: S, topic: string, peer: string, secret?: string): ClaimOutcome {
    const peers = this.#owners.get(topic);
    const current = peers?.get(peer);
    if (current?.owner === owner) return 'ok';
    if (current !== undefined && !sameSecret(current.secret, secret)) return 'impersonation';
    const inTopic = this.#claims.get(owner)?.get(topic);
    if ((inTopic?.size ?? 0) >= MAX_PEER_IDS_PER_TOPIC) return 'too_many_peer_ids';
    if (current !== undefined) this.#forget(current.owner, topic, peer);
    if (peers === undefined) this.#owners.set(topic, new Map([[peer, { owner, secret }]]));
    else peers.set(peer, { owner, secret });
    let mine = this.#claims.get(owner);
    if (mine === undefined) {
      mine = new Map();
      this.#claims.set(owner, mine);
    }
    const ids = mine.get(topic);
    if (ids === undefined) mine.set(topic, new Set([peer]));
    else ids.add(peer);
    return 'ok';
  }

  /** The connection that claimed `peer` in `topic`, if any. */
  owner(topic: string, peer: string): S | undefined {
    return this.#owners.get(topic)?.get(peer)?.owner;
  }

  /** Releases `owner`'s ids in `topic` (it left the topic or closed). */
  release(owner: S, topic: string): void {
    const mine = this.#claims.get(owner);
    const inTopic = mine?.get(topic);
    if (mine === undefined || inTopic === undefined) return;
    mine.delete(topic);
    if (mine.size === 0) this.#claims.delete(owner);
    const peers = this.#owners.get(topic);
    if (peers === undefined) return;
    for (const peer of inTopic) peers.delete(peer);
    if (peers.size === 0) this.#owners.delete(topic);
  }

  /** Claimed peer ids over all topics (for tests and metrics). */
  get size(): number {
    let count = 0;
    for (const peers of this.#owners.values()) count += peers.size;
    return count;
  }

  /** Drops `peer` from what `owner` holds in `topic` (the id moved to another connection). */
  #forget(owner: S, topic: string, peer: string): void {
    const mine = this.#claims.get(owner);
    const inTopic = mine?.get(topic);
    if (mine === undefined || inTopic === undefined) return;
    inTopic.delete(peer);
    if (inTopic.size > 0) return;
    mine.delete(topic);
    if (mine.size === 0) this.#claims.delete(owner);
  }
}
