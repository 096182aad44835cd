/**
 * A token bucket: up to `burst` actions at once, then `ratePerSec` sustained. Used per
 * connection for publishes, because a WebRTC handshake legitimately sends a burst of offers,
 * answers and ICE candidates while a flood must not be amplified to a whole room.
 */
export class TokenBucket {
  readonly #ratePerMs: number;
  readonly #burst: number;
  readonly #now: () => number;
  #tokens: number;
  #updatedAt: number;

  /**
   * @param ratePerSec tokens added per second
   * @param burst bucket size, and the initial fill
   * @param now clock in milliseconds (injectable for tests)
   */
  constructor(
    ratePerSec: number,
    burst: number,
    now: () => number = performance.now.bind(performance),
  ) {
    this.#ratePerMs = ratePerSec / 1000;
    this.#burst = burst;
    this.#now = now;
    this.#tokens = burst;
    this.#updatedAt = now();
  }

  /** Takes one token if there is one; false means the action is over the limit. */
  take(): boolean {
    const now = this.#now();
    const refill = (now - this.#updatedAt) * this.#ratePerMs;
    this.#updatedAt = now;
    this.#tokens = Math.min(this.#burst, this.#tokens + refill);
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
