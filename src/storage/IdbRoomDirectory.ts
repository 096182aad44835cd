import {
  readRoomRecord,
  type RoomDirectory,
  type RoomPatch,
  type RoomRecord,
} from '../app/RoomDirectory';
import type { ChatDatabase } from './ChatDatabase';
import { DestroyedError } from './errors';

/**
 * The app's joined rooms in IndexedDB (object store `rooms` of the chat database, keyed by
 * roomId). add and update read and write in one transaction, so two tabs cannot both add one
 * room. A stored record that does not read as a RoomRecord is skipped and counted. The
 * directory does not own the connection.
 */
export class IdbRoomDirectory implements RoomDirectory {
  private readonly db: ChatDatabase;
  private corruptedCount = 0;
  private destroyed = false;

  constructor(db: ChatDatabase) {
    this.db = db;
  }

  /** Records skipped on read because they were damaged. */
  get corrupted(): number {
    return this.corruptedCount;
  }

  async list(): Promise<RoomRecord[]> {
    this.check('list');
    const rooms: RoomRecord[] = [];
    for (const value of await this.db.getAll('rooms')) {
      const room = this.decode(value);
      if (room) rooms.push(room);
    }
    return rooms.sort(byJoin);
  }

  async get(roomId: string): Promise<RoomRecord | undefined> {
    this.check('get');
    const value: unknown = await this.db.get('rooms', roomId);
    return value === undefined ? undefined : this.decode(value);
  }

  async add(room: RoomRecord): Promise<RoomRecord> {
    this.check('add');
    const checked = readRoomRecord(room);
    if (!checked) throw new TypeError(`not a room record: ${room.roomId}`);
    const tx = this.db.transaction('rooms', 'readwrite');
    const value: unknown = await tx.store.get(checked.roomId);
    const existing = value === undefined ? undefined : this.decode(value);
    if (existing) {
      await tx.done;
      return existing;
    }
    await Promise.all([tx.store.put(checked), tx.done]);
    return checked;
  }

  async update(roomId: string, patch: RoomPatch): Promise<RoomRecord | undefined> {
    this.check('update');
    const tx = this.db.transaction('rooms', 'readwrite');
    const value: unknown = await tx.store.get(roomId);
    const room = value === undefined ? undefined : this.decode(value);
    if (!room) {
      await tx.done;
      return undefined;
    }
    const next = readRoomRecord({ ...room, ...patch });
    if (!next) {
      tx.abort();
      await tx.done.catch(() => undefined);
      throw new TypeError(`bad change to room ${roomId}`);
    }
    await Promise.all([tx.store.put(next), tx.done]);
    return next;
  }

  async remove(roomId: string): Promise<void> {
    this.check('remove');
    await this.db.delete('rooms', roomId);
  }

  /** Later calls reject with DestroyedError. Idempotent. */
  destroy(): void {
    this.destroyed = true;
  }

  private check(operation: string): void {
    if (this.destroyed) throw new DestroyedError(`IdbRoomDirectory.${operation}`);
  }

  private decode(value: unknown): RoomRecord | undefined {
    const room = readRoomRecord(value);
    if (!room) this.corruptedCount += 1;
    return room;
  }
}

/** Oldest join first, then by id: the order of list(). */
function byJoin(a: RoomRecord, b: RoomRecord): number {
  return a.joinedAt - b.joinedAt || (a.roomId < b.roomId ? -1 : a.roomId > b.roomId ? 1 : 0);
}
