import { removeAwarenessStates, type Awareness } from 'y-protocols/awareness';
import type { SignatureVerifier, Signer } from '../log/signing';
import { sessionKey, type PresenceChange, type PresencePort, type SessionKey } from '../hub/ports';
import { PresenceCards, SIGNED_FIELDS } from './PresenceCards';
import { workerTicker, type Ticker } from './Ticker';

/** Version of the awareness state layout (see docs/LOG_SCHEMA.md). */
export const PRESENCE_VERSION = 1;
/** At most this many sessions are read from one peer's state; more marks it invalid. */
const MAX_SESSIONS_PER_PEER = 16;
const MAX_ID_LENGTH = 128;

export interface AwarenessPresenceOptions {
  /** A peer silent for this long is gone (default 30 s, as y-protocols). */
  readonly timeoutMs?: number;
  /** How often the local state is re-sent (default a third of the timeout). */
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
}

/**
 * The PresencePort over y-protocols awareness. The local awareness state carries this tab's
 * sessions as `sessions: [userId, sessionId][]` beside whatever else the UI shares (name,
 * typing); the set of present sessions is derived by diffing all states' sessions after each
 * change, so each transition is reported once however the awareness events arrive. A peer
 * whose state is malformed is ignored; a silent peer expires after `timeoutMs`.
 */
export class AwarenessPresence implements PresencePort {
  private readonly awareness: Awareness;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly observers = new Set<(change: PresenceChange) => void>();
  private readonly stateListeners = new Set<() => void>();
  private readonly local = new Map<string, SessionKey>();
  private present = new Map<string, SessionKey>();
  /** When each remote client was last heard from. */
  private readonly lastSeen = new Map<number, number>();
  private readonly stopTicker: () => void;
  private invalidStates = 0;
  private destroyed = false;
  private readonly cards: PresenceCards;
  /** Fields shared beside the sessions (name, typing, ...), kept to rebuild the state. */
  private readonly fields = new Map<string, unknown>();
  /** The signature of the current card, null while it is being signed. */
  private signature: string | null = null;
  private away = false;
  private restoring = false;
  /** Each peer's last sessions whose card verified: they stand while a newer card is checked. */
  private readonly trusted = new Map<number, SessionKey[]>();

  constructor(awareness: Awareness, options: AwarenessPresenceOptions = {}) {
    this.awareness = awareness;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.now = options.now ?? Date.now;
    this.cards = new PresenceCards({
      context: options.context ?? '',
      signer: options.signer,
      verifier: options.verifier,
      onSettled: () => {
        this.recompute();
        this.statesChanged();
      },
    });
    const heartbeatMs = options.heartbeatMs ?? this.timeoutMs / 3;
    this.awareness.on('change', this.onChange);
    this.awareness.on('update', this.onUpdate);
    const ticker = options.ticker ?? workerTicker;
    this.stopTicker = ticker(() => this.tick(), Math.min(heartbeatMs, this.timeoutMs / 4));
    this.heartbeatEvery = heartbeatMs;
    this.present = this.derive();
  }

  private readonly heartbeatEvery: number;
  private lastHeartbeat = 0;

  /** Peers whose awareness state was malformed and so ignored. */
  get invalid(): number {
    return this.invalidStates;
  }

  sessions(): readonly SessionKey[] {
    return [...this.present.values()];
  }

  enter(session: SessionKey): void {
    if (this.destroyed) throw new Error('enter: presence is destroyed');
    const key = sessionKey(session);
    if (this.local.has(key)) return;
    this.local.set(key, { userId: session.userId, sessionId: session.sessionId });
    this.publishLocal();
  }

  exit(session: SessionKey): void {
    if (!this.local.delete(sessionKey(session))) return;
    this.publishLocal();
  }

  /** Shares another field of the local state (display name, typing) with the peers. */
  setField(field: string, value: unknown): void {
    if (this.destroyed || field === 'sessions' || field === 'v' || field === 'sig') return;
    this.fields.set(field, value);
    // A change to a signed field voids the signature until the new card is signed.
    if ((SIGNED_FIELDS as readonly string[]).includes(field)) this.signature = null;
    this.awareness.setLocalState(this.compose());
    if (this.signature === null) this.signLocal();
  }

  /** The awareness states of every tab with sessions here (peers' only once trusted). */
  states(): Map<number, Record<string, unknown>> {
    const out = new Map<number, Record<string, unknown>>();
    for (const [client, state] of this.awareness.getStates()) {
      const sessions = readSessions(state);
      if (!sessions) continue;
      if (
        client === this.awareness.clientID ||
        this.cards.check(client, state, sessions) === 'trusted'
      ) {
        out.set(client, state);
      }
    }
    return out;
  }

  /**
   * Calls `listener` whenever states() may have changed: a peer's fields (name, typing) or
   * its card becoming trusted, which a session change alone would not announce.
   */
  onStates(listener: () => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  private statesChanged(): void {
    for (const listener of [...this.stateListeners]) listener();
  }

  observe(observer: (change: PresenceChange) => void): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.local.clear();
    this.publishLocal();
    this.cards.cancel();
    this.destroyed = true;
    this.stopTicker();
    this.awareness.off('change', this.onChange);
    this.awareness.off('update', this.onUpdate);
    this.observers.clear();
    this.stateListeners.clear();
  }

  /** Withdraws the local sessions at once, as when the page is being hidden for good. */
  goodbye(): void {
    this.away = true;
    this.awareness.setLocalState(null);
  }

  /** Announces the local sessions again after goodbye() (a page restored from the cache). */
  back(): void {
    if (!this.away || this.destroyed) return;
    this.away = false;
    this.publishLocal();
  }

  /** The whole local state: this class owns it, so nothing else can lose a field of it. */
  private compose(): Record<string, unknown> {
    return {
      ...Object.fromEntries(this.fields),
      v: PRESENCE_VERSION,
      sessions: [...this.local.values()].map((s) => [s.userId, s.sessionId]),
      sig: this.signature,
    };
  }

  private publishLocal(): void {
    this.signature = null;
    this.awareness.setLocalState(this.compose());
    this.signLocal();
    // setLocalState emits 'change' synchronously; recompute in case nothing else changed.
    this.recompute();
  }

  /** Signs the current local card; the signature follows the state a moment later. */
  private signLocal(): void {
    if (this.local.size === 0) return;
    this.cards.sign(this.awareness.clientID, this.compose(), (sig) => {
      if (this.destroyed) return;
      this.signature = sig;
      if (!this.away) this.awareness.setLocalState(this.compose());
    });
  }

  private readonly onUpdate = (
    { added, updated }: { added: number[]; updated: number[]; removed: number[] },
    _origin: unknown,
  ): void => {
    const at = this.now();
    for (const client of [...added, ...updated]) {
      if (client !== this.awareness.clientID) this.lastSeen.set(client, at);
    }
  };

  private readonly onChange = (): void => {
    // Something else removed our state (y-webrtc does on disconnect): put it back, unless
    // this tab said goodbye on purpose.
    if (this.awareness.getLocalState() === null && !this.away && this.local.size > 0) {
      if (!this.restoring) {
        this.restoring = true;
        queueMicrotask(() => {
          this.restoring = false;
          if (!this.destroyed && !this.away && this.awareness.getLocalState() === null) {
            this.awareness.setLocalState(this.compose());
          }
        });
      }
    }
    this.recompute();
    this.statesChanged();
  };

  private tick(): void {
    const at = this.now();
    // Re-send the local state so peers know this tab is alive, hidden or not.
    if (at - this.lastHeartbeat >= this.heartbeatEvery * 0.9) {
      this.lastHeartbeat = at;
      const state = this.awareness.getLocalState();
      if (state !== null && this.local.size > 0) this.awareness.setLocalState(state);
    }
    const expired: number[] = [];
    for (const client of this.awareness.getStates().keys()) {
      if (client === this.awareness.clientID) continue;
      const seen = this.lastSeen.get(client);
      if (seen === undefined) this.lastSeen.set(client, at);
      else if (at - seen > this.timeoutMs) expired.push(client);
    }
    for (const client of expired) this.lastSeen.delete(client);
    if (expired.length > 0) removeAwarenessStates(this.awareness, expired, 'timeout');
  }

  private derive(): Map<string, SessionKey> {
    const next = new Map<string, SessionKey>(this.local);
    let invalid = 0;
    for (const [client, state] of this.awareness.getStates()) {
      if (client === this.awareness.clientID) continue;
      const sessions = readSessions(state);
      if (!sessions) {
        if (Object.keys(state).length > 0) invalid += 1;
        this.trusted.delete(client);
        continue;
      }
      const verdict = this.cards.check(client, state, sessions);
      if (verdict === 'trusted') this.trusted.set(client, sessions);
      else if (verdict === 'invalid') {
        invalid += 1;
        this.trusted.delete(client);
      }
      for (const session of this.trusted.get(client) ?? []) next.set(sessionKey(session), session);
    }
    const states = this.awareness.getStates();
    for (const client of this.trusted.keys()) if (!states.has(client)) this.trusted.delete(client);
    this.invalidStates = invalid;
    return next;
  }

  private recompute(): void {
    if (this.destroyed) return;
    const next = this.derive();
    const added = [...next].filter(([key]) => !this.present.has(key)).map(([, s]) => s);
    const removed = [...this.present].filter(([key]) => !next.has(key)).map(([, s]) => s);
    this.present = next;
    if (added.length === 0 && removed.length === 0) return;
    const change = { added, removed };
    for (const observer of [...this.observers]) observer(change);
  }
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
