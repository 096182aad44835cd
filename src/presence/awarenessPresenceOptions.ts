import type { SignatureVerifier, Signer } from '../log/signing';
import type { AwarenessGateOptions } from './AwarenessGate';
import type { Ticker } from './Ticker';

export interface AwarenessPresenceOptions {
  /** A peer silent for this long is gone (default 30 s, as y-protocols). */
  readonly timeoutMs?: number;
  /**
   * How often the local state is re-sent in a room of up to ten members (default a third of
   * the timeout); larger rooms renew less often (see renewal.ts), and peers time a member out
   * after as many of its own intervals as `timeoutMs` holds of this one.
   */
  readonly heartbeatMs?: number;
  /** What drives the heartbeat and the expiry check (default: a worker-driven interval). */
  readonly ticker?: Ticker;
  readonly now?: () => number;
  /** Signs this tab's presence card, so peers can tell it really is this user. */
  readonly signer?: Signer;
  /** When set, a peer's sessions count only once its card's signature verifies. */
  readonly verifier?: SignatureVerifier;
  /** Bound into every card signature (the room id), so a card cannot be replayed elsewhere. */
  readonly context?: string;
  /** A card signed longer ago than this is stale (default 60 s). */
  readonly maxCardAgeMs?: number;
  /** Limits of the gate (see AwarenessGate; the defaults are documented there). */
  readonly gate?: Omit<AwarenessGateOptions, 'cards' | 'now'>;
}
