// Two people who open one room with different passwords (a mistyped, truncated or stale link)
// share the room's signaling topic but cannot read each other's messages there: y-webrtc
// encrypts them with a key derived from the password. Nobody connects, and without this both
// would wait for peers forever. Each unreadable message on the topic is counted here; while
// they keep coming and no peer is connected, the room says someone holds another password.
//
// y-webrtc announces a tab only when it connects, so the one who was there first hears the
// newcomer once and the newcomer hears nothing. Hence the answer: a tab that starts to suspect
// a mismatch announces itself at once (the other side then suspects it too, and answers once;
// the one who started does not answer again, as its suspicion is not new), and again every
// `repeatMs` while the suspicion lasts, so that each side keeps hearing the other while both
// stay and stops suspecting `windowMs` after the other has gone.

/** Timing of the decision; the defaults suit people, tests shorten them. */
export interface PasswordMismatchOptions {
  /** How long after an unreadable message someone is still taken to be there (default 60 s). */
  readonly windowMs?: number;
  /** While a mismatch is suspected, how often to announce this tab again (default 20 s). */
  readonly repeatMs?: number;
}

/**
 * Counts a room's unreadable signaling messages and decides when they mean that someone else
 * is in the room with another password, and when to announce this tab so they learn it too.
 * Pure: every call is given the time and the number of connected peers.
 */
export class PasswordMismatch {
  /** Messages on the room's topic that this tab's key could not open, since it was made. */
  unreadable = 0;
  private readonly windowMs: number;
  private readonly repeatMs: number;
  private lastUnreadableAt = -Infinity;
  private lastAnnounceAt = -Infinity;
  private wasSuspected = false;

  constructor(options: PasswordMismatchOptions = {}) {
    this.windowMs = options.windowMs ?? 60_000;
    this.repeatMs = options.repeatMs ?? 20_000;
    if (!(this.windowMs > this.repeatMs && this.repeatMs > 0)) {
      throw new RangeError('PasswordMismatch: need windowMs > repeatMs > 0');
    }
  }

  /**
   * Records a message this tab could not open, at `now`, with `peers` connected. Returns
   * whether to announce this tab now.
   */
  received(now: number, peers: number): boolean {
    this.unreadable += 1;
    this.lastUnreadableAt = now;
    return this.step(now, peers);
  }

  /** Called every second or so; returns whether to announce this tab now. */
  tick(now: number, peers: number): boolean {
    return this.step(now, peers);
  }

  /**
   * Whether to tell the user that someone is in the room with another password: no peer is
   * connected, and an unreadable message came within the last `windowMs`.
   */
  suspected(now: number, peers: number): boolean {
    return peers === 0 && now - this.lastUnreadableAt < this.windowMs;
  }

  private step(now: number, peers: number): boolean {
    const suspected = this.suspected(now, peers);
    const fresh = suspected && !this.wasSuspected;
    this.wasSuspected = suspected;
    if (!suspected || (!fresh && now - this.lastAnnounceAt < this.repeatMs)) return false;
    this.lastAnnounceAt = now;
    return true;
  }
}
