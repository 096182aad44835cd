import { decodeBase64url, encodeBase64url } from '../identity/base64url';
import type { SignatureVerifier, Signer } from '../log/signing';
import type { SessionKey } from '../hub/ports';
import { LruMap } from './LruMap';
import { boundedInterval } from './renewal';
import type { TokenBucket } from './TokenBucket';

/** Version of the awareness state layout (see docs/LOG_SCHEMA.md, "Presence"). */
export const PRESENCE_VERSION = 2;
/** At most this many sessions are read from one peer's state; more marks it invalid. */
export const MAX_SESSIONS_PER_PEER = 16;
const MAX_ID_LENGTH = 128;
/** A card signed longer ago than this is stale (heartbeats re-sign every 10 s). */
export const DEFAULT_MAX_CARD_AGE_MS = 60_000;
/** A card dated further ahead than this is refused (clocks of devices disagree a little). */
export const DEFAULT_MAX_CARD_AHEAD_MS = 60_000;
/** The renewal interval of a room of up to ten members (cards of larger rooms say theirs). */
export const BASE_RENEWAL_MS = 10_000;
/** Verdicts (and newest card times) remembered, least recently used forgotten first. */
const DEFAULT_CACHE_SIZE = 1024;

const encoder = new TextEncoder();

/** What a reader takes from a peer's awareness state before trusting any of it. */
export interface Card {
  /** The user who signed it; every session of the card is this user's. */
  readonly userId: string;
  /** When it was signed, ms since the epoch (the signer's clock). */
  readonly t: number;
  readonly sessions: SessionKey[];
  /** The renewal interval the signer claims (ms), unbounded: readers bound it. */
  readonly iv: number | undefined;
  readonly sig: string | null;
}

/** Reads the sessions of an untrusted awareness state; undefined if malformed. */
export function readSessions(state: unknown): SessionKey[] | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const { v, sessions } = state as { v?: unknown; sessions?: unknown };
  if (v !== PRESENCE_VERSION || !Array.isArray(sessions)) return undefined;
  if (sessions.length > MAX_SESSIONS_PER_PEER) return undefined;
  const out: SessionKey[] = [];
  for (const pair of sessions as unknown[]) {
    if (!Array.isArray(pair) || pair.length !== 2) return undefined;
    const [userId, sessionId] = pair as unknown[];
    if (typeof userId !== 'string' || typeof sessionId !== 'string') return undefined;
    if (!userId || !sessionId || userId.length > MAX_ID_LENGTH) return undefined;
    if (sessionId.length > MAX_ID_LENGTH) return undefined;
    out.push({ userId, sessionId });
  }
  return out;
}

/** Reads the card of an untrusted state: its user, time, sessions and signature. */
export function readCard(state: unknown): Card | undefined {
  const sessions = readSessions(state);
  if (!sessions) return undefined;
  const { u, t, iv, sig } = state as { u?: unknown; t?: unknown; iv?: unknown; sig?: unknown };
  if (typeof u !== 'string' || !u || u.length > MAX_ID_LENGTH) return undefined;
  if (!Number.isSafeInteger(t) || (t as number) < 0) return undefined;
  if (sig !== null && typeof sig !== 'string') return undefined;
  if (sessions.some((s) => s.userId !== u)) return undefined;
  if (iv !== undefined && (!Number.isSafeInteger(iv) || (iv as number) <= 0)) return undefined;
  return { userId: u, t: t as number, sessions, iv: iv as number | undefined, sig };
}

/** JSON with every object's keys sorted, so signer and reader encode one state alike. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    out[key] = canonical((value as Record<string, unknown>)[key]);
  }
  return out;
}

/**
 * The bytes a presence card signature covers: the room, the awareness client id (so a card
 * cannot be copied into another client's state), and every field of the state but `sig`
 * itself, in canonical JSON. Everything a reader acts on is signed: sessions, name, keys,
 * typing, `want` and `acks`, and the time `t` that makes old cards stale.
 */
export function cardBytes(
  context: string,
  clientId: number,
  state: Record<string, unknown>,
): Uint8Array {
  const signed = { ...state };
  delete signed.sig;
  return encoder.encode(
    JSON.stringify(['meshchat-presence/2', context, clientId, canonical(signed)]),
  );
}

/** Whether a peer's presence may be shown. */
export type CardVerdict = 'trusted' | 'pending' | 'invalid';

export interface PresenceCardsOptions {
  /** Bound into every signature (the room id), so a card cannot be replayed elsewhere. */
  readonly context: string;
  readonly signer?: Signer | undefined;
  /** When absent every card is trusted (a presence without identities, in tests). */
  readonly verifier?: SignatureVerifier | undefined;
  readonly now?: () => number;
  readonly maxAgeMs?: number;
  readonly maxAheadMs?: number;
  readonly cacheSize?: number;
  /** Called when a verification started by check() has finished. */
  readonly onSettled?: () => void;
}

/**
 * Signs this tab's presence card and judges peers'. Awareness states travel unsigned in
 * y-protocols, so without this anyone could make "Alice has joined" appear; with it, a card
 * counts only when the user it names signed it, recently, and it is newer than any card of
 * that client trusted before (a replayed old card brings no ghost back). Verdicts sit in an
 * LRU cache keyed by client and signature, so each card is verified once however often it is
 * relayed, and a flood of forgeries pushes out only the least recently used verdicts.
 */
export class PresenceCards {
  private readonly verdicts: LruMap<string, { bytes: string; verdict: CardVerdict }>;
  private readonly newest: LruMap<number, number>;
  private readonly inFlight = new Map<string, Promise<CardVerdict>>();
  private readonly keyOf = new WeakMap<object, string>();
  private readonly now: () => number;
  private readonly maxAgeMs: number;
  private readonly maxAheadMs: number;
  private generation = 0;
  private verifyCount = 0;

  constructor(private readonly options: PresenceCardsOptions) {
    this.now = options.now ?? Date.now;
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_CARD_AGE_MS;
    this.maxAheadMs = options.maxAheadMs ?? DEFAULT_MAX_CARD_AHEAD_MS;
    this.verdicts = new LruMap(options.cacheSize ?? DEFAULT_CACHE_SIZE);
    this.newest = new LruMap(options.cacheSize ?? DEFAULT_CACHE_SIZE);
  }

  /** Whether cards are checked at all (a verifier was given). */
  get verifying(): boolean {
    return this.options.verifier !== undefined;
  }

  /** Signatures verified so far (each a real WebCrypto call). */
  get verifications(): number {
    return this.verifyCount;
  }

  /**
   * Whether a card signed at `t` is neither stale nor dated too far ahead, now. A card that
   * says it is renewed every `iv` ms (a large room) may be older by as much more than the base
   * interval, bounded (see renewal.ts), so a newcomer still takes the cards its link sends.
   */
  fresh(t: number, iv?: number): boolean {
    const at = this.now();
    const slower = boundedInterval(iv, BASE_RENEWAL_MS) - BASE_RENEWAL_MS;
    return t >= at - this.maxAgeMs - slower && t <= at + this.maxAheadMs;
  }

  /** Whether a card of `clientId` signed at `t` is newer than every one trusted before. */
  isNewer(clientId: number, t: number): boolean {
    return t > (this.newest.peek(clientId) ?? -1);
  }

  /**
   * Judges a state already in the awareness, synchronously: trusted, still being verified
   * (the verification runs and onSettled follows), or invalid. A trusted card stays trusted
   * while it is the newest of its client; staleness is judged when a card is first seen.
   */
  check(clientId: number, state: Record<string, unknown>): CardVerdict {
    if (!this.options.verifier) return 'trusted';
    const card = readCard(state);
    if (!card) return 'invalid';
    if (card.sig === null) return 'pending';
    const key = this.keyFor(clientId, state, card.sig);
    const known = this.verdicts.get(key.id);
    if (known && known.bytes === key.bytes) {
      if (known.verdict !== 'trusted') return known.verdict;
      if (card.t < (this.newest.peek(clientId) ?? -1)) return 'invalid';
      return 'trusted';
    }
    // Stale, or older than a card of this client trusted before: a replay.
    if (!this.fresh(card.t, card.iv) || card.t < (this.newest.peek(clientId) ?? -1))
      return 'invalid';
    void this.verify(clientId, card, key).then(() => this.options.onSettled?.());
    return 'pending';
  }

  /**
   * Judges a card before it may enter the awareness (see AwarenessGate): resolves to trusted
   * or invalid, or 'throttled' when `budget` has no token for a verification this card needs.
   * A cached verdict costs no token.
   */
  async judge(
    clientId: number,
    state: Record<string, unknown>,
    card: Card,
    budget?: TokenBucket,
  ): Promise<CardVerdict | 'throttled'> {
    if (!this.options.verifier) return 'trusted';
    if (card.sig === null) return 'invalid';
    const key = this.keyFor(clientId, state, card.sig);
    const known = this.verdicts.get(key.id);
    if (known && known.bytes === key.bytes && known.verdict !== 'pending') return known.verdict;
    const running = this.inFlight.get(key.id);
    if (running) return running;
    if (budget && !budget.take()) return 'throttled';
    return this.verify(clientId, card, key);
  }

  /** Whether `t` is the time of the newest card of `clientId` trusted so far. */
  isNewest(clientId: number, t: number): boolean {
    return this.newest.peek(clientId) === t;
  }

  /** Records that `clientId`'s card of time `t` is the one now standing. */
  noteTrusted(clientId: number, t: number): void {
    if (this.isNewer(clientId, t)) this.newest.set(clientId, t);
  }

  /**
   * Signs `state` (everything but `sig`) and hands the signature to `apply`, unless sign()
   * was called again meanwhile (then a newer signing is under way) or cancel() was.
   */
  sign(clientId: number, state: Record<string, unknown>, apply: (sig: string) => void): void {
    const signer = this.options.signer;
    this.generation += 1;
    const generation = this.generation;
    if (!signer) return;
    signer.sign(cardBytes(this.options.context, clientId, state)).then(
      (signature) => {
        if (generation === this.generation) apply(encodeBase64url(signature));
      },
      () => undefined,
    );
  }

  /** Signs `state` whatever else is being signed (a goodbye card made ahead of time). */
  signNow(clientId: number, state: Record<string, unknown>): Promise<string> | undefined {
    const signer = this.options.signer;
    return signer
      ?.sign(cardBytes(this.options.context, clientId, state))
      .then((signature) => encodeBase64url(signature));
  }

  /** Stops applying signatures still being made. */
  cancel(): void {
    this.generation += 1;
  }

  private keyFor(
    clientId: number,
    state: Record<string, unknown>,
    sig: string,
  ): { id: string; bytes: string } {
    const id = `${clientId}|${sig}`;
    let bytes = this.keyOf.get(state);
    if (bytes === undefined) {
      bytes = new TextDecoder().decode(cardBytes(this.options.context, clientId, state));
      this.keyOf.set(state, bytes);
    }
    return { id, bytes };
  }

  private verify(
    clientId: number,
    card: Card,
    key: { id: string; bytes: string },
  ): Promise<CardVerdict> {
    const verifier = this.options.verifier;
    const signature = card.sig === null ? undefined : decodeBase64url(card.sig);
    if (!verifier || !signature) {
      this.verdicts.set(key.id, { bytes: key.bytes, verdict: 'invalid' });
      return Promise.resolve('invalid');
    }
    this.verdicts.set(key.id, { bytes: key.bytes, verdict: 'pending' });
    this.verifyCount += 1;
    const running = verifier
      .verify(card.userId, encoder.encode(key.bytes), signature)
      .catch(() => false)
      .then((ok): CardVerdict => {
        this.inFlight.delete(key.id);
        const verdict: CardVerdict = ok ? 'trusted' : 'invalid';
        this.verdicts.set(key.id, { bytes: key.bytes, verdict });
        if (ok) this.noteTrusted(clientId, card.t);
        return verdict;
      });
    this.inFlight.set(key.id, running);
    return running;
  }
}
