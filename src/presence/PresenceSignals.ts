import { LruMap } from './LruMap';
import {
  MAX_CARDS_ANSWERED,
  RELAY_MS,
  SIGNAL_BURST,
  SIGNAL_PER_SECOND,
  TYPING_GAP_MS,
  TYPING_SKEW_MS,
  WANT_GAP_MS,
  type SignalHost,
  type SignalLinks,
  type SignalStats,
} from './signalHost';
import {
  beatBytes,
  decodeSignals,
  encodeSignals,
  typingBytes,
  type Beat,
  type Signal,
  type Typing,
} from './signalWire';
import { TokenBucket } from './TokenBucket';

/**
 * Presence beside the cards: a **beat** renews a card without resending it (about 90 bytes,
 * signed by the card's user, naming the card's `t`, so a replayed or forged beat renews
 * nobody and a beat for an older card than the standing one, as a goodbye, renews nothing);
 * beats travel to every member, relayed hop by hop and gathered per link. A **typing**
 * signal, signed too, goes to direct neighbours only and is never relayed. A reader that gets
 * a beat for a card it lacks asks the sender for it; the card may then be older than a card
 * alone may be (see vouch).
 */
export class PresenceSignals {
  readonly stats: SignalStats = {
    beats: 0,
    typing: 0,
    old: 0,
    stale: 0,
    invalid: 0,
    throttled: 0,
    unknown: 0,
    undecodable: 0,
  };
  private links: SignalLinks | undefined;
  /** The newest verified beat of each client (this tab's own too), for new neighbours. */
  private readonly newest = new LruMap<number, Beat>(1024);
  /** Beats for cards not held yet, with who sent them; they vouch for the card when it comes. */
  private readonly pending = new LruMap<number, Beat>(1024);
  private readonly wanted = new LruMap<number, number>(1024);
  private readonly typingAt = new LruMap<number, number>(1024);
  private readonly budgets = new WeakMap<object, TokenBucket>();
  private readonly greeted = new WeakSet<object>();
  private relay: { beat: Beat; sender: object }[] = [];
  private relayTimer: ReturnType<typeof setTimeout> | undefined;
  private lastAt = 0;
  private typingSentAt = -Infinity;
  private typingLater: ReturnType<typeof setTimeout> | undefined;
  private destroyed = false;

  constructor(private readonly host: SignalHost) {}

  /** Whether links are attached: then beats replace card renewals, and typing leaves the card. */
  get attached(): boolean {
    return this.links !== undefined;
  }

  attach(links: SignalLinks): void {
    this.links = links;
  }

  /** Sends a signed beat renewing this tab's card of time `t`, announcing interval `iv`. */
  beat(t: number, iv: number): void {
    const signer = this.host.signer;
    if (!signer || !this.links) return;
    const client = this.host.clientId();
    this.lastAt = Math.max(this.host.now(), this.lastAt + 1);
    const fields = { client, t, at: this.lastAt, iv };
    void signer.sign(beatBytes(this.host.context, fields)).then(
      (sig) => {
        if (this.destroyed) return;
        const beat: Beat = { kind: 'beat', ...fields, sig };
        this.newest.set(client, beat);
        this.links?.send(encodeSignals([beat]), {});
      },
      () => undefined,
    );
  }

  /** Tells direct neighbours this user is typing (or stopped), at most once per gap. */
  typing(on: boolean): void {
    if (!this.links || !this.host.signer) return;
    if (this.typingLater !== undefined) clearTimeout(this.typingLater);
    this.typingLater = undefined;
    const wait = this.typingSentAt + TYPING_GAP_MS - this.host.now();
    if (wait > 0) {
      this.typingLater = setTimeout(() => {
        this.typingLater = undefined;
        this.typing(on);
      }, wait);
      return;
    }
    this.typingSentAt = this.host.now();
    const signer = this.host.signer;
    this.lastAt = Math.max(this.host.now(), this.lastAt + 1);
    const fields = { client: this.host.clientId(), at: this.lastAt, on };
    void signer.sign(typingBytes(this.host.context, fields)).then(
      (sig) => {
        if (!this.destroyed)
          this.links?.send(encodeSignals([{ kind: 'typing', ...fields, sig }]), {});
      },
      () => undefined,
    );
  }

  /** A neighbour was heard from for the first time: it learns the newest beats held here. */
  greet(sender: object): void {
    if (this.greeted.has(sender) || !this.links) return;
    this.greeted.add(sender);
    const beats = [...this.newest.values()].filter((b) => this.host.fresh(b.at));
    if (beats.length > 0) this.links.send(encodeSignals(beats), { only: sender });
  }

  /** Takes a frame of signals from `sender` (one connection, or the tabs). Never throws. */
  receive(frame: Uint8Array, sender: object): void {
    if (this.destroyed) return;
    const signals = decodeSignals(frame);
    if (!signals) return void (this.stats.undecodable += 1);
    const wants: number[] = [];
    const asks: number[] = [];
    for (const signal of signals) this.take(signal, sender, wants, asks);
    if (asks.length > 0 && this.links) {
      this.links.send(encodeSignals(asks.map((client) => ({ kind: 'want', client }))), {
        only: sender,
      });
    }
    const update =
      wants.length > 0 ? this.host.encodeCards(wants.slice(0, MAX_CARDS_ANSWERED)) : undefined;
    if (update && this.links)
      this.links.send(encodeSignals([{ kind: 'cards', update }]), { only: sender });
  }

  /**
   * Whether a verified, fresh beat vouches for `client`'s card of time `t` by `userId`: such a
   * card is taken even when older than a card alone may be (a member whose card has not
   * changed for long renews it by beats only), or when it was held before and expired here.
   */
  vouch(client: number, t: number, userId: string): Promise<boolean> | undefined {
    const beat = this.pending.get(client);
    if (!beat || beat.t !== t || !this.host.fresh(beat.at)) return undefined;
    return this.verify(userId, beatBytes(this.host.context, beat), beat.sig).then((ok) => {
      if (ok && this.pending.get(client) === beat) {
        this.pending.delete(client);
        this.noteBeat(beat);
      }
      return ok;
    });
  }

  destroy(): void {
    this.destroyed = true;
    if (this.relayTimer !== undefined) clearTimeout(this.relayTimer);
    if (this.typingLater !== undefined) clearTimeout(this.typingLater);
    this.relay = [];
    this.links = undefined;
  }

  private take(signal: Signal, sender: object, wants: number[], asks: number[]): void {
    switch (signal.kind) {
      case 'beat':
        this.takeBeat(signal, sender, asks);
        break;
      case 'typing':
        this.takeTyping(signal, sender);
        break;
      case 'want':
        wants.push(signal.client);
        break;
      case 'cards':
        this.host.receiveCards(signal.update, sender);
        break;
    }
  }

  private takeBeat(beat: Beat, sender: object, asks: number[]): void {
    const { stats } = this;
    if (beat.client === this.host.clientId()) return;
    if (beat.at <= (this.newest.peek(beat.client)?.at ?? -1)) return void (stats.old += 1);
    if (!this.host.fresh(beat.at)) return void (stats.stale += 1);
    const card = this.host.card(beat.client);
    if (!card || card.t < beat.t) {
      stats.unknown += 1;
      const held = this.pending.peek(beat.client);
      if (!held || held.at < beat.at) this.pending.set(beat.client, beat);
      const asked = this.wanted.peek(beat.client);
      if (asked === undefined || this.host.now() - asked >= WANT_GAP_MS) {
        this.wanted.set(beat.client, this.host.now());
        asks.push(beat.client);
      }
      return;
    }
    if (card.t > beat.t) return void (stats.old += 1);
    if (!this.budgetOf(sender).take()) return void (stats.throttled += 1);
    void this.verify(card.userId, beatBytes(this.host.context, beat), beat.sig).then((ok) => {
      if (!ok) return void (stats.invalid += 1);
      if (beat.at <= (this.newest.peek(beat.client)?.at ?? -1)) return void (stats.old += 1);
      this.noteBeat(beat);
      this.queueRelay(beat, sender);
    });
  }

  private noteBeat(beat: Beat): void {
    this.stats.beats += 1;
    this.newest.set(beat.client, beat);
    this.host.renew(beat.client, beat.iv);
  }

  private takeTyping(signal: Typing, sender: object): void {
    const { stats } = this;
    if (signal.client === this.host.clientId()) return;
    if (signal.at <= (this.typingAt.peek(signal.client) ?? -1)) return void (stats.old += 1);
    if (Math.abs(signal.at - this.host.now()) > TYPING_SKEW_MS) return void (stats.stale += 1);
    const card = this.host.card(signal.client);
    if (!card) return void (stats.unknown += 1);
    if (!this.budgetOf(sender).take()) return void (stats.throttled += 1);
    void this.verify(card.userId, typingBytes(this.host.context, signal), signal.sig).then((ok) => {
      if (!ok) return void (stats.invalid += 1);
      if (signal.at <= (this.typingAt.peek(signal.client) ?? -1)) return void (stats.old += 1);
      stats.typing += 1;
      this.typingAt.set(signal.client, signal.at);
      this.host.typing(signal.client, signal.on ? signal.at : 0);
    });
  }

  private verify(userId: string, bytes: Uint8Array, sig: Uint8Array): Promise<boolean> {
    return this.host.verifier.verify(userId, bytes, sig).catch(() => false);
  }

  private budgetOf(sender: object): TokenBucket {
    let budget = this.budgets.get(sender);
    if (!budget) {
      budget = new TokenBucket(SIGNAL_BURST, SIGNAL_PER_SECOND, () => this.host.now());
      this.budgets.set(sender, budget);
    }
    return budget;
  }

  /**
   * Relays a peer's beat to every other link, gathered with others for RELAY_MS: one frame
   * per link whoever the beats came from (a frame for each sender cost every link a native
   * send per sender). When they came from several links, each also gets its own back, which
   * it drops as old.
   */
  private queueRelay(beat: Beat, sender: object): void {
    this.relay.push({ beat, sender });
    this.relayTimer ??= setTimeout(() => {
      this.relayTimer = undefined;
      const relay = this.relay;
      this.relay = [];
      // Only beats still the newest of their client: a newer one went out meanwhile.
      const current = relay.filter(({ beat: b }) => this.newest.peek(b.client) === b);
      const first = current[0];
      if (!first) return;
      const oneSender = current.every(({ sender: s }) => s === first.sender);
      this.links?.send(
        encodeSignals(current.map(({ beat: b }) => b)),
        oneSender ? { except: first.sender } : {},
      );
    }, RELAY_MS);
  }
}
