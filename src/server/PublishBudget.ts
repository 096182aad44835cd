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
import { TokenBucket } from './TokenBucket.js';

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

interface Pair {
  readonly messages: TokenBucket;
  readonly bytes: TokenBucket;
}

function pair(
  rate: number,
  burst: number,
  byteRate: number,
  byteBurst: number,
  now: () => number,
  fill: number,
): Pair {
  return {
    messages: new TokenBucket(rate, burst, now, burst * fill),
    bytes: new TokenBucket(byteRate, byteBurst, now, byteBurst * fill),
  };
}

interface AddressBudget extends Pair {
  connections: number;
}

/** One connection's budget; {@link PublishBudgets.release} it when the connection closes. */
export class ConnectionBudget {
  readonly #own: Pair;
  /**
   * Made at the first refusal, full, as it would be by then had it been made with the
   * connection: most connections are never refused, and every one of them costs memory.
   */
  #penalty: Pair | null = null;
  readonly #limits: PublishLimits;
  readonly #now: () => number;

  /** @internal created by {@link PublishBudgets.open} */
  constructor(
    readonly key: string,
    readonly address: AddressBudget,
    limits: PublishLimits,
    now: () => number,
  ) {
    const { publishRatePerSec: r, publishBurst: b } = limits;
    const { publishBytesPerSec: br, publishBytesBurst: bb } = limits;
    this.#own = pair(r, b, br, bb, now, INITIAL_FILL);
    this.#limits = limits;
    this.#now = now;
  }

  /** Charges one publish of `bytes` and says whether to relay it, drop it, or close the writer. */
  admit(bytes: number): PublishVerdict {
    const own = this.#own;
    const address = this.address;
    if (
      own.messages.available() >= 1 &&
      own.bytes.available() >= bytes &&
      address.messages.available() >= 1 &&
      address.bytes.available() >= bytes
    ) {
      own.messages.spend(1);
      own.bytes.spend(bytes);
      address.messages.spend(1);
      address.bytes.spend(bytes);
      return 'ok';
    }
    const l = this.#limits;
    const penalty = (this.#penalty ??= pair(
      l.publishRatePerSec,
      l.publishBurst,
      l.publishBytesPerSec,
      l.publishBytesBurst,
      this.#now,
      1,
    ));
    penalty.messages.spend(1);
    penalty.bytes.spend(bytes);
    return penalty.messages.available() < 0 || penalty.bytes.available() < 0
      ? 'flooding'
      : 'rate_limited';
  }
}

/** Every connection's and every recent address's publish budget. */
export class PublishBudgets {
  readonly #limits: PublishLimits;
  readonly #now: () => number;
  readonly #addresses = new Map<string, AddressBudget>();

  constructor(limits: PublishLimits, now: () => number = performance.now.bind(performance)) {
    this.#limits = limits;
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
      const l = this.#limits;
      // An address may carry a few connections' bursts (several tabs, a shared NAT).
      const burst = Math.max(l.publishBurst, 2 * l.addressPublishRatePerSec);
      const byteBurst = Math.max(l.publishBytesBurst, 2 * l.addressPublishBytesPerSec);
      address = {
        ...pair(
          l.addressPublishRatePerSec,
          burst,
          l.addressPublishBytesPerSec,
          byteBurst,
          this.#now,
          INITIAL_FILL,
        ),
        connections: 0,
      };
      this.#addresses.set(key, address);
    }
    address.connections += 1;
    return new ConnectionBudget(key, address, this.#limits, this.#now);
  }

  /** Called once when the connection of `budget` closes. */
  release(budget: ConnectionBudget): void {
    budget.address.connections -= 1;
  }

  /** Forgets addresses without connections whose budget has refilled (call now and then). */
  sweep(): void {
    for (const [key, address] of this.#addresses) {
      if (address.connections <= 0 && address.messages.full && address.bytes.full) {
        this.#addresses.delete(key);
      }
    }
  }
}
