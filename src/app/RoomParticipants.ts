// Who is in one open room as its view model shows them: the present users with their names
// and tags, who is typing (marks go stale after a while), and the peer cards that DMs read.
// It reads the room's presence; RoomState owns it and asks it for each snapshot.
import { readPeerCard, type PeerCard } from '../direct/DirectMessages';
import { tagOf, type NameBook } from './NameBook';
import type { Participant } from './RoomSnapshot';
import type { RoomSource } from './RoomSource';

export interface RoomParticipantsOptions {
  readonly names: NameBook;
  readonly now: () => number;
  /** A typing mark older than this is stale. */
  readonly typingTtlMs: number;
  /** Least time between two typing marks sent. */
  readonly typingThrottleMs: number;
  /** Called when what participants() returns changes by itself (a typing mark went stale). */
  readonly changed: () => void;
  readonly destroyed: () => boolean;
}

/** The present users of one room, their typing marks and this user's own. */
export class RoomParticipants {
  private readonly source: RoomSource;
  private readonly userId: string;
  private readonly options: RoomParticipantsOptions;
  /** userId -> [last typing value seen, local time it changed]. */
  private readonly typingSeen = new Map<string, [number, number]>();
  private lastTypingSent = 0;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(source: RoomSource, options: RoomParticipantsOptions) {
    this.source = source;
    this.userId = source.userId;
    this.options = options;
  }

  /** Tells peers this user is typing; throttled, so call it on every keystroke. */
  typing(): void {
    const at = this.options.now();
    if (at - this.lastTypingSent < this.options.typingThrottleMs) return;
    this.lastTypingSent = at;
    this.source.presence.setField('typing', at);
  }

  /** Tells peers this user stopped typing (the box was emptied, or a send was refused). */
  stopTyping(): void {
    if (this.lastTypingSent === 0) return;
    this.sent();
  }

  /** This user sent a message: they are not typing any more. */
  sent(): void {
    this.lastTypingSent = 0;
    this.source.presence.setField('typing', 0);
  }

  /** The DM-related fields of every peer state here (not this tab's own). */
  peerCards(): PeerCard[] {
    const cards: PeerCard[] = [];
    for (const [client, state] of this.source.presence.states()) {
      if (client === this.source.awareness.clientID) continue;
      const card = readPeerCard(state);
      if (card && card.userId !== this.userId) cards.push(card);
    }
    return cards;
  }

  /** Learns names and typing marks from the awareness states. */
  readPresence(): void {
    const at = this.options.now();
    // A user typing in one tab is typing, whatever another of their tabs last said.
    const typingOf = new Map<string, number>();
    for (const state of this.source.presence.states().values()) {
      const card = readPeerCard(state);
      if (!card) continue;
      // The time the card was signed, so that a replayed older card renames nobody.
      const signedAt = typeof state.t === 'number' ? state.t : undefined;
      if (card.name) this.options.names.learn(card.userId, card.name, signedAt);
      const typing = typeof state.typing === 'number' ? state.typing : 0;
      typingOf.set(card.userId, Math.max(typing, typingOf.get(card.userId) ?? 0));
    }
    for (const [userId, typing] of typingOf) {
      const seen = this.typingSeen.get(userId);
      if (!seen || seen[0] !== typing) this.typingSeen.set(userId, [typing, at]);
    }
  }

  /** The users present now, this user first, then by label. */
  participants(): Participant[] {
    const at = this.options.now();
    let nextExpiry = Infinity;
    const list = this.source.hub.participants().map((member): Participant => {
      const typing = this.isTyping(member.userId, at);
      if (typing) {
        const seen = this.typingSeen.get(member.userId);
        nextExpiry = Math.min(nextExpiry, (seen?.[1] ?? at) + this.options.typingTtlMs);
      }
      return {
        userId: member.userId,
        label: this.options.names.label(member.userId),
        tag: tagOf(member.userId),
        self: member.userId === this.userId,
        tabs: member.sessionIds.length,
        typing,
      };
    });
    // Re-render when the oldest typing mark goes stale, even if nothing else happens.
    if (this.typingTimer !== undefined) clearTimeout(this.typingTimer);
    this.typingTimer = undefined;
    if (nextExpiry < Infinity && !this.options.destroyed()) {
      this.typingTimer = setTimeout(
        () => this.options.changed(),
        Math.max(0, nextExpiry - at) + 20,
      );
    }
    return list.sort((a, b) => Number(b.self) - Number(a.self) || a.label.localeCompare(b.label));
  }

  destroy(): void {
    if (this.typingTimer !== undefined) clearTimeout(this.typingTimer);
  }

  private isTyping(userId: string, at: number): boolean {
    const seen = this.typingSeen.get(userId);
    return seen !== undefined && seen[0] > 0 && at - seen[1] < this.options.typingTtlMs;
  }
}
