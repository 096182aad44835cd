import { InvalidArgumentError } from './errors';
import { isOrder, MAX_ID_LENGTH } from './EventValidation';

/** A group room, or a direct (1-to-1) room with one other user. */
export type RoomKind = 'group' | 'direct';

/** A room the user has joined, as this device remembers it. */
export interface JoinedRoom {
  readonly roomId: string;
  readonly title: string;
  /** When the user joined, ms since the Unix epoch: the list's order. */
  readonly joinedAt: number;
  readonly kind: RoomKind;
  /** For a direct room: the other user's id. Absent for a group. */
  readonly peerUserId?: string;
  /** Order key of the newest event the user has read; unread counts start after it. */
  readonly lastReadOrder?: number;
  /** The room's password, kept on this device only; storage never sends it anywhere. */
  readonly password?: string;
}

/** What update() may change. A key given as undefined removes that field. */
export type RoomPatch = Partial<Pick<JoinedRoom, 'title' | 'lastReadOrder' | 'password'>>;

/** Longest title and password accepted. */
export const MAX_TITLE_LENGTH = 200;
export const MAX_PASSWORD_LENGTH = 1024;

/**
 * The rooms this device has joined. MemoryRoomStore is the fake, IdbRoomStore the real one;
 * both run roomStoreContract. Reads skip corrupted records, counting them.
 */
export interface RoomStore {
  /** Every joined room, oldest join first. */
  list(): Promise<JoinedRoom[]>;
  get(roomId: string): Promise<JoinedRoom | undefined>;
  /** Joins a room; RoomExistsError if it is joined already, InvalidArgumentError if invalid. */
  add(room: JoinedRoom): Promise<void>;
  /** Changes a joined room; RoomNotFoundError if it is not joined. Resolves to the result. */
  update(roomId: string, patch: RoomPatch): Promise<JoinedRoom>;
  /** Forgets a room; resolves to whether it was joined. */
  remove(roomId: string): Promise<boolean>;
  /** Records skipped on read because they were corrupted. */
  readonly corrupted: number;
  /** Releases the store; later calls reject with DestroyedError. Idempotent. */
  destroy(): void;
}

/** Checks an untrusted value as a JoinedRoom; returns it (exactly its fields) or why not. */
export function validateRoom(value: unknown): JoinedRoom | string {
  if (typeof value !== 'object' || value === null) return 'not a room object';
  const { roomId, title, joinedAt, kind, peerUserId, lastReadOrder, password } = value as Record<
    string,
    unknown
  >;
  if (typeof roomId !== 'string' || roomId === '' || roomId.length > MAX_ID_LENGTH) {
    return 'roomId must be a non-empty string';
  }
  if (typeof title !== 'string' || title.length > MAX_TITLE_LENGTH) {
    return `title must be a string of at most ${MAX_TITLE_LENGTH} characters`;
  }
  if (!isOrder(joinedAt)) return 'joinedAt must be a number';
  if (kind !== 'group' && kind !== 'direct') return "kind must be 'group' or 'direct'";
  if (kind === 'direct' && (typeof peerUserId !== 'string' || peerUserId === '')) {
    return 'a direct room needs the peerUserId';
  }
  if (kind === 'group' && peerUserId !== undefined) return 'a group room has no peerUserId';
  if (lastReadOrder !== undefined && !isOrder(lastReadOrder)) {
    return 'lastReadOrder must be a number';
  }
  if (
    password !== undefined &&
    (typeof password !== 'string' || password.length > MAX_PASSWORD_LENGTH)
  ) {
    return 'password must be a string';
  }
  const room: { -readonly [K in keyof JoinedRoom]: JoinedRoom[K] } = {
    roomId,
    title,
    joinedAt,
    kind,
  };
  if (typeof peerUserId === 'string') room.peerUserId = peerUserId;
  if (lastReadOrder !== undefined) room.lastReadOrder = lastReadOrder;
  if (password !== undefined) room.password = password;
  return room;
}

/** validateRoom for a caller's argument: throws InvalidArgumentError. */
export function checkedRoom(value: unknown): JoinedRoom {
  const room = validateRoom(value);
  if (typeof room === 'string') throw new InvalidArgumentError(`invalid room: ${room}`);
  return room;
}

/** The room after a patch (validated). */
export function patched(room: JoinedRoom, patch: RoomPatch): JoinedRoom {
  const next: Record<string, unknown> = { ...room };
  const changes = new Map<string, unknown>([
    ['title', patch.title],
    ['lastReadOrder', patch.lastReadOrder],
    ['password', patch.password],
  ]);
  for (const [key, value] of changes) if (key in patch) next[key] = value;
  // validateRoom leaves out optional fields that are undefined: that is how a patch removes one.
  return checkedRoom(next);
}

/** Oldest join first, then by id: the order of list(). */
export function compareRooms(a: JoinedRoom, b: JoinedRoom): number {
  return a.joinedAt - b.joinedAt || (a.roomId < b.roomId ? -1 : a.roomId > b.roomId ? 1 : 0);
}
