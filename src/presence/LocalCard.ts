import type { Awareness } from 'y-protocols/awareness';
import type { Signer } from '../log/signing';
import type { SessionKey } from '../hub/ports';
import { PRESENCE_VERSION, readCard, type PresenceCards } from './PresenceCards';
import type { PresenceSignals } from './PresenceSignals';

export interface LocalCardOptions {
  readonly awareness: Awareness;
  readonly cards: PresenceCards;
  readonly signer: Signer | undefined;
  readonly now: () => number;
  /** The renewal interval for the members seen now (see renewal.ts). */
  readonly interval: () => number;
  readonly destroyed: () => boolean;
  /** The roster may have changed: derive it again. */
  readonly recompute: () => void;
}

/**
 * This tab's presence card: its sessions and shared fields, signed and published to the
 * awareness, renewed, restored when something else removes it, and the signed goodbye card
 * made beside each one.
 */
export class LocalCard {
  /** This tab's sessions, by session key. */
  readonly local = new Map<string, SessionKey>();
  /** Fields shared beside the sessions (name, typing, ...), kept to rebuild the state. */
  private readonly fields = new Map<string, unknown>();
  /** Time of the newest card this tab signed (cards are strictly newer than the last). */
  private lastT = 0;
  /**
   * Time of the newest card composed (its goodbye, signed beside it, has a later one: at least
   * one more, more when the clock moved on between the two).
   */
  private cardT = -1;
  /** A signed card with no sessions, made beside each card: what a leaving tab sends. */
  private bye: Record<string, unknown> | undefined;
  private byeT = -1;
  /** The last state published, to put back if something else removes it. */
  published: Record<string, unknown> | null = null;
  away = false;
  private restoring = false;
  /** The renewal interval the last published card announced (`iv`). */
  announcedIv = 0;

  constructor(private readonly o: LocalCardOptions) {}

  setField(field: string, value: unknown): void {
    this.fields.set(field, value);
    this.publish();
  }

  /** The local card without its signature: this class owns it, so no field gets lost. */
  private compose(t: number): Record<string, unknown> {
    const sessions = [...this.local.values()];
    this.announcedIv = this.o.interval();
    return {
      ...Object.fromEntries(this.fields),
      v: PRESENCE_VERSION,
      u: this.o.signer?.userId ?? sessions[0]?.userId ?? '',
      t,
      iv: this.announcedIv,
      sessions: sessions.map((s) => [s.userId, s.sessionId]),
    };
  }

  private nextT(): number {
    this.lastT = Math.max(this.o.now(), this.lastT + 1);
    return this.lastT;
  }

  /**
   * Publishes the current card: at once when unsigned, else once signed (a moment later;
   * a newer change meanwhile supersedes it). A goodbye card is signed beside it.
   */
  publish(): void {
    const { awareness, cards, signer } = this.o;
    if (this.o.destroyed() || this.away) return;
    const clientId = awareness.clientID;
    this.cardT = this.nextT();
    const state = this.compose(this.cardT);
    if (!signer) {
      this.setLocal({ ...state, sig: null });
      // setLocalState emits 'change' synchronously; recompute in case nothing else changed.
      this.o.recompute();
      return;
    }
    cards.sign(clientId, state, (sig) => {
      if (this.o.destroyed() || this.away) return;
      this.setLocal({ ...state, sig });
      this.o.recompute();
    });
    const byeState = { v: PRESENCE_VERSION, u: signer.userId, t: this.nextT(), sessions: [] };
    void cards.signNow(clientId, byeState)?.then(
      (sig) => {
        if (this.byeT >= byeState.t) return;
        this.byeT = byeState.t;
        this.bye = { ...byeState, sig };
      },
      () => undefined,
    );
    this.o.recompute();
  }

  private setLocal(state: Record<string, unknown>): void {
    this.published = state;
    this.o.awareness.setLocalState(state);
  }

  /** The sessions leave for good (the presence is destroyed): the goodbye card goes out. */
  leave(): void {
    this.local.clear();
    if (this.bye) this.o.awareness.setLocalState(this.bye);
    else if (this.o.signer) this.o.awareness.setLocalState(null);
    else this.publish();
  }

  /** Sends the signed goodbye card made ahead of time (see AwarenessPresence.goodbye). */
  goodbye(): void {
    this.away = true;
    this.o.cards.cancel();
    this.o.awareness.setLocalState(this.bye ?? null);
  }

  back(): void {
    if (!this.away || this.o.destroyed()) return;
    this.away = false;
    this.publish();
  }

  /**
   * Something else removed the local state (y-webrtc does on disconnect): puts it back, unless
   * this tab said goodbye on purpose.
   */
  restoreIfRemoved(): void {
    const { awareness } = this.o;
    if (awareness.getLocalState() !== null || this.away || !this.published) return;
    if (this.restoring) return;
    this.restoring = true;
    queueMicrotask(() => {
      this.restoring = false;
      const state = this.published;
      if (!this.o.destroyed() && !this.away && state && awareness.getLocalState() === null) {
        awareness.setLocalState(state);
      }
    });
  }

  /**
   * Renews this tab's presence: a beat when signal links are attached and the signed card
   * standing is the newest (nothing but liveness changed), else the whole card, re-signed.
   */
  renew(signals: PresenceSignals | undefined): void {
    const card = readCard(this.published);
    if (signals?.attached && card?.sig && card.t === this.cardT) {
      this.announcedIv = this.o.interval();
      signals.beat(card.t, this.announcedIv);
      return;
    }
    this.publish();
  }
}
