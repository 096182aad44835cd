/**
 * A token bucket: at most `burst` tokens, refilled at `perSecond`. Bounds how many signature
 * verifications one sender can make this tab do: a burst for a room's initial state, then a
 * steady rate well above what honest heartbeats need.
 */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.at = now();
  }

  /** Takes one token if there is one. */
  take(): boolean {
    const at = this.now();
    const elapsed = Math.max(0, at - this.at);
    this.at = at;
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.perSecond) / 1000);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
