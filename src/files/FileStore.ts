/**
 * The bytes of shared files on this device: IndexedDB, one record per (room, SHA-256),
 * content-addressed, with a quota per room. A file is kept once it was shared from here or
 * fetched and verified; the room's log holds only its hash and description.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { FileUsage } from '../app/FileShelf';
import { formatBytes } from '../app/formatBytes';

/** The bytes one room may keep on this device (the user sees it in the room's menu). */
export const DEFAULT_ROOM_QUOTA = 250_000_000;

const DB_NAME = 'meshchat-files';

interface StoredFile {
  readonly room: string;
  readonly hash: string;
  readonly size: number;
  readonly blob: Blob;
  /** When it was kept, ms since the epoch. */
  readonly at: number;
}

interface FilesSchema extends DBSchema {
  files: { key: [string, string]; value: StoredFile; indexes: { room: string } };
}

/** A file would take a room past its quota on this device. */
export class QuotaExceeded extends Error {
  constructor(
    readonly used: number,
    readonly quota: number,
    readonly size: number,
  ) {
    super(
      `This room keeps at most ${formatBytes(quota)} of files on this device; ${formatBytes(used)} are used, and this file needs ${formatBytes(size)}.`,
    );
    this.name = 'QuotaExceeded';
  }
}

/** Whether `size` more bytes fit a room that uses `used` of `quota`. */
export function fitsQuota(used: number, size: number, quota: number): boolean {
  return used + size <= quota;
}

export class FileStore {
  private db: Promise<IDBPDatabase<FilesSchema>> | undefined;
  /** Puts of each room in progress: quota checks of one room run one after another. */
  private readonly queue = new Map<string, Promise<unknown>>();

  constructor(readonly quota = DEFAULT_ROOM_QUOTA) {}

  private open(): Promise<IDBPDatabase<FilesSchema>> {
    this.db ??= openDB<FilesSchema>(DB_NAME, 1, {
      upgrade(db) {
        const store = db.createObjectStore('files', { keyPath: ['room', 'hash'] });
        store.createIndex('room', 'room');
      },
    });
    return this.db;
  }

  async get(room: string, hash: string): Promise<Blob | undefined> {
    return (await (await this.open()).get('files', [room, hash]))?.blob;
  }

  async has(room: string, hash: string): Promise<boolean> {
    return (await (await this.open()).getKey('files', [room, hash])) !== undefined;
  }

  /** Keeps `blob` (whose SHA-256 the caller checked) for `room`; throws QuotaExceeded. */
  put(room: string, hash: string, blob: Blob, now = Date.now()): Promise<void> {
    const previous = this.queue.get(room) ?? Promise.resolve();
    const next = previous.then(
      () => this.store(room, hash, blob, now),
      () => this.store(room, hash, blob, now),
    );
    this.queue.set(room, next);
    void next
      .finally(() => {
        if (this.queue.get(room) === next) this.queue.delete(room);
      })
      .catch(() => undefined);
    return next;
  }

  private async store(room: string, hash: string, blob: Blob, now: number): Promise<void> {
    if (await this.has(room, hash)) return;
    const { used } = await this.usage(room);
    if (!fitsQuota(used, blob.size, this.quota)) {
      throw new QuotaExceeded(used, this.quota, blob.size);
    }
    await (await this.open()).put('files', { room, hash, size: blob.size, blob, at: now });
  }

  async usage(room: string): Promise<FileUsage> {
    const db = await this.open();
    let used = 0;
    let files = 0;
    let cursor = await db.transaction('files').store.index('room').openCursor(room);
    while (cursor) {
      used += cursor.value.size;
      files += 1;
      cursor = await cursor.continue();
    }
    return { used, quota: this.quota, files };
  }

  /** Forgets every file of `room` on this device. */
  async clear(room: string): Promise<void> {
    const db = await this.open();
    const tx = db.transaction('files', 'readwrite');
    for (const key of await tx.store.index('room').getAllKeys(room)) await tx.store.delete(key);
    await tx.done;
  }

  close(): void {
    void this.db?.then((db) => db.close());
    this.db = undefined;
  }
}
