/**
 * A token bucket: up to `burst` tokens at once, refilled at `ratePerSec`. Used for publishes
 * (counted in messages and in bytes), because a WebRTC handshake legitimately sends a burst of
 * offers, answers and ICE candidates while a flood must not be amplified to a whole room.
 */
export class TokenBucket {
  readonly #ratePerMs: number;
  readonly #burst: number;
  readonly #now: () => number;
  #tokens: number;
  #updatedAt: number;

  /**
   * @param ratePerSec tokens added per second
   * @param burst bucket size
   * @param now clock in milliseconds (injectable for tests)
   * @param initial the starting fill (default: full)
   */
  constructor(
    ratePerSec: number,
    burst: number,
    now: () => number = performance.now.bind(performance),
    initial: number = burst,
  ) {
    this.#ratePerMs = ratePerSec / 1000;
    this.#burst = burst;
    this.#now = now;
    this.#tokens = Math.min(burst, initial);
    this.#updatedAt = now();
  }

  /** Tokens available now. */
  available(): number {
    const now = this.#now();
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#updatedAt) * this.#ratePerMs);
    this.#updatedAt = now;
    return this.#tokens;
  }

  /** Whether the bucket has refilled completely (nothing would be lost by forgetting it). */
  get full(): boolean {
    return this.available() >= this.#burst;
  }

  /** Takes `amount` tokens if there are that many; false means the action is over the limit. */
  take(amount = 1): boolean {
    if (this.available() < amount) return false;
    this.#tokens -= amount;
    return true;
  }

  /** Takes `amount` tokens unconditionally (the fill may go negative: a debt to repay first). */
  spend(amount: number): void {
    this.available();
    this.#tokens -= amount;
  }
}
