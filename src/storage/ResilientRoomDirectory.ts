import {
  MemoryRoomDirectory,
  readRoomRecord,
  type RoomDirectory,
  type RoomPatch,
  type RoomRecord,
} from '../app/RoomDirectory';
import { DestroyedError } from './errors';
import type { IdbRoomDirectory } from './IdbRoomDirectory';
import type { StorageHealth } from './StorageHealth';

/** Where earlier versions of the app kept the joined rooms: a JSON array in localStorage. */
export const LEGACY_ROOMS_KEY = 'meshchat:rooms';

/**
 * The joined rooms, never failing for storage reasons. While IndexedDB works it answers and a
 * memory mirror follows every read and write; at the first storage failure the failure goes
 * to `health` and the mirror answers for the rest of the page's life, so the room list stays
 * as the user last saw it. A malformed record still rejects. Call prime() once after
 * construction: it moves rooms an earlier version kept in localStorage into IndexedDB and
 * loads the mirror.
 */
export class ResilientRoomDirectory implements RoomDirectory {
  private readonly primary: IdbRoomDirectory | undefined;
  private readonly health: StorageHealth;
  private mirror = new MemoryRoomDirectory();
  private degraded: boolean;
  private destroyed = false;

  constructor(primary: IdbRoomDirectory | undefined, health: StorageHealth) {
    this.primary = primary;
    this.health = health;
    this.degraded = primary === undefined;
  }

  /** True once the memory mirror answers alone. */
  get inMemory(): boolean {
    return this.degraded;
  }

  /** Records skipped on read because they were damaged. */
  get corrupted(): number {
    return this.primary?.corrupted ?? 0;
  }

  /**
   * Moves the rooms of `legacy` (localStorage of an earlier version) in, then loads the
   * stored list into the mirror. The legacy key is removed only once every readable room is
   * stored, so a failure part way loses nothing: the next start moves the rest.
   */
  async prime(legacy?: Pick<Storage, 'getItem' | 'removeItem'>): Promise<void> {
    const rooms = legacyRooms(legacy);
    if (rooms) {
      for (const room of rooms) await this.add(room);
      if (!this.degraded) {
        try {
          legacy?.removeItem(LEGACY_ROOMS_KEY);
        } catch {
          // Left in place: the next start adds nothing new from it.
        }
      }
    }
    await this.list();
  }

  async list(): Promise<RoomRecord[]> {
    this.check('list');
    return this.run(
      async (primary) => {
        const rooms = await primary.list();
        this.mirror = new MemoryRoomDirectory();
        for (const room of rooms) await this.mirror.add(room);
        return rooms;
      },
      () => this.mirror.list(),
    );
  }

  async get(roomId: string): Promise<RoomRecord | undefined> {
    this.check('get');
    return this.run(
      (primary) => primary.get(roomId),
      () => this.mirror.get(roomId),
    );
  }

  async add(room: RoomRecord): Promise<RoomRecord> {
    this.check('add');
    if (!readRoomRecord(room)) throw new TypeError(`not a room record: ${room.roomId}`);
    return this.run(
      async (primary) => {
        const kept = await primary.add(room);
        await this.mirror.remove(kept.roomId);
        await this.mirror.add(kept);
        return kept;
      },
      () => this.mirror.add(room),
    );
  }

  async update(roomId: string, patch: RoomPatch): Promise<RoomRecord | undefined> {
    this.check('update');
    return this.run(
      async (primary) => {
        const next = await primary.update(roomId, patch);
        await this.mirror.remove(roomId);
        if (next) await this.mirror.add(next);
        return next;
      },
      () => this.mirror.update(roomId, patch),
    );
  }

  async remove(roomId: string): Promise<void> {
    this.check('remove');
    await this.run(
      async (primary) => {
        await primary.remove(roomId);
        await this.mirror.remove(roomId);
      },
      () => this.mirror.remove(roomId),
    );
  }

  /** Idempotent. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.primary?.destroy();
  }

  private check(operation: string): void {
    if (this.destroyed) throw new DestroyedError(`ResilientRoomDirectory.${operation}`);
  }

  /** Runs on IndexedDB while it works; on a storage failure, degrades and runs on memory. */
  private async run<T>(
    onPrimary: (primary: IdbRoomDirectory) => Promise<T>,
    onMemory: () => Promise<T>,
  ): Promise<T> {
    if (!this.degraded && this.primary) {
      try {
        return await onPrimary(this.primary);
      } catch (error) {
        if (error instanceof TypeError) throw error;
        this.degraded = true;
        this.health.report(error);
      }
    }
    return onMemory();
  }
}

/** The readable rooms an earlier version kept in localStorage; undefined if there are none. */
function legacyRooms(storage?: Pick<Storage, 'getItem'>): RoomRecord[] | undefined {
  let stored: unknown;
  try {
    const text = storage?.getItem(LEGACY_ROOMS_KEY);
    if (text === null || text === undefined) return undefined;
    stored = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(stored)) return [];
  return (stored as unknown[]).flatMap((value) => readRoomRecord(value) ?? []);
}
