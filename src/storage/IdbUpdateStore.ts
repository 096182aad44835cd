import { deleteDB, openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { withOpenTimeout } from './ChatDatabase';
import { DestroyedError } from './errors';
import {
  compactRecords,
  isBytes,
  type CompactionMode,
  type StoredUpdates,
  type UpdateStore,
} from './UpdateStore';

/** The database of one room's Yjs updates. */
export function yjsDatabaseName(roomId: string): string {
  return `meshchat-yjs-${roomId}`;
}

interface UpdatesSchema extends DBSchema {
  /** Autoincrement keys: the order updates were written in. */
  updates: { key: number; value: unknown };
}

/** Options of {@link IdbUpdateStore}. */
export interface IdbUpdateStoreOptions {
  /** Database name; {@link yjsDatabaseName}(roomId) unless given. */
  readonly databaseName?: string;
  /** How long opening may take before IndexedDB counts as unavailable (default 5 s). */
  readonly timeoutMs?: number;
}

/**
 * A room's Yjs updates in IndexedDB: database `meshchat-yjs-<roomId>`, object store `updates`
 * with autoincrement keys, as y-indexeddb lays them out. The connection opens on first use and
 * steps aside (closes) when another tab upgrades or deletes the database; later calls then
 * reject with InvalidStateError, which the caller reports as storage health.
 */
export class IdbUpdateStore implements UpdateStore {
  readonly databaseName: string;
  private readonly timeoutMs: number;
  private connection: Promise<IDBPDatabase<UpdatesSchema>> | undefined;
  private closed = false;

  constructor(roomId: string, options: IdbUpdateStoreOptions = {}) {
    this.databaseName = options.databaseName ?? yjsDatabaseName(roomId);
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  /** Deletes a room's stored Yjs state (no instance may be open on it). */
  static async clear(roomId: string, databaseName = yjsDatabaseName(roomId)): Promise<void> {
    await deleteDB(databaseName);
  }

  async load(): Promise<StoredUpdates> {
    const db = await this.db('load');
    const values = await db.getAll('updates');
    const updates = values.filter(isBytes);
    return { updates, skipped: values.length - updates.length };
  }

  async append(updates: readonly Uint8Array[]): Promise<number> {
    const db = await this.db('append');
    const tx = db.transaction('updates', 'readwrite');
    const adds = updates.map((update) => tx.store.add(update));
    const [count] = await Promise.all([tx.store.count(), tx.done, ...adds]);
    return count;
  }

  async compact(mode: CompactionMode): Promise<void> {
    const db = await this.db('compact');
    const tx = db.transaction('updates', 'readwrite');
    // One transaction: a reader never sees the store half compacted, and a record another
    // writer adds meanwhile lands after it, untouched.
    const stored = (await tx.store.getAll()).filter(isBytes);
    const compacted = compactRecords(stored, mode);
    await Promise.all([
      tx.store.clear(),
      ...compacted.map((update) => tx.store.add(update)),
      tx.done,
    ]);
  }

  async replaceWith(state: Uint8Array): Promise<void> {
    const db = await this.db('replaceWith');
    const tx = db.transaction('updates', 'readwrite');
    await Promise.all([tx.store.clear(), tx.store.add(state), tx.done]);
  }

  async count(): Promise<number> {
    const db = await this.db('count');
    return db.count('updates');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.connection?.then(
      (db) => db.close(),
      () => undefined,
    );
  }

  private async db(operation: string): Promise<IDBPDatabase<UpdatesSchema>> {
    if (this.closed) throw new DestroyedError(`IdbUpdateStore.${operation}`);
    this.connection ??= withOpenTimeout(
      () =>
        openDB<UpdatesSchema>(this.databaseName, 1, {
          upgrade(db) {
            db.createObjectStore('updates', { autoIncrement: true });
          },
          blocking(_current, _blocked, event) {
            (event.target as IDBDatabase).close();
          },
        }),
      this.databaseName,
      this.timeoutMs,
    );
    return this.connection;
  }
}
