// How long peers' presence changes are gathered before they are relayed on (see
// gatherRelayedAwareness): each relay is a frame on every link.

/** The gathering in rooms of up to RELAY_ROOM members; longer in proportion in larger ones. */
export const RELAY_AWARENESS_MS = 250;
export const RELAY_ROOM = 10;
/**
 * The least gathering while updates flow. In a burst, peers' ack cards keep every gathering
 * busy, so the awareness frames a peer sends follow the gatherings: at 25 peers they were as
 * many as the update frames.
 */
export const BUSY_RELAY_MS = 2000;

/** The gathering for a room of `members`, `busy` when updates arrived since the last one. */
export function relayDelayMs(members: number, busy: boolean): number {
  const quiet = RELAY_AWARENESS_MS * Math.max(1, members / RELAY_ROOM);
  return busy ? Math.max(quiet, BUSY_RELAY_MS) : quiet;
}

/** Whether a count (of update bytes received) moved since the last call. */
export function movedSince(count: () => number): () => boolean {
  let last = count();
  return () => {
    const now = count();
    const moved = now !== last;
    last = now;
    return moved;
  };
}

/**
 * Whether updates are flowing: two arrived within `windowMs`. One alone is a message, whose
 * acks should go at once; a second soon after it is a burst, in which they may wait.
 */
export class BurstWatch {
  private last = -Infinity;
  private previous = -Infinity;

  constructor(
    private readonly windowMs = BUSY_RELAY_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** An update arrived. */
  arrived(): void {
    this.previous = this.last;
    this.last = this.now();
  }

  flowing(): boolean {
    return this.now() - this.previous < this.windowMs;
  }
}
