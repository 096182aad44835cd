// The rooms this user has joined on this device: the port the app keeps them through.
// storage/IdbRoomDirectory keeps them in IndexedDB; MemoryRoomDirectory is the fake. Both run
// roomDirectoryContract.
import { isRoomId } from './RoomLink';

/** A group room anyone with the link may join, or a direct-message room of two users. */
export type RoomKind = 'group' | 'dm';

/** One joined room as remembered on this device. */
export interface RoomRecord {
  readonly roomId: string;
  readonly kind: RoomKind;
  /**
   * What the room list shows: for a group room, the name its members last gave it in the
   * room's log (signed room entries), until then `Room <id>`; for a DM, its other user.
   */
  readonly title: string;
  /** The room's password (from its link's fragment, or derived for a DM). */
  readonly password?: string;
  /** The other user of a DM room. */
  readonly peerUserId?: string;
  /** When this device joined, ms since the epoch. */
  readonly joinedAt: number;
  /** Messages written after this moment count as unread, ms since the epoch. */
  readonly lastReadAt: number;
  /** The user muted the room: it counts unread messages but never notifies. */
  readonly muted?: boolean;
}

/** The fields of a record that may change after it was added. */
export type RoomPatch = Partial<Pick<RoomRecord, 'title' | 'password' | 'lastReadAt' | 'muted'>>;

/** Where joined rooms are kept. Every method may reject (storage failure); callers decide. */
export interface RoomDirectory {
  /** Every joined room, oldest joined first. */
  list(): Promise<RoomRecord[]>;
  get(roomId: string): Promise<RoomRecord | undefined>;
  /** Adds a room; a room already present is kept as it is and returned. */
  add(room: RoomRecord): Promise<RoomRecord>;
  /** Changes a room's fields; undefined if the room is not there. */
  update(roomId: string, patch: RoomPatch): Promise<RoomRecord | undefined>;
  /** Forgets a room; nothing happens for an unknown one. */
  remove(roomId: string): Promise<void>;
}

/** Reads an untrusted stored value as a record; undefined if malformed. */
export function readRoomRecord(value: unknown): RoomRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Record<string, unknown>;
  if (typeof r.roomId !== 'string' || !isRoomId(r.roomId)) return undefined;
  if (r.kind !== 'group' && r.kind !== 'dm') return undefined;
  if (typeof r.title !== 'string' || r.title.length > 200) return undefined;
  if (!Number.isFinite(r.joinedAt) || !Number.isFinite(r.lastReadAt)) return undefined;
  if (r.password !== undefined && typeof r.password !== 'string') return undefined;
  if (r.peerUserId !== undefined && typeof r.peerUserId !== 'string') return undefined;
  if (r.muted !== undefined && typeof r.muted !== 'boolean') return undefined;
  return {
    roomId: r.roomId,
    kind: r.kind,
    title: r.title,
    joinedAt: r.joinedAt as number,
    lastReadAt: r.lastReadAt as number,
    ...(typeof r.password === 'string' && r.password ? { password: r.password } : {}),
    ...(typeof r.peerUserId === 'string' ? { peerUserId: r.peerUserId } : {}),
    ...(r.muted === true ? { muted: true } : {}),
  };
}

/** The in-memory directory: the fake for tests, and the mirror of the IndexedDB one. */
export class MemoryRoomDirectory implements RoomDirectory {
  private readonly rooms = new Map<string, RoomRecord>();

  list(): Promise<RoomRecord[]> {
    return Promise.resolve([...this.rooms.values()].sort((a, b) => a.joinedAt - b.joinedAt));
  }

  get(roomId: string): Promise<RoomRecord | undefined> {
    return Promise.resolve(this.rooms.get(roomId));
  }

  add(room: RoomRecord): Promise<RoomRecord> {
    const checked = readRoomRecord(room);
    if (!checked) return Promise.reject(new TypeError(`not a room record: ${room.roomId}`));
    const existing = this.rooms.get(room.roomId);
    if (existing) return Promise.resolve(existing);
    this.rooms.set(room.roomId, checked);
    return Promise.resolve(checked);
  }

  update(roomId: string, patch: RoomPatch): Promise<RoomRecord | undefined> {
    const existing = this.rooms.get(roomId);
    if (!existing) return Promise.resolve(undefined);
    const next = readRoomRecord({ ...existing, ...patch });
    if (!next) return Promise.reject(new TypeError(`bad change to room ${roomId}`));
    this.rooms.set(roomId, next);
    return Promise.resolve(next);
  }

  remove(roomId: string): Promise<void> {
    this.rooms.delete(roomId);
    return Promise.resolve();
  }
}
