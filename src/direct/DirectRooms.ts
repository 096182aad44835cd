// Direct-message rooms as the app keeps them: which peers' key agreement keys are verified,
// the DM room with a peer (found or added), invitations seen in shared rooms and accepted,
// and this user's own invitations published where the invited peer is present.
import type { DhKeys } from './DhKeys';
import type { SignatureVerifier } from '../log/signing';
import { dmPassword, dmRoomId, verifiedDhKey, DM_FIELD } from './DirectMessages';
import type { RoomRecord } from '../app/RoomDirectory';
import type { RoomState } from '../app/RoomState';
import type { Settings } from '../app/Settings';

/** What DirectRooms needs from the application. */
export interface DirectRoomsHost {
  readonly userId: string;
  /** The joined rooms now. */
  records(): readonly RoomRecord[];
  /** The rooms open (live) now. */
  liveRooms(): Iterable<RoomState>;
  /** Adds a room to the joined rooms; resolves to the record kept. */
  add(record: RoomRecord): Promise<RoomRecord>;
  /** Opens a joined room in the background (a peer started a DM with us). */
  open(record: RoomRecord): void;
  /** Something the UI shows has changed. */
  changed(): void;
}

export interface DirectRoomsOptions {
  readonly dh: DhKeys;
  readonly verifier: SignatureVerifier;
  readonly settings: Settings;
  readonly now: () => number;
}

/** The DM side of the application state. */
export class DirectRooms {
  private readonly host: DirectRoomsHost;
  private readonly options: DirectRoomsOptions;
  /** Verified X25519 keys of peers, by userId. */
  private readonly keys = new Map<string, string>();
  private readonly checking = new Set<string>();
  private readonly accepting = new Set<string>();
  private readonly published = new WeakMap<RoomState, string>();

  constructor(host: DirectRoomsHost, options: DirectRoomsOptions) {
    this.host = host;
    this.options = options;
  }

  /** Whether a DM can be opened with `userId` (their signed key agreement key is known). */
  canMessage(userId: string): boolean {
    return userId !== this.host.userId && this.keys.has(userId);
  }

  /** The DM room with a peer whose key is verified: the joined one, or a new one added. */
  async roomWith(peerUserId: string): Promise<RoomRecord | undefined> {
    const existing = this.existing(peerUserId);
    if (existing) return existing;
    const fresh = await this.derive(peerUserId);
    return fresh ? this.host.add(fresh) : undefined;
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
      if (card.invites.includes(this.host.userId) && this.keys.has(card.userId)) {
        void this.accept(card.userId);
      }
    }
    this.publish();
  }

  /**
   * Publishes, in each live room, the DM peers who are present there: so each learns of the
   * DM without a link, and nobody else learns who talks to whom.
   */
  publish(): void {
    const peers = new Set(
      this.host.records().flatMap((r) => (r.kind === 'dm' && r.peerUserId ? [r.peerUserId] : [])),
    );
    for (const room of this.host.liveRooms()) {
      const present = room
        .presentUserIds()
        .filter((id) => peers.has(id))
        .sort();
      const value = JSON.stringify(present);
      if (value === this.published.get(room)) continue;
      this.published.set(room, value);
      room.publish(DM_FIELD, present);
    }
  }

  /** A peer opened a DM with us: add its room and open it (unless we left it). */
  private async accept(peerUserId: string): Promise<void> {
    if (this.existing(peerUserId) || this.accepting.has(peerUserId)) return;
    this.accepting.add(peerUserId);
    try {
      const fresh = await this.derive(peerUserId);
      if (!fresh || this.options.settings.hasLeft(fresh.roomId)) return;
      this.host.open(await this.host.add(fresh));
      this.host.changed();
    } finally {
      this.accepting.delete(peerUserId);
    }
  }

  private existing(peerUserId: string): RoomRecord | undefined {
    return this.host.records().find((r) => r.kind === 'dm' && r.peerUserId === peerUserId);
  }

  /** The record of the DM room with a peer, id and password derived; not yet added. */
  private async derive(peerUserId: string): Promise<RoomRecord | undefined> {
    const peerKey = this.keys.get(peerUserId);
    if (!peerKey || peerUserId === this.host.userId) return undefined;
    const roomId = await dmRoomId(this.host.userId, peerUserId);
    const password = await dmPassword(this.options.dh, peerKey, roomId);
    if (!password) return undefined;
    return {
      roomId,
      kind: 'dm',
      title: 'Direct message',
      peerUserId,
      password,
      joinedAt: this.options.now(),
      lastReadAt: 0,
    };
  }
}
