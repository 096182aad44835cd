import type { ChatDatabase } from './ChatDatabase';
import { DestroyedError, RoomExistsError, RoomNotFoundError } from './errors';
import {
  checkedRoom,
  compareRooms,
  patched,
  validateRoom,
  type JoinedRoom,
  type RoomPatch,
  type RoomStore,
} from './RoomStore';

/**
 * The RoomStore in IndexedDB (object store `rooms` of the chat database, keyed by roomId).
 * add and update read and write in one transaction, so two tabs cannot both add one room.
 * The store does not own the connection.
 */
export class IdbRoomStore implements RoomStore {
  private readonly db: ChatDatabase;
  private corruptedCount = 0;
  private destroyed = false;

  constructor(db: ChatDatabase) {
    this.db = db;
  }

  get corrupted(): number {
    return this.corruptedCount;
  }

  async list(): Promise<JoinedRoom[]> {
    this.check('list');
    const rooms: JoinedRoom[] = [];
    for (const value of await this.db.getAll('rooms')) {
      const room = this.decode(value);
      if (room) rooms.push(room);
    }
    return rooms.sort(compareRooms);
  }

  async get(roomId: string): Promise<JoinedRoom | undefined> {
    this.check('get');
    const value: unknown = await this.db.get('rooms', roomId);
    return value === undefined ? undefined : this.decode(value);
  }

  async add(room: JoinedRoom): Promise<void> {
    this.check('add');
    const checked = checkedRoom(room);
    const tx = this.db.transaction('rooms', 'readwrite');
    if ((await tx.store.getKey(checked.roomId)) !== undefined) {
      tx.abort();
      await tx.done.catch(() => undefined);
      throw new RoomExistsError(checked.roomId);
    }
    await Promise.all([tx.store.add(checked), tx.done]);
  }

  async update(roomId: string, patch: RoomPatch): Promise<JoinedRoom> {
    this.check('update');
    const tx = this.db.transaction('rooms', 'readwrite');
    const value: unknown = await tx.store.get(roomId);
    const room = value === undefined ? undefined : this.decode(value);
    if (!room) {
      tx.abort();
      await tx.done.catch(() => undefined);
      throw new RoomNotFoundError(roomId);
    }
    const next = patched(room, patch);
    await Promise.all([tx.store.put(next), tx.done]);
    return next;
  }

  async remove(roomId: string): Promise<boolean> {
    this.check('remove');
    const tx = this.db.transaction('rooms', 'readwrite');
    const existed = (await tx.store.getKey(roomId)) !== undefined;
    await Promise.all([tx.store.delete(roomId), tx.done]);
    return existed;
  }

  destroy(): void {
    this.destroyed = true;
  }

  private check(operation: string): void {
    if (this.destroyed) throw new DestroyedError(`IdbRoomStore.${operation}`);
  }

  private decode(value: unknown): JoinedRoom | undefined {
    const room = validateRoom(value);
    if (typeof room !== 'string') return room;
    this.corruptedCount += 1;
    return undefined;
  }
}
