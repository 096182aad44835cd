/**
 * Which connection speaks for which peer id in each topic, so that a publish meant for one peer
 * (an offer, an answer, an ICE candidate) is sent to that peer's connection alone.
 *
 * A connection claims a peer id by publishing with it as `from`. The first claim wins for as
 * long as that connection stays subscribed to the topic: another connection publishing with the
 * same `from` is refused, or it could take over the id and receive every offer meant for that
 * peer (cutting the peer off the room). Claims are released on unsubscribe and on close.
 */

/** The outcome of {@link PeerRoutes.claim}. */
export type ClaimOutcome = 'ok' | 'impersonation' | 'too_many_peer_ids';

/** The peer ids one connection may hold in one topic (y-webrtc uses one per room). */
export const MAX_PEER_IDS_PER_TOPIC = 4;

/** The peer id registry of one server process. */
export class PeerRoutes<S> {
  /** topic → peer id → the connection that claimed it. */
  readonly #owners = new Map<string, Map<string, S>>();
  /** connection → topic → its peer ids there. */
  readonly #claims = new Map<S, Map<string, Set<string>>>();

  /** Claims `peer` in `topic` for `owner`, or says why not. Claiming one's own id again is ok. */
  claim(owner: S, topic: string, peer: string): ClaimOutcome {
    const peers = this.#owners.get(topic);
    const current = peers?.get(peer);
    if (current === owner) return 'ok';
    if (current !== undefined) return 'impersonation';
    let mine = this.#claims.get(owner);
    const inTopic = mine?.get(topic);
    if ((inTopic?.size ?? 0) >= MAX_PEER_IDS_PER_TOPIC) return 'too_many_peer_ids';
    if (peers === undefined) this.#owners.set(topic, new Map([[peer, owner]]));
    else peers.set(peer, owner);
    if (mine === undefined) {
      mine = new Map();
      this.#claims.set(owner, mine);
    }
    if (inTopic === undefined) mine.set(topic, new Set([peer]));
    else inTopic.add(peer);
    return 'ok';
  }

  /** The connection that claimed `peer` in `topic`, if any. */
  owner(topic: string, peer: string): S | undefined {
    return this.#owners.get(topic)?.get(peer);
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
}
