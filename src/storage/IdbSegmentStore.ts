import {
  deleteDB,
  openDB,
  type DBSchema,
  type IDBPDatabase,
  type IDBPTransaction,
  type StoreNames,
} from 'idb';
import { DEFAULT_MAX_MESSAGE_LENGTH, type SignedEntry } from '../log/schema';
import { MAX_SEGMENT_ENTRIES, type SealedSegment } from '../log/Segment';
import { segmentPacking } from '../net/deflate';
import { withOpenTimeout } from './ChatDatabase';
import { DestroyedError } from './errors';
import {
  amendInto,
  compareSegments,
  infoOf,
  type SealedAmendment,
  type SegmentInfo,
  type SegmentStore,
} from './SegmentStore';

/** The database every room's segments share. */
export const SEGMENTS_DATABASE = 'meshchat-segments';

let pageStore: IdbSegmentStore | undefined;

/** The page's one segment store (its database opens on first use). */
export function sharedSegmentStore(): IdbSegmentStore {
  pageStore ??= new IdbSegmentStore();
  return pageStore;
}

/** A kept segment: its bytes, or (kept since segments are stored compressed) `packed`. */
interface StoredSegment extends SegmentInfo {
  readonly room: string;
  readonly bytes?: Uint8Array;
  readonly packed?: Uint8Array;
}

/** A kept segment inflates to at most this: its most entries, each of the longest text. */
const MAX_SEGMENT_BYTES = MAX_SEGMENT_ENTRIES * (DEFAULT_MAX_MESSAGE_LENGTH * 3 + 1024);

interface SegmentsSchema extends DBSchema {
  /** Keyed by [room, id]: a room's segments are one key range. */
  segments: { key: [string, string]; value: StoredSegment };
  /** A segment's kind entries, under the segment's key (version 2). */
  kinds: { key: [string, string]; value: { readonly kinds: readonly unknown[] } };
  /** A segment's info without its bytes, under the segment's key: listed without reading megabytes (version 3). */
  info: { key: [string, string]; value: SegmentInfo };
  /** Edits and deletions of sealed messages, keyed by [room, message id] (version 3). */
  amended: { key: [string, string]; value: { readonly text?: string } };
}

/** The version of the segments database. */
const SEGMENTS_VERSION = 3;

/**
 * Sealed history segments in IndexedDB: database `meshchat-segments`, object store `segments`
 * keyed by `[roomId, segmentId]` (and under the same key `kinds`, a segment's kind entries, and
 * `info`, what `list` gives), with `amended`, the edits and deletions of sealed messages, keyed
 * by `[roomId, messageId]`. Its own database, so that the chat database's schema is untouched.
 * A record that is not a segment (written by something else) is left out of `list` and `get`.
 */
export class IdbSegmentStore implements SegmentStore {
  private connection: Promise<IDBPDatabase<SegmentsSchema>> | undefined;
  private closed = false;

  constructor(
    private readonly databaseName = SEGMENTS_DATABASE,
    private readonly timeoutMs = 5000,
  ) {}

  /** Deletes the whole database (no instance may be open on it). */
  static async clear(databaseName = SEGMENTS_DATABASE): Promise<void> {
    await deleteDB(databaseName);
  }

  async put(
    roomId: string,
    segment: SealedSegment,
    kinds?: readonly SignedEntry[],
    packed?: Uint8Array,
  ): Promise<void> {
    const db = await this.db('put');
    const tx = db.transaction(['segments', 'kinds', 'info'], 'readwrite');
    const key: [string, string] = [roomId, segment.id];
    const form = packed ? { packed } : { bytes: segment.bytes };
    const writes = [
      tx.objectStore('segments').put({ room: roomId, ...infoOf(segment), ...form }, key),
      tx.objectStore('info').put(infoOf(segment), key),
      ...(kinds && kinds.length > 0
        ? [tx.objectStore('kinds').put({ kinds: [...kinds] }, key)]
        : []),
    ];
    await Promise.all([...writes, tx.done]);
  }

  async kinds(roomId: string, ids: Iterable<string>): Promise<unknown[]> {
    const db = await this.db('kinds');
    const tx = db.transaction(['segments', 'kinds'], 'readonly');
    const out: unknown[] = [];
    for (const id of ids) {
      const [held, record] = await Promise.all([
        tx.objectStore('segments').getKey([roomId, id]),
        tx.objectStore('kinds').get([roomId, id]) as Promise<unknown>,
      ]);
      const list = (record as { kinds?: unknown } | undefined)?.kinds;
      if (held !== undefined && Array.isArray(list)) out.push(...(list as unknown[]));
    }
    await tx.done;
    return out;
  }

  async get(roomId: string, id: string): Promise<Uint8Array | undefined> {
    const db = await this.db('get');
    const stored: unknown = await db.get('segments', [roomId, id]);
    if (!isStored(stored)) return undefined;
    if (stored.bytes) return stored.bytes;
    // A record that does not inflate is not a segment: left out, as any other.
    return (
      stored.packed &&
      segmentPacking.unpack(stored.packed, MAX_SEGMENT_BYTES).catch(() => undefined)
    );
  }

  async packed(roomId: string, id: string): Promise<Uint8Array | undefined> {
    const db = await this.db('packed');
    const stored: unknown = await db.get('segments', [roomId, id]);
    return isStored(stored) ? stored.packed : undefined;
  }

  async ids(roomId: string): Promise<Set<string>> {
    const db = await this.db('ids');
    // Keys only: a room's segments are megabytes each.
    const keys = await db.getAllKeys('segments', roomRange(roomId));
    return new Set(keys.map(([, id]) => id));
  }

  async list(roomId: string): Promise<SegmentInfo[]> {
    const db = await this.db('list');
    // The info records only: a room's segments are megabytes each.
    const stored: unknown[] = await db.getAll('info', roomRange(roomId));
    return stored
      .filter(isInfo)
      .map(({ id, first, last, count }) => ({ id, first, last, count }))
      .sort(compareSegments);
  }

  async amend(roomId: string, changes: readonly SealedAmendment[]): Promise<void> {
    if (changes.length === 0) return;
    const db = await this.db('amend');
    const tx = db.transaction('amended', 'readwrite');
    const room = new Map<string, string | undefined>();
    await Promise.all(
      changes.map(async ([id]) => {
        const held = await tx.store.get([roomId, id]);
        if (held) room.set(id, typeof held.text === 'string' ? held.text : undefined);
      }),
    );
    for (const change of changes) amendInto(room, change);
    await Promise.all([
      ...[...room].map(([id, text]) =>
        tx.store.put(text === undefined ? {} : { text }, [roomId, id]),
      ),
      tx.done,
    ]);
  }

  async amendments(roomId: string): Promise<Map<string, string | undefined>> {
    const db = await this.db('amendments');
    const tx = db.transaction('amended', 'readonly');
    const [keys, values] = await Promise.all([
      tx.store.getAllKeys(messageRange(roomId)),
      tx.store.getAll(messageRange(roomId)),
    ]);
    const out = new Map<string, string | undefined>();
    keys.forEach(([, id], at) => {
      const text = (values[at] as { text?: unknown } | undefined)?.text;
      out.set(id, typeof text === 'string' ? text : undefined);
    });
    return out;
  }

  async deleteRoom(roomId: string): Promise<void> {
    const db = await this.db('deleteRoom');
    const tx = db.transaction(['segments', 'kinds', 'info', 'amended'], 'readwrite');
    await Promise.all([
      tx.objectStore('segments').delete(roomRange(roomId)),
      tx.objectStore('kinds').delete(roomRange(roomId)),
      tx.objectStore('info').delete(roomRange(roomId)),
      tx.objectStore('amended').delete(messageRange(roomId)),
      tx.done,
    ]);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.connection?.then(
      (db) => db.close(),
      () => undefined,
    );
  }

  private async db(operation: string): Promise<IDBPDatabase<SegmentsSchema>> {
    if (this.closed) throw new DestroyedError(`IdbSegmentStore.${operation}`);
    this.connection ??= withOpenTimeout(
      () =>
        openDB<SegmentsSchema>(this.databaseName, SEGMENTS_VERSION, {
          upgrade(db, oldVersion, _newVersion, transaction) {
            if (oldVersion < 1) db.createObjectStore('segments');
            if (oldVersion < 2) db.createObjectStore('kinds');
            if (oldVersion < 3) {
              db.createObjectStore('amended');
              db.createObjectStore('info');
              // Segments kept before version 3 get their info records, read once here: the
              // database opens when the upgrade transaction, these writes included, is done.
              void addInfoRecords(transaction);
            }
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

async function addInfoRecords(
  transaction: IDBPTransaction<SegmentsSchema, StoreNames<SegmentsSchema>[], 'versionchange'>,
): Promise<void> {
  const info = transaction.objectStore('info');
  let cursor = await transaction.objectStore('segments').openCursor();
  while (cursor) {
    const value: unknown = cursor.value;
    if (isStored(value)) await info.put(infoOf(value), cursor.key);
    cursor = await cursor.continue();
  }
}

/** Every key [roomId, *]: ids are base64url, all below '~'. */
function roomRange(roomId: string): IDBKeyRange {
  return IDBKeyRange.bound([roomId, ''], [roomId, '~']);
}

/** Every key [roomId, any string]: message ids are not only base64url. */
function messageRange(roomId: string): IDBKeyRange {
  return IDBKeyRange.bound([roomId, ''], [roomId, []]);
}

function isStored(value: unknown): value is StoredSegment {
  if (!isInfo(value)) return false;
  const { bytes, packed } = value as { bytes?: unknown; packed?: unknown };
  return bytes instanceof Uint8Array || packed instanceof Uint8Array;
}

function isInfo(value: unknown): value is SegmentInfo {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const isPoint = (p: unknown): boolean =>
    typeof p === 'object' &&
    p !== null &&
    typeof (p as Record<string, unknown>).clock === 'number' &&
    typeof (p as Record<string, unknown>).id === 'string';
  return (
    typeof v.id === 'string' && typeof v.count === 'number' && isPoint(v.first) && isPoint(v.last)
  );
}
