/**
 * Heartbeats spread over the interval instead of sent all at once. Pinging every connection in
 * one turn is one write(2) per connection: with 5,000 clients the event loop stalled for tens
 * of milliseconds every interval, and every message relayed meanwhile waited (the stock server
 * spreads its pings too, with one timer per connection started when it connects).
 *
 * Members are dealt round-robin into slots; one slot is visited per tick, so each member is
 * still visited once per interval. Intervals too short to split are visited whole.
 */

/** At most this many slots, and ticks no shorter than MIN_TICK_MS. */
const MAX_SLOTS = 30;
const MIN_TICK_MS = 100;

/** Members visited one slot per tick, each once per interval. */
export class HeartbeatWheel<T> {
  readonly #slots: Set<T>[];
  readonly #slotOf = new Map<T, Set<T>>();
  readonly #visit: (member: T) => void;
  readonly #cycle: () => void;
  #next = 0;
  #dealt = 0;
  readonly #timer: NodeJS.Timeout;

  /**
   * @param visit called for each member of the slot due, once per interval per member
   * @param cycle called once per interval (at the first slot)
   */
  constructor(intervalMs: number, visit: (member: T) => void, cycle: () => void) {
    const count = Math.max(1, Math.min(MAX_SLOTS, Math.floor(intervalMs / MIN_TICK_MS)));
    this.#slots = Array.from({ length: count }, () => new Set<T>());
    this.#visit = visit;
    this.#cycle = cycle;
    this.#timer = setInterval(() => this.tick(), intervalMs / count);
    this.#timer.unref();
  }

  /** Slots the interval is split into. */
  get slotCount(): number {
    return this.#slots.length;
  }

  /** Visits the slot due (the timer calls this every interval / slotCount). */
  tick(): void {
    const index = this.#next;
    this.#next = (index + 1) % this.#slots.length;
    if (index === 0) this.#cycle();
    // A copy: a visit may remove members (a dead connection is forgotten).
    for (const member of [...(this.#slots[index] ?? [])]) this.#visit(member);
  }

  add(member: T): void {
    if (this.#slotOf.has(member)) return;
    const slot = this.#slots[this.#dealt++ % this.#slots.length] as Set<T>;
    slot.add(member);
    this.#slotOf.set(member, slot);
  }

  delete(member: T): void {
    this.#slotOf.get(member)?.delete(member);
    this.#slotOf.delete(member);
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
