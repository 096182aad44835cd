import { DestroyedError, StorageError } from './errors';
import { MemoryRoomStore } from './MemoryRoomStore';
import type { JoinedRoom, RoomPatch, RoomStore } from './RoomStore';
import type { StorageHealth } from './StorageHealth';

/**
 * A RoomStore that never fails for storage reasons. While the primary (IndexedDB) works, it
 * answers and a memory mirror follows every read and write; at the first storage failure the
 * failure goes to `health` and the mirror takes over for the rest of the page's life, so the
 * room list stays as the user last saw it. Misuse (RoomExistsError, an invalid room) still
 * rejects. Call prime() once after construction so the mirror starts with the stored list.
 */
export class ResilientRoomStore implements RoomStore {
  private readonly primary: RoomStore | undefined;
  private readonly health: StorageHealth;
  private mirror = new MemoryRoomStore();
  private degraded: boolean;
  private destroyed = false;

  constructor(primary: RoomStore | undefined, health: StorageHealth) {
    this.primary = primary;
    this.health = health;
    this.degraded = primary === undefined;
  }

  /** True once the memory mirror answers alone. */
  get inMemory(): boolean {
    return this.degraded;
  }

  get corrupted(): number {
    return this.primary?.corrupted ?? 0;
  }

  /** Loads the stored list into the mirror. */
  async prime(): Promise<void> {
    await this.list();
  }

  async list(): Promise<JoinedRoom[]> {
    this.check('list');
    return this.run(
      async (primary) => {
        const rooms = await primary.list();
        this.mirror = MemoryRoomStore.of(rooms);
        return rooms;
      },
      () => this.mirror.list(),
    );
  }

  async get(roomId: string): Promise<JoinedRoom | undefined> {
    this.check('get');
    return this.run(
      (primary) => primary.get(roomId),
      () => this.mirror.get(roomId),
    );
  }

  async add(room: JoinedRoom): Promise<void> {
    this.check('add');
    await this.run(
      async (primary) => {
        await primary.add(room);
        await this.mirror.remove(room.roomId);
        await this.mirror.add(room);
      },
      () => this.mirror.add(room),
    );
  }

  async update(roomId: string, patch: RoomPatch): Promise<JoinedRoom> {
    this.check('update');
    return this.run(
      async (primary) => {
        const next = await primary.update(roomId, patch);
        await this.mirror.remove(roomId);
        await this.mirror.add(next);
        return next;
      },
      () => this.mirror.update(roomId, patch),
    );
  }

  async remove(roomId: string): Promise<boolean> {
    this.check('remove');
    return this.run(
      async (primary) => {
        const existed = await primary.remove(roomId);
        await this.mirror.remove(roomId);
        return existed;
      },
      () => this.mirror.remove(roomId),
    );
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.primary?.destroy();
    this.mirror.destroy();
  }

  private check(operation: string): void {
    if (this.destroyed) throw new DestroyedError(`ResilientRoomStore.${operation}`);
  }

  /** Runs on the primary while it works; on a storage failure, degrades and runs on memory. */
  private async run<T>(
    onPrimary: (primary: RoomStore) => Promise<T>,
    onMemory: () => Promise<T>,
  ): Promise<T> {
    if (!this.degraded && this.primary) {
      try {
        return await onPrimary(this.primary);
      } catch (error) {
        if (error instanceof StorageError) throw error;
        this.degraded = true;
        this.health.report(error);
      }
    }
    return onMemory();
  }
}
