// Direct-message rooms as the app keeps them: which peers' key agreement keys are verified,
// the DM room with a peer (found or added), invitations seen in shared rooms (pending until
// the user accepts or ignores them), and this user's own invitations published where the
// invited peer is present.
import type { DhKeys } from './DhKeys';
import type { SignatureVerifier } from '../log/signing';
import { dmSecrets, inviteToken, verifiedDhKey, INVITE_FIELD } from './DirectMessages';
import type { RoomRecord } from '../app/RoomDirectory';
import type { RoomState } from '../app/RoomState';
import type { Settings } from '../app/Settings';

/** At most this many invitations wait for an answer; later ones are not listed. */
export const MAX_PENDING_INVITATIONS = 10;

/** What DirectRooms needs from the application. */
export interface DirectRoomsHost {
  readonly userId: string;
  /** The joined rooms now. */
  records(): readonly RoomRecord[];
  /** The rooms open (live) now. */
  liveRooms(): Iterable<RoomState>;
  /** Adds a room to the joined rooms; resolves to the record kept. */
  add(record: RoomRecord): Promise<RoomRecord>;
  /** Opens a joined room in the background (the user accepted an invitation). */
  open(record: RoomRecord): void;
  /** Something the UI shows has changed. */
  changed(): void;
}

export interface DirectRoomsOptions {
  /** The key of direct messages, or its load (first awaited by an invitation). */
  readonly dh: DhKeys | Promise<DhKeys>;
  readonly verifier: SignatureVerifier;
  readonly settings: Settings;
  readonly now: () => number;
}

/** A peer's invitation to a DM, waiting for the user's answer. */
export interface Invitation {
  readonly peerUserId: string;
  /** The room where the invitation was seen. */
  readonly seenIn: string;
}

/** The DM side of the application state. */
export class DirectRooms {
  private readonly host: DirectRoomsHost;
  private readonly options: DirectRoomsOptions;
  /** Verified X25519 keys of peers, by userId. */
  private readonly keys = new Map<string, string>();
  private readonly checking = new Set<string>();
  /** Invitation tokens computed, by `${roomId}|${inviter}|${invitee}`. */
  private readonly tokens = new Map<string, Promise<string | undefined>>();
  private readonly waiting = new Map<string, Invitation>();
  private readonly published = new WeakMap<RoomState, string>();

  constructor(host: DirectRoomsHost, options: DirectRoomsOptions) {
    this.host = host;
    this.options = options;
  }

  /** Whether a DM can be opened with `userId` (their signed key agreement key is known). */
  canMessage(userId: string): boolean {
    return userId !== this.host.userId && this.keys.has(userId);
  }

  /** Invitations waiting for the user's answer, oldest first. */
  invitations(): Invitation[] {
    return [...this.waiting.values()];
  }

  /** The DM room with a peer whose key is verified: the joined one, or a new one added. */
  async roomWith(peerUserId: string): Promise<RoomRecord | undefined> {
    const fresh = await this.derive(peerUserId);
    if (!fresh) return undefined;
    const existing = this.host.records().find((r) => r.roomId === fresh.roomId);
    return existing ?? this.host.add(fresh);
  }

  /** The user accepts a peer's invitation: the DM room is added and opened. */
  async accept(peerUserId: string): Promise<RoomRecord | undefined> {
    if (!this.waiting.delete(peerUserId)) return undefined;
    this.host.changed();
    const record = await this.roomWith(peerUserId);
    if (!record) return undefined;
    this.options.settings.setLeft(record.roomId, false);
    this.host.open(record);
    this.publish();
    return record;
  }

  /** The user ignores a peer's invitation: it is not listed again (until the peer's next DM). */
  async ignore(peerUserId: string): Promise<void> {
    if (!this.waiting.delete(peerUserId)) return;
    this.host.changed();
    const fresh = await this.derive(peerUserId);
    if (fresh) this.options.settings.setLeft(fresh.roomId, true);
  }

  /** Reads a room's peers after an awareness change: their keys, and invitations to us. */
  seen(room: RoomState): void {
    for (const card of room.peerCards()) {
      const key = `${card.userId}:${JSON.stringify(card.dh)}`;
      if (!this.keys.has(card.userId) && !this.checking.has(key) && card.dh !== undefined) {
        this.checking.add(key);
        void verifiedDhKey(card.dh, card.userId, this.options.verifier).then((dhKey) => {
          this.checking.delete(key);
          if (!dhKey) return;
          this.keys.set(card.userId, dhKey);
          this.seen(room);
          this.host.changed();
        });
      }
      if (card.invites.length > 0 && this.keys.has(card.userId)) {
        void this.checkInvitation(room.roomId, card.userId, card.invites);
      }
    }
    this.publish();
  }

  /**
   * Publishes, in each live room, one invitation token for each DM peer present there: so
   * each learns of the DM without a link, and nobody else learns who talks to whom.
   */
  publish(): void {
    const peers = new Set(
      this.host.records().flatMap((r) => (r.kind === 'dm' && r.peerUserId ? [r.peerUserId] : [])),
    );
    for (const room of this.host.liveRooms()) {
      const present = room
        .presentUserIds()
        .filter((id) => peers.has(id) && this.keys.has(id))
        .sort();
      void Promise.all(present.map((peer) => this.token(room.roomId, this.host.userId, peer))).then(
        (tokens) => {
          const value = tokens.filter((t): t is string => t !== undefined).sort();
          const text = JSON.stringify(value);
          if (text === this.published.get(room)) return;
          this.published.set(room, text);
          room.publish(INVITE_FIELD, value);
        },
      );
    }
  }

  /** Lists a peer's invitation to us if one of its tokens is ours and we have no such DM. */
  private async checkInvitation(
    roomId: string,
    peerUserId: string,
    tokens: readonly string[],
  ): Promise<void> {
    if (this.waiting.has(peerUserId) || this.waiting.size >= MAX_PENDING_INVITATIONS) return;
    const mine = await this.token(roomId, peerUserId, this.host.userId);
    if (!mine || !tokens.includes(mine)) return;
    const fresh = await this.derive(peerUserId);
    if (!fresh || this.host.records().some((r) => r.roomId === fresh.roomId)) return;
    if (this.options.settings.hasLeft(fresh.roomId)) return;
    if (this.waiting.has(peerUserId) || this.waiting.size >= MAX_PENDING_INVITATIONS) return;
    this.waiting.set(peerUserId, { peerUserId, seenIn: roomId });
    this.host.changed();
  }

  private token(roomId: string, inviter: string, invitee: string): Promise<string | undefined> {
    const peer = inviter === this.host.userId ? invitee : inviter;
    const peerKey = this.keys.get(peer);
    if (!peerKey) return Promise.resolve(undefined);
    const key = `${roomId}|${inviter}|${invitee}`;
    let token = this.tokens.get(key);
    if (!token) {
      token = Promise.resolve(this.options.dh).then((dh) =>
        inviteToken(dh, peerKey, roomId, inviter, invitee),
      );
      this.tokens.set(key, token);
    }
    return token;
  }

  /** The record of the DM room with a peer, id and password derived; not yet added. */
  private async derive(peerUserId: string): Promise<RoomRecord | undefined> {
    const peerKey = this.keys.get(peerUserId);
    if (!peerKey || peerUserId === this.host.userId) return undefined;
    const secrets = await dmSecrets(await this.options.dh, peerKey, this.host.userId, peerUserId);
    if (!secrets) return undefined;
    return {
      roomId: secrets.roomId,
      kind: 'dm',
      title: 'Direct message',
      peerUserId,
      password: secrets.password,
      joinedAt: this.options.now(),
      lastReadAt: 0,
    };
  }
}
