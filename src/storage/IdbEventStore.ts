import { unwrap } from 'idb';
import type { ChatEvent } from '../hub/events';
import type { ChatDatabase } from './ChatDatabase';
import { DestroyedError } from './errors';
import {
  DEFAULT_COUNT_LIMIT,
  checkCount,
  checkLimit,
  checkPut,
  isCountedMessage,
  redacted,
  revised,
  type EventStore,
  type HistoryCursor,
  type HistoryPage,
  type PutResult,
  storedRecord,
  type StoredEvent,
} from './EventStore';
import { isOrder, validateEvent } from './EventValidation';

/** Records read per request while counting. */
const COUNT_CHUNK = 500;

/**
 * The EventStore in IndexedDB (object store `events` of the chat database). A room's history
 * is one key range sorted by [chatroomId, order, id], so a page is one request whatever the
 * room's size: getAllRecords reads the newest `count` + 1 records of the range backwards (the
 * one more tells whether anything is older). A browser without getAllRecords (before Chromium
 * 141) takes three: a key cursor walks back `count` keys, one getAll reads the page, and one
 * step further tells whether anything is older. Writes are one transaction per put; a duplicate id
 * is turned away by the unique `byId` index inside that transaction, without a read first.
 *
 * The store does not own the connection: whoever opened it closes it.
 */
export class IdbEventStore implements EventStore {
  private readonly db: ChatDatabase;
  private corruptedCount = 0;
  private destroyed = false;

  constructor(db: ChatDatabase) {
    this.db = db;
  }

  get corrupted(): number {
    return this.corruptedCount;
  }

  async put(events: readonly StoredEvent[]): Promise<PutResult> {
    this.check('put');
    checkPut(events);
    if (events.length === 0) return { stored: 0, duplicates: 0 };
    const tx = this.db.transaction('events', 'readwrite');
    const store = unwrap(tx.store);
    let stored = 0;
    let duplicates = 0;
    const seen = new Set<string>();
    for (const { order, event, signed } of events) {
      const key = JSON.stringify([event.chatroomId, event.id]);
      if (seen.has(key)) {
        duplicates += 1;
        continue;
      }
      seen.add(key);
      const request = store.add(storedRecord(order, event, signed));
      request.onsuccess = () => {
        stored += 1;
      };
      // add() of an id the room holds violates the unique index (or the primary key): that is
      // the idempotence we want, so the error is swallowed and the transaction goes on.
      request.onerror = (failure) => {
        if (request.error?.name !== 'ConstraintError') return;
        failure.preventDefault();
        failure.stopPropagation();
        duplicates += 1;
      };
    }
    await tx.done;
    return { stored, duplicates };
  }

  async page(roomId: string, count: number, before?: HistoryCursor): Promise<HistoryPage> {
    this.check('page');
    checkCount(count);
    const upper: IDBValidKey = before ? [roomId, before.order, before.id] : [roomId, []];
    const upperOpen = before !== undefined;
    const range = IDBKeyRange.bound([roomId], upper, false, upperOpen);
    const tx = this.db.transaction('events', 'readonly');
    const raw = unwrap(tx.store) as RecordsStore;
    if (typeof raw.getAllRecords === 'function') {
      const newest = await requested(
        raw.getAllRecords({ query: range, count: count + 1, direction: 'prev' }),
      );
      const records = newest.slice(0, count).reverse();
      const lowest = records[0]?.key as [string, number, string] | undefined;
      return this.decodePage(
        records.map((record) => record.value),
        roomId,
        newest.length > count && lowest ? { order: lowest[1], id: lowest[2] } : undefined,
      );
    }
    let cursor = await tx.store.openKeyCursor(range, 'prev');
    if (cursor && count > 1) cursor = await cursor.advance(count - 1);
    let values: unknown[];
    let older: HistoryCursor | undefined;
    if (!cursor) {
      values = await tx.store.getAll(range);
    } else {
      const lowest = cursor.key;
      const [page, next] = await Promise.all([
        tx.store.getAll(IDBKeyRange.bound(lowest, upper, false, upperOpen)),
        cursor.continue(),
      ]);
      values = page;
      older = next ? { order: lowest[1], id: lowest[2] } : undefined;
    }
    return this.decodePage(values, roomId, older);
  }

  /** A page of records as read, corrupted ones skipped and counted. */
  private decodePage(
    values: readonly unknown[],
    roomId: string,
    older: HistoryCursor | undefined,
  ): HistoryPage {
    const events: StoredEvent[] = [];
    let skipped = 0;
    for (const value of values) {
      const stored = decodeRecord(value, roomId);
      if (stored) events.push(stored);
      else skipped += 1;
    }
    this.corruptedCount += skipped;
    return { events, older, skipped };
  }

  async count(roomId: string): Promise<number> {
    this.check('count');
    return this.db.count('events', IDBKeyRange.bound([roomId], [roomId, []]));
  }

  async countMessagesAfter(
    roomId: string,
    after: number,
    exceptUserId?: string,
    limit = DEFAULT_COUNT_LIMIT,
  ): Promise<number> {
    this.check('countMessagesAfter');
    checkLimit(limit);
    // [roomId, after, []] sorts after every [roomId, after, id]: the range starts past `after`.
    let lower: IDBValidKey = [roomId, after, []];
    let lowerOpen = false;
    let count = 0;
    const tx = this.db.transaction('events', 'readonly');
    for (;;) {
      const range = IDBKeyRange.bound(lower, [roomId, []], lowerOpen);
      const values = await tx.store.getAll(range, COUNT_CHUNK);
      for (const value of values) {
        const stored = decodeRecord(value, roomId);
        if (stored && isCountedMessage(stored, exceptUserId)) count += 1;
        if (count >= limit) return limit;
      }
      const last = values.at(-1) as { order: number; event: { id: string } } | undefined;
      if (!last || values.length < COUNT_CHUNK) return count;
      lower = [roomId, last.order, last.event.id];
      lowerOpen = true;
    }
  }

  async redact(roomId: string, ids: readonly string[]): Promise<void> {
    this.check('redact');
    if (ids.length === 0) return;
    const tx = this.db.transaction('events', 'readwrite');
    const byId = tx.store.index('byId');
    await Promise.all(
      ids.map(async (id) => {
        const stored = decodeRecord(await byId.get([roomId, id]), roomId);
        if (stored?.event.message !== undefined) await tx.store.put(redacted(stored));
      }),
    );
    await tx.done;
  }

  async revise(roomId: string, edits: readonly (readonly [string, string])[]): Promise<void> {
    this.check('revise');
    if (edits.length === 0) return;
    const tx = this.db.transaction('events', 'readwrite');
    const byId = tx.store.index('byId');
    await Promise.all(
      edits.map(async ([id, text]) => {
        const stored = decodeRecord(await byId.get([roomId, id]), roomId);
        if (stored?.event.message !== undefined && stored.event.message !== text) {
          await tx.store.put(revised(stored, text));
        }
      }),
    );
    await tx.done;
  }

  async deleteRoom(roomId: string): Promise<void> {
    this.check('deleteRoom');
    await this.db.delete('events', IDBKeyRange.bound([roomId], [roomId, []]));
  }

  destroy(): void {
    this.destroyed = true;
  }

  private check(operation: string): void {
    if (this.destroyed) throw new DestroyedError(`IdbEventStore.${operation}`);
  }
}

/** IndexedDB's getAllRecords (Chromium 141 on), where the browser has it. */
interface RecordsStore extends IDBObjectStore {
  getAllRecords?: (options: {
    query: IDBKeyRange;
    count: number;
    direction: 'prev';
  }) => IDBRequest<{ key: IDBValidKey; value: unknown }[]>;
}

/** The result of `request`, once it succeeds. */
function requested<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

/** A stored record as a StoredEvent of `roomId`, or undefined if it is corrupted. */
function decodeRecord(value: unknown, roomId: string): StoredEvent | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { order, event, signed } = value as { order?: unknown; event?: unknown; signed?: unknown };
  if (!isOrder(order)) return undefined;
  const checked: ChatEvent | string = validateEvent(event);
  if (typeof checked === 'string' || checked.chatroomId !== roomId) return undefined;
  return storedRecord(order, checked, signed);
}
