import { applyAwarenessUpdate, type Awareness } from 'y-protocols/awareness';
import { decodeAwarenessUpdate, encodeAwarenessUpdate } from './awarenessWire';
import { LruMap } from './LruMap';
import { readCard, type Card, type PresenceCards } from './PresenceCards';
import { TokenBucket } from './TokenBucket';

/** Largest awareness state accepted, in UTF-16 code units of its JSON (see LOG_SCHEMA.md). */
export const MAX_STATE_BYTES = 8 * 1024;
/** Most awareness clients (tabs) held for one room, all peers together. */
export const MAX_CLIENTS = 1024;
/** Most awareness clients one user may have in a room (tabs of one person). */
export const MAX_CLIENTS_PER_USER = 16;
/** Verifications one sender may cause at once, and per second after that. */
export const VERIFY_BURST = 256;
export const VERIFY_PER_SECOND = 32;

export interface AwarenessGateOptions {
  readonly cards: PresenceCards;
  readonly now?: () => number;
  readonly maxStateBytes?: number;
  readonly maxClients?: number;
  readonly maxClientsPerUser?: number;
  readonly verifyBurst?: number;
  readonly verifyPerSecond?: number;
  /**
   * Whether a verified, fresh beat vouches for a card that is stale, or that was held before
   * and expired here (undefined: no beat for it). See PresenceSignals.vouch.
   */
  readonly vouch?: (clientId: number, card: Card) => Promise<boolean> | undefined;
  /** Called with each sender the first time it sends an update (a new link). */
  readonly onSender?: (sender: object) => void;
}

/** What the gate did with the entries it was given, by reason. */
export interface GateStats {
  accepted: number;
  /** Entries for this tab's own client id: only this tab writes its state. */
  own: number;
  /** Removals (null states): unsigned, so anyone could send them; a tab leaves by a signed card. */
  removals: number;
  oversized: number;
  malformed: number;
  /** Not newer than the card of that client already standing (duplicates and replays). */
  old: number;
  stale: number;
  /** Over the client caps (in all, or for one user). */
  full: number;
  /** The sender had no verification left in its budget. */
  throttled: number;
  invalid: number;
  /** Whole updates that did not decode, and entries past the cap of one update. */
  undecodable: number;
  skipped: number;
}

interface Admitted {
  readonly clientId: number;
  readonly card: Card;
  readonly json: string;
}

/**
 * Stands between the network and y-protocols' Awareness, which applies any remote update to
 * any client id (this tab's own included), trusts any clock, and has no size limits. Each
 * entry of an update is checked here first and reaches the Awareness only when its card is
 * signed by the user it names, fresh, newer than that client's standing card, and within the
 * caps; it is then applied with the next local clock for that client, so a remote clock
 * (2^53, say) never freezes anyone. Removals are dropped: a tab leaves with a signed card
 * that holds no sessions, or times out. Verifications go through the shared verdict cache
 * and are budgeted per sender, so one peer's flood costs at most its budget.
 */
export class AwarenessGate {
  readonly stats: GateStats = {
    accepted: 0,
    own: 0,
    removals: 0,
    oversized: 0,
    malformed: 0,
    old: 0,
    stale: 0,
    full: 0,
    throttled: 0,
    invalid: 0,
    undecodable: 0,
    skipped: 0,
  };
  private readonly cards: PresenceCards;
  private readonly now: () => number;
  private readonly maxStateBytes: number;
  private readonly maxClients: number;
  private readonly maxClientsPerUser: number;
  private readonly verifyBurst: number;
  private readonly verifyPerSecond: number;
  private readonly budgets = new WeakMap<object, TokenBucket>();
  private readonly senders = new WeakSet<object>();
  private readonly vouch: AwarenessGateOptions['vouch'];
  private readonly onSender: AwarenessGateOptions['onSender'];
  private admitted: Admitted[] = [];
  /**
   * The state text last applied for each client: the same text again (each change reaches a
   * peer once over every link) is dropped as old before it is parsed.
   */
  private readonly applied: LruMap<number, string>;
  private flushing = false;
  private destroyed = false;

  constructor(
    private readonly awareness: Awareness,
    options: AwarenessGateOptions,
  ) {
    this.cards = options.cards;
    this.now = options.now ?? Date.now;
    this.maxStateBytes = options.maxStateBytes ?? MAX_STATE_BYTES;
    this.maxClients = options.maxClients ?? MAX_CLIENTS;
    this.maxClientsPerUser = options.maxClientsPerUser ?? MAX_CLIENTS_PER_USER;
    this.verifyBurst = options.verifyBurst ?? VERIFY_BURST;
    this.verifyPerSecond = options.verifyPerSecond ?? VERIFY_PER_SECOND;
    this.vouch = options.vouch;
    this.onSender = options.onSender;
    this.applied = new LruMap(this.maxClients);
  }

  /** Takes an awareness update received from `sender` (one connection). Never throws. */
  receive(update: Uint8Array, sender: object): void {
    if (this.destroyed) return;
    const decoded = decodeAwarenessUpdate(update, this.maxClients);
    if (!decoded) {
      this.stats.undecodable += 1;
      return;
    }
    this.stats.skipped += decoded.skipped;
    for (const { clientId, json } of decoded.entries) this.take(clientId, json, sender);
    if (!this.senders.has(sender)) {
      this.senders.add(sender);
      this.onSender?.(sender);
    }
  }

  destroy(): void {
    this.destroyed = true;
    this.admitted = [];
  }

  private take(clientId: number, json: string, sender: object): void {
    const { stats } = this;
    if (clientId === this.awareness.clientID) return void (stats.own += 1);
    if (json.length > this.maxStateBytes) return void (stats.oversized += 1);
    if (this.applied.peek(clientId) === json && this.awareness.getStates().has(clientId)) {
      return void (stats.old += 1);
    }
    let state: unknown;
    try {
      state = JSON.parse(json);
    } catch {
      return void (stats.malformed += 1);
    }
    if (state === null) return void (stats.removals += 1);
    const card = readCard(state);
    if (!card || typeof state !== 'object' || Array.isArray(state)) {
      return void (stats.malformed += 1);
    }
    const record = state as Record<string, unknown>;
    const newer = this.cards.isNewer(clientId, card.t);
    if (newer && this.cards.fresh(card.t, card.iv)) {
      this.judge(clientId, record, card, json, sender);
      return;
    }
    // A card renewed by beats alone grows old, and one that expired here comes back unchanged:
    // a verified, fresh beat for it vouches for it. Anything else is a replay or stale.
    const vouched =
      newer || this.cards.isNewest(clientId, card.t) ? this.vouch?.(clientId, card) : undefined;
    if (!vouched) {
      if (newer) stats.stale += 1;
      else stats.old += 1;
      return;
    }
    void vouched.then((ok) => {
      if (ok) this.judge(clientId, record, card, json, sender);
      else stats.stale += 1;
    });
  }

  private judge(
    clientId: number,
    record: Record<string, unknown>,
    card: Card,
    json: string,
    sender: object,
  ): void {
    const { stats } = this;
    const states = this.awareness.getStates();
    if (!states.has(clientId) && states.size >= this.maxClients) return void (stats.full += 1);
    void this.cards.judge(clientId, record, card, this.budgetOf(sender)).then((verdict) => {
      if (verdict === 'throttled') stats.throttled += 1;
      else if (verdict !== 'trusted') stats.invalid += 1;
      else this.admit({ clientId, card, json });
    });
  }

  private budgetOf(sender: object): TokenBucket {
    let budget = this.budgets.get(sender);
    if (!budget) {
      budget = new TokenBucket(this.verifyBurst, this.verifyPerSecond, this.now);
      this.budgets.set(sender, budget);
    }
    return budget;
  }

  /** Applies trusted cards together, once the verifications of this turn have settled. */
  private admit(entry: Admitted): void {
    this.admitted.push(entry);
    if (this.flushing) return;
    this.flushing = true;
    queueMicrotask(() => {
      this.flushing = false;
      this.flush();
    });
  }

  private flush(): void {
    const batch = this.admitted;
    this.admitted = [];
    if (this.destroyed || batch.length === 0) return;
    const states = this.awareness.getStates();
    const perUser = new Map<string, number>();
    for (const [clientId, state] of states) {
      const user = readCard(state)?.userId;
      if (user && clientId !== this.awareness.clientID) {
        perUser.set(user, (perUser.get(user) ?? 0) + 1);
      }
    }
    const newest = new Map<number, Admitted>();
    for (const entry of batch) {
      const other = newest.get(entry.clientId);
      if (!other || other.card.t < entry.card.t) newest.set(entry.clientId, entry);
    }
    const out: { clientId: number; clock: number; json: string }[] = [];
    let size = states.size;
    for (const entry of newest.values()) {
      const standing = states.get(entry.clientId);
      const standingCard = standing === undefined ? undefined : readCard(standing);
      if (standingCard && standingCard.t >= entry.card.t) {
        this.stats.old += 1;
        continue;
      }
      if (standing === undefined) {
        const mine = perUser.get(entry.card.userId) ?? 0;
        if (size >= this.maxClients || mine >= this.maxClientsPerUser) {
          this.stats.full += 1;
          continue;
        }
        perUser.set(entry.card.userId, mine + 1);
        size += 1;
      }
      this.cards.noteTrusted(entry.clientId, entry.card.t);
      this.applied.set(entry.clientId, entry.json);
      const clock = (this.awareness.meta.get(entry.clientId)?.clock ?? 0) + 1;
      out.push({ clientId: entry.clientId, clock, json: entry.json });
      this.stats.accepted += 1;
    }
    if (out.length > 0) applyAwarenessUpdate(this.awareness, encodeAwarenessUpdate(out), this);
  }
}
