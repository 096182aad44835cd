import { DestroyedError, RoomExistsError, RoomNotFoundError } from './errors';
import {
  checkedRoom,
  compareRooms,
  patched,
  type JoinedRoom,
  type RoomPatch,
  type RoomStore,
} from './RoomStore';

/** An in-memory RoomStore: the fake for tests, and the fallback when IndexedDB fails. */
export class MemoryRoomStore implements RoomStore {
  private readonly rooms = new Map<string, JoinedRoom>();
  private destroyed = false;

  readonly corrupted = 0;

  /** A store holding `rooms` (valid ones; used to carry a list over into memory). */
  static of(rooms: readonly JoinedRoom[]): MemoryRoomStore {
    const store = new MemoryRoomStore();
    for (const room of rooms) store.rooms.set(room.roomId, room);
    return store;
  }

  async list(): Promise<JoinedRoom[]> {
    await this.check('list');
    return [...this.rooms.values()].sort(compareRooms);
  }

  async get(roomId: string): Promise<JoinedRoom | undefined> {
    await this.check('get');
    return this.rooms.get(roomId);
  }

  async add(room: JoinedRoom): Promise<void> {
    await this.check('add');
    const checked = checkedRoom(room);
    if (this.rooms.has(checked.roomId)) throw new RoomExistsError(checked.roomId);
    this.rooms.set(checked.roomId, checked);
  }

  async update(roomId: string, patch: RoomPatch): Promise<JoinedRoom> {
    await this.check('update');
    const room = this.rooms.get(roomId);
    if (!room) throw new RoomNotFoundError(roomId);
    const next = patched(room, patch);
    this.rooms.set(roomId, next);
    return next;
  }

  async remove(roomId: string): Promise<boolean> {
    await this.check('remove');
    return this.rooms.delete(roomId);
  }

  destroy(): void {
    this.destroyed = true;
  }

  private async check(operation: string): Promise<void> {
    await Promise.resolve();
    if (this.destroyed) throw new DestroyedError(`MemoryRoomStore.${operation}`);
  }
}
