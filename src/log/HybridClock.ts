/**
 * A hybrid logical clock for the log's order key: close to wall-clock time, yet always above
 * every clock this peer has seen, so a reply sorts after what it answers even when the two
 * authors' clocks disagree. A clock far in the future (a skewed or hostile peer) is not
 * followed beyond `maxLeadMs` ahead of our own wall clock, so it cannot drag ours along.
 */
export class HybridClock {
  private highest = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxLeadMs = 60_000,
  ) {}

  /** Takes note of a clock seen on an entry. */
  observe(clock: number): void {
    const limit = this.now() + this.maxLeadMs;
    this.highest = Math.max(this.highest, Math.min(clock, limit));
  }

  /** The clock for a new local entry. */
  tick(): number {
    this.highest = Math.max(this.now(), this.highest + 1);
    return this.highest;
  }
}
