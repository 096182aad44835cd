/**
 * How long peers may be known (announced through signaling, with connections being tried)
 * while no data channel opens before the room says they cannot be reached. A direct
 * connection opens within a few seconds when it can; Chromium gives up on ICE after about
 * 15 s when it cannot (two symmetric NATs and no TURN relay), so 20 s is past that.
 */
export const UNREACHABLE_AFTER_MS = 20_000;

/**
 * How long the known peers may all be gone before the wait starts over. y-webrtc forgets a
 * peer whose connection failed and dials it again as soon as it announces itself anew, which
 * takes one signaling round trip; a peer that stays gone for longer has left the room.
 */
export const PEERS_GONE_AFTER_MS = 5_000;

/**
 * Tells whether the peers this tab knows of cannot be reached: some were known for
 * {@link UNREACHABLE_AFTER_MS} without a single data channel opening. Plain state fed by
 * observations, with the time passed in, so tests drive it with any clock.
 */
export class ReachabilityWatch {
  /** When the current wait (peers known, no channel open) began. */
  private waitingSince: number | undefined;
  /** When a peer was last known. */
  private lastKnown = -Infinity;

  constructor(
    private readonly afterMs = UNREACHABLE_AFTER_MS,
    private readonly goneAfterMs = PEERS_GONE_AFTER_MS,
  ) {}

  /**
   * Takes one observation and says whether the peers are unreachable now.
   * @param now the time in ms (any clock, as long as it never runs backwards)
   * @param known remote peers signaling announced that a connection is being made or tried with
   * @param open data channels open now (any open one means the networks can meet)
   * @param signaling whether a signaling server is connected: without one the offers and
   *   candidates cannot cross, which says nothing about the networks, so nothing is said
   */
  observe(now: number, known: number, open: number, signaling = true): boolean {
    if (open > 0) {
      this.waitingSince = undefined;
      if (known > 0) this.lastKnown = now;
      return false;
    }
    if (known > 0) {
      this.lastKnown = now;
      this.waitingSince ??= now;
    } else if (now - this.lastKnown > this.goneAfterMs) {
      this.waitingSince = undefined;
    }
    return signaling && this.waitingSince !== undefined && now - this.waitingSince >= this.afterMs;
  }
}
