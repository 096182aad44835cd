/**
 * How much one client may publish: messages and bytes, per connection and per client address
 * (an IPv6 /64, see addressKey.ts), each a token bucket. Every publish is relayed to a whole
 * room, so without a byte limit one connection sending 200 frames of 60 KB queued 12 MB for
 * every reader at once and got them all dropped as slow.
 *
 * Three rules make that flood fail:
 * - a new connection, and an address not seen lately, starts with half its burst, so
 *   reconnecting does not buy a fresh full burst (an address's budget outlives its connections
 *   until it has refilled);
 * - bytes count beside messages, per connection and per address;
 * - a writer that keeps pushing past its budget is closed: its refused traffic drains a
 *   penalty bucket of one more burst, and when that is empty the connection goes. This happens
 *   long before a reader's grace for a full buffer runs out (Connection.ts), so the fast writer
 *   is dropped first.
 */
/** The publish limits, from the environment (config.ts). */
export interface PublishLimits {
  readonly publishRatePerSec: number;
  readonly publishBurst: number;
  readonly publishBytesPerSec: number;
  readonly publishBytesBurst: number;
  readonly addressPublishRatePerSec: number;
  readonly addressPublishBytesPerSec: number;
}

/** What to do with one publish. */
export type PublishVerdict = 'ok' | 'rate_limited' | 'flooding';

/** Fraction of a burst a new connection or a newly seen address starts with. */
export const INITIAL_FILL = 0.5;

/** Rates (per millisecond) and bursts of one kind of budget, shared by all budgets of that kind. */
interface PairLimits {
  readonly messagesPerMs: number;
  readonly messageBurst: number;
  readonly bytesPerMs: number;
  readonly byteBurst: number;
}

function pairLimits(
  messagesPerSec: number,
  messageBurst: number,
  bytesPerSec: number,
  byteBurst: number,
): PairLimits {
  return {
    messagesPerMs: messagesPerSec / 1000,
    messageBurst,
    bytesPerMs: bytesPerSec / 1000,
    byteBurst,
  };
}

/**
 * Two token buckets, messages and bytes, refilled together from one clock reading; a fill may
 * go negative (a debt to repay first). One small object per connection where two separate
 * buckets and the object pairing them held some 150 bytes more, paid by every connection.
 */
class BucketPair {
  #messages: number;
  #bytes: number;
  #updatedAt: number;

  constructor(
    readonly limits: PairLimits,
    now: number,
    fill: number,
  ) {
    this.#messages = limits.messageBurst * fill;
    this.#bytes = limits.byteBurst * fill;
    this.#updatedAt = now;
  }

  /** Adds what the rates have refilled since the last call, up to the bursts. */
  refill(now: number): void {
    const elapsed = now - this.#updatedAt;
    this.#updatedAt = now;
    const l = this.limits;
    this.#messages = Math.min(l.messageBurst, this.#messages + elapsed * l.messagesPerMs);
    this.#bytes = Math.min(l.byteBurst, this.#bytes + elapsed * l.bytesPerMs);
  }

  /** Whether one message of `bytes` fits (as of the last refill). */
  fits(bytes: number): boolean {
    return this.#messages >= 1 && this.#bytes >= bytes;
  }

  /** Takes one message of `bytes`, whether it fits or not. */
  spend(bytes: number): void {
    this.#messages -= 1;
    this.#bytes -= bytes;
  }

  /** Whether either bucket is in debt (as of the last refill). */
  get overdrawn(): boolean {
    return this.#messages < 0 || this.#bytes < 0;
  }

  /** Whether both have refilled completely (as of the last refill). */
  get full(): boolean {
    return this.#messages >= this.limits.messageBurst && this.#bytes >= this.limits.byteBurst;
  }
}

interface AddressBudget {
  readonly buckets: BucketPair;
  connections: number;
}

/** One connection's budget; {@link PublishBudgets.release} it when the connection closes. */
export class ConnectionBudget {
  readonly #own: BucketPair;
  /**
   * Made at the first refusal, full, as it would be by then had it been made with the
   * connection: most connections are never refused, and every one of them costs memory.
   */
  #penalty: BucketPair | null = null;
  readonly #now: () => number;

  /** @internal created by {@link PublishBudgets.open} */
  constructor(
    readonly key: string,
    readonly address: AddressBudget,
    limits: PairLimits,
    now: () => number,
  ) {
    this.#own = new BucketPair(limits, now(), INITIAL_FILL);
    this.#now = now;
  }

  /** Charges one publish of `bytes` and says whether to relay it, drop it, or close the writer. */
  admit(bytes: number): PublishVerdict {
    const now = this.#now();
    const own = this.#own;
    const address = this.address.buckets;
    own.refill(now);
    address.refill(now);
    if (own.fits(bytes) && address.fits(bytes)) {
      own.spend(bytes);
      address.spend(bytes);
      return 'ok';
    }
    // A writer's own limits, one more burst of them.
    const penalty = (this.#penalty ??= new BucketPair(own.limits, now, 1));
    penalty.refill(now);
    penalty.spend(bytes);
    return penalty.overdrawn ? 'flooding' : 'rate_limited';
  }
}

/** Every connection's and every recent address's publish budget. */
export class PublishBudgets {
  readonly #connectionLimits: PairLimits;
  readonly #addressLimits: PairLimits;
  readonly #now: () => number;
  readonly #addresses = new Map<string, AddressBudget>();

  constructor(limits: PublishLimits, now: () => number = performance.now.bind(performance)) {
    const l = limits;
    this.#connectionLimits = pairLimits(
      l.publishRatePerSec,
      l.publishBurst,
      l.publishBytesPerSec,
      l.publishBytesBurst,
    );
    // An address may carry a few connections' bursts (several tabs, a shared NAT).
    this.#addressLimits = pairLimits(
      l.addressPublishRatePerSec,
      Math.max(l.publishBurst, 2 * l.addressPublishRatePerSec),
      l.addressPublishBytesPerSec,
      Math.max(l.publishBytesBurst, 2 * l.addressPublishBytesPerSec),
    );
    this.#now = now;
  }

  /** Addresses whose budget is remembered (connected, or still refilling). */
  get addressCount(): number {
    return this.#addresses.size;
  }

  /** The budget of a new connection from the address `key`. */
  open(key: string): ConnectionBudget {
    let address = this.#addresses.get(key);
    if (address === undefined) {
      address = {
        buckets: new BucketPair(this.#addressLimits, this.#now(), INITIAL_FILL),
        connections: 0,
      };
      this.#addresses.set(key, address);
    }
    address.connections += 1;
    return new ConnectionBudget(key, address, this.#connectionLimits, this.#now);
  }

  /** Called once when the connection of `budget` closes. */
  release(budget: ConnectionBudget): void {
    budget.address.connections -= 1;
  }

  /** Forgets addresses without connections whose budget has refilled (call now and then). */
  sweep(): void {
    const now = this.#now();
    for (const [key, address] of this.#addresses) {
      if (address.connections > 0) continue;
      address.buckets.refill(now);
      if (address.buckets.full) this.#addresses.delete(key);
    }
  }
}
