// What presence signals (PresenceSignals.ts) are bound by, and the ports they use: where
// signals go, what they read from and tell the presence that owns them, what they count.
import type { SignatureVerifier, Signer } from '../log/signing';

/** Beats of peers are relayed together, at most this long after they arrive. */
export const RELAY_MS = 250;
/** Least time between two typing signals this tab sends (a later one waits, and goes). */
export const TYPING_GAP_MS = 2000;
/** A typing signal dated further than this from the reader's clock is ignored. */
export const TYPING_SKEW_MS = 30_000;
/** A card is asked for at most this often per client. */
export const WANT_GAP_MS = 5000;
/** Most cards sent in answer to one frame of wants. */
export const MAX_CARDS_ANSWERED = 64;
/** Verifications (beats, typing) one sender may cause at once, and per second after that. */
export const SIGNAL_BURST = 256;
export const SIGNAL_PER_SECOND = 32;

/** Where this tab's signals go. `except`: not to that sender; `only`: to that sender alone. */
export interface SignalLinks {
  send(frame: Uint8Array, to: { readonly except?: object; readonly only?: object }): void;
}

/** What the signals read from, and tell, the presence that owns them. */
export interface SignalHost {
  readonly context: string;
  readonly signer: Signer | undefined;
  readonly verifier: SignatureVerifier;
  now(): number;
  clientId(): number;
  /** Whether a beat or typing signal dated `at` is recent enough to act on. */
  fresh(at: number): boolean;
  /** The user and time of `client`'s trusted card, if one stands. */
  card(client: number): { readonly userId: string; readonly t: number } | undefined;
  /** A verified beat renewed `client`'s card; its interval is now `iv`. */
  renew(client: number, iv: number): void;
  /** A verified typing signal: `at` while typing, 0 when stopped. */
  typing(client: number, at: number): void;
  /** Trusted cards of `clients` held here, as an awareness update (undefined: none). */
  encodeCards(clients: readonly number[]): Uint8Array | undefined;
  /** Cards a peer sent in answer: they go through the gate. */
  receiveCards(update: Uint8Array, sender: object): void;
}

/** What the signals did, by reason. */
export interface SignalStats {
  beats: number;
  typing: number;
  /** Not newer than the newest beat or typing signal of that client (replays, duplicates). */
  old: number;
  stale: number;
  /** The signature did not verify with the user of the standing card. */
  invalid: number;
  throttled: number;
  /** Beats for a card not held here (then asked for). */
  unknown: number;
  undecodable: number;
}
