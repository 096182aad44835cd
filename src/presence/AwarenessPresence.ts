import { encodeAwarenessUpdate, type Awareness } from 'y-protocols/awareness';
import type { Signer } from '../log/signing';
import { sessionKey, type PresenceChange, type PresencePort, type SessionKey } from '../hub/ports';
import { AwarenessGate } from './AwarenessGate';
import type { AwarenessPresenceOptions } from './awarenessPresenceOptions';
import { LocalCard } from './LocalCard';
import { PRESENCE_VERSION, PresenceCards, readSessions } from './PresenceCards';
import { PresenceSignals } from './PresenceSignals';
import type { SignalLinks } from './signalHost';
import { PeerExpiry } from './PeerExpiry';
import { TrustedCards } from './TrustedCards';
import { renewalMs } from './renewal';
import { workerTicker } from './Ticker';

export { PRESENCE_VERSION, readSessions };

/**
 * The PresencePort over y-protocols awareness. The local awareness state carries this tab's
 * sessions as `sessions: [userId, sessionId][]` beside whatever else the UI shares (name,
 * typing); the set of present sessions is derived by diffing all trusted states' sessions
 * after each change, so each transition is reported once however the awareness events arrive.
 *
 * With a signer, every state this tab publishes is a card signed over all its fields and a
 * time, re-signed at each heartbeat; with a verifier, a peer counts only through its last
 * trusted card, which stands until a newer trusted card replaces it or it expires: a state
 * that fails to verify changes nothing. `gate` then screens what the network delivers before
 * the awareness applies it (see AwarenessGate).
 */
export class AwarenessPresence implements PresencePort {
  private readonly awareness: Awareness;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly observers = new Set<(change: PresenceChange) => void>();
  private readonly stateListeners = new Set<() => void>();
  private present = new Map<string, SessionKey>();
  /** When each remote client's standing card was last renewed, and when it is gone. */
  private readonly expiry: PeerExpiry;
  private readonly stopTicker: () => void;
  private destroyed = false;
  private readonly cards: PresenceCards;
  private readonly signer: Signer | undefined;
  /** Screens network awareness updates; present when cards are verified. */
  readonly gate: AwarenessGate | undefined;
  /** This tab's own card. */
  private readonly card: LocalCard;
  /** Each peer's last trusted card: its sessions stand while a newer card is checked. */
  private readonly trusted: TrustedCards;
  /** Beats and typing beside the cards; present when cards are verified. */
  private readonly signals: PresenceSignals | undefined;
  /** This tab's typing value, once typing travels as signals. */
  private ownTyping: unknown;

  constructor(awareness: Awareness, options: AwarenessPresenceOptions = {}) {
    this.awareness = awareness;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.now = options.now ?? Date.now;
    this.signer = options.signer;
    this.cards = new PresenceCards({
      context: options.context ?? '',
      signer: options.signer,
      verifier: options.verifier,
      now: this.now,
      ...(options.maxCardAgeMs === undefined ? {} : { maxAgeMs: options.maxCardAgeMs }),
      onSettled: () => {
        this.recompute();
        this.statesChanged();
      },
    });
    this.trusted = new TrustedCards(this.cards, (client) => {
      if (this.cards.verifying) this.expiry.seen(client, this.now());
    });
    const verifier = options.verifier;
    this.signals = verifier
      ? new PresenceSignals({
          context: options.context ?? '',
          signer: options.signer,
          verifier,
          now: this.now,
          clientId: () => this.awareness.clientID,
          fresh: (at) => this.cards.fresh(at),
          card: (client) => this.trusted.cardOf(client),
          renew: (client, iv) => {
            if (!this.trusted.has(client)) return;
            this.expiry.renewed(client, iv, this.now());
          },
          typing: (client, at) => {
            this.trusted.typingOf.set(client, at);
            this.statesChanged();
          },
          encodeCards: (clients) => {
            const held = clients.filter(
              (c) => this.trusted.has(c) || (c === this.awareness.clientID && this.card.published),
            );
            return held.length > 0 ? encodeAwarenessUpdate(this.awareness, held) : undefined;
          },
          receiveCards: (update, sender) => this.gate?.receive(update, sender),
        })
      : undefined;
    this.gate = options.verifier
      ? new AwarenessGate(awareness, {
          ...options.gate,
          cards: this.cards,
          now: this.now,
          vouch: (client, card) => this.signals?.vouch(client, card.t, card.userId),
          onSender: (sender) => this.signals?.greet(sender),
        })
      : undefined;
    this.card = new LocalCard({
      awareness,
      cards: this.cards,
      signer: this.signer,
      now: this.now,
      interval: () => this.interval(),
      destroyed: () => this.destroyed,
      recompute: () => this.recompute(),
    });
    const heartbeatMs = options.heartbeatMs ?? this.timeoutMs / 3;
    this.expiry = new PeerExpiry(heartbeatMs, this.timeoutMs);
    this.awareness.on('change', this.onChange);
    this.awareness.on('update', this.onUpdate);
    const ticker = options.ticker ?? workerTicker;
    this.stopTicker = ticker(() => this.tick(), Math.min(heartbeatMs, this.timeoutMs / 4));
    this.heartbeatEvery = heartbeatMs;
    this.present = this.derive();
  }

  private readonly heartbeatEvery: number;
  private lastHeartbeat = 0;

  /** Peers whose awareness state was malformed or failed to verify, and so was ignored. */
  get invalid(): number {
    return this.trusted.invalid;
  }

  /** Signatures verified so far (for tests and diagnostics). */
  get verifications(): number {
    return this.cards.verifications;
  }

  sessions(): readonly SessionKey[] {
    return [...this.present.values()];
  }

  enter(session: SessionKey): void {
    if (this.destroyed) throw new Error('enter: presence is destroyed');
    const key = sessionKey(session);
    if (this.card.local.has(key)) return;
    this.card.local.set(key, { userId: session.userId, sessionId: session.sessionId });
    this.card.publish();
  }

  exit(session: SessionKey): void {
    if (!this.card.local.delete(sessionKey(session))) return;
    this.card.publish();
  }

  /** Shares another field of the local state (display name, typing) with the peers. */
  setField(field: string, value: unknown): void {
    if (this.destroyed || ['sessions', 'v', 'sig', 'u', 't', 'iv'].includes(field)) return;
    this.card.setField(field, value);
  }

  /**
   * Tells direct neighbours this user is typing (a value > 0) or stopped, as a signed typing
   * signal (throttled, never relayed) instead of in the card. Needs signal links attached.
   * The app still sends typing in the card: in the UI end-to-end test, "is typing" did not
   * always show this way (not understood yet).
   */
  signalTyping(value: number): void {
    if (this.destroyed || !this.signals?.attached || !this.signer) return;
    this.ownTyping = value;
    this.signals.typing(value > 0);
    this.statesChanged();
  }

  /**
   * Where beats and typing signals go (direct neighbours, the tabs of this browser). Until
   * links are attached, cards are renewed whole and typing rides in them.
   */
  attachSignals(links: SignalLinks): void {
    this.signals?.attach(links);
  }

  /** A frame of presence signals from `sender` (a connection, or the tabs). Never throws. */
  receiveSignals(frame: Uint8Array, sender: object): void {
    this.signals?.receive(frame, sender);
  }

  /** What the signals did (for tests and diagnostics). */
  get signalStats(): PresenceSignals['stats'] | undefined {
    return this.signals?.stats;
  }

  /**
   * The awareness states of every tab with sessions here: this tab's own, and each peer's
   * last trusted card (never a state that has not verified).
   */
  states(): Map<number, Record<string, unknown>> {
    const out = new Map<number, Record<string, unknown>>();
    const own = this.awareness.getLocalState();
    if (own && (readSessions(own)?.length ?? 0) > 0) {
      out.set(
        this.awareness.clientID,
        this.ownTyping === undefined ? own : { ...own, typing: this.ownTyping },
      );
    }
    this.trusted.addStates(out);
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
    this.card.leave();
    this.cards.cancel();
    this.gate?.destroy();
    this.signals?.destroy();
    this.destroyed = true;
    this.stopTicker();
    this.awareness.off('change', this.onChange);
    this.awareness.off('update', this.onUpdate);
    this.observers.clear();
    this.stateListeners.clear();
  }

  /**
   * Withdraws the local sessions at once, as when the page is being hidden for good: sends
   * the signed goodbye card made ahead of time (a removal alone is ignored by peers, since
   * anyone could send one).
   */
  goodbye(): void {
    this.card.goodbye();
  }

  /** Announces the local sessions again after goodbye() (a page restored from the cache). */
  back(): void {
    this.card.back();
  }

  /** The renewal interval for the members seen now: this tab and the peers it trusts. */
  private interval(): number {
    return renewalMs(this.trusted.size + 1, this.heartbeatEvery);
  }

  private readonly onUpdate = (
    { added, updated }: { added: number[]; updated: number[]; removed: number[] },
    _origin: unknown,
  ): void => {
    // With cards, only a newly trusted card renews a peer (see derive); without, any update.
    if (this.cards.verifying) return;
    const at = this.now();
    for (const client of [...added, ...updated]) {
      if (client !== this.awareness.clientID) this.expiry.seen(client, at);
    }
  };

  private readonly onChange = (): void => {
    this.card.restoreIfRemoved();
    this.recompute();
    this.statesChanged();
  };

  private tick(): void {
    const at = this.now();
    // Re-send (and re-sign: cards go stale) the local state so peers know this tab is alive;
    // within the interval the last card announced, since peers time this tab out by that one.
    const every = Math.min(this.interval(), this.card.announcedIv || this.heartbeatEvery);
    if (at - this.lastHeartbeat >= every * 0.9) {
      this.lastHeartbeat = at;
      if (this.awareness.getLocalState() !== null && this.card.local.size > 0) {
        this.card.renew(this.signals);
      }
    }
    this.trusted.expire(this.awareness, this.expiry, at);
  }

  private derive(): Map<string, SessionKey> {
    return this.trusted.derive(
      this.card.local,
      this.awareness.getStates(),
      this.awareness.clientID,
    );
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
