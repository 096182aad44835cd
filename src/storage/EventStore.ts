import { makeEvent, type ChatEvent } from '../hub/events';
import { InvalidArgumentError } from './errors';
import { isOrder, validateEvent } from './EventValidation';

/** An event as stored: with the order key the caller gave it. */
export interface StoredEvent {
  /** Sort key within the room (the log's hybrid clock for messages, else unixTime). */
  readonly order: number;
  readonly event: ChatEvent;
  /**
   * A message that came from the room's log, which takes only entries whose signatures this
   * device checked; absent for imported history (a file's claims, never checked).
   */
  readonly signed?: true;
}

/** `stored` as kept: order, event, and the signed mark only where it is set. */
export function storedRecord(order: number, event: ChatEvent, signed: unknown): StoredEvent {
  return signed === true ? { order, event, signed: true } : { order, event };
}

/** A position in a room's history: the (order, id) of an event. Plain data, serializable. */
export interface HistoryCursor {
  readonly order: number;
  readonly id: string;
}

/** One page of a room's history. */
export interface HistoryPage {
  /** Oldest first. */
  readonly events: readonly StoredEvent[];
  /**
   * Pass as `before` to get the next older page; undefined when no older event is stored.
   * It points at the oldest record of this page, so a page whose records were all corrupted
   * still moves on.
   */
  readonly older: HistoryCursor | undefined;
  /** Records of this page skipped because they were corrupted. */
  readonly skipped: number;
}

/** What a put did. */
export interface PutResult {
  /** Events newly stored. */
  readonly stored: number;
  /** Events whose id the room held already (or that came twice in the call): left as they were. */
  readonly duplicates: number;
}

/**
 * Where the events of every room are kept, ordered per room by (order, id). Writes are
 * idempotent: an event id is stored once per room, whatever order key a later put gives it,
 * so several tabs (or an import) may write the same events. Reads validate every record and
 * skip corrupted ones, counting them in `corrupted`.
 *
 * MemoryEventStore is the fake and the fallback; IdbEventStore the real one. Both run
 * eventStoreContract.
 */
export interface EventStore {
  /** Stores events, all in one transaction; an event id already stored is left alone. */
  put(events: readonly StoredEvent[]): Promise<PutResult>;
  /**
   * The newest `count` events of a room before `before` (or the newest of all), oldest first.
   * Costs O(count), whatever the room's size.
   */
  page(roomId: string, count: number, before?: HistoryCursor): Promise<HistoryPage>;
  /** How many events a room holds. */
  count(roomId: string): Promise<number>;
  /**
   * How many `message` events a room holds with an order above `after`, leaving out those by
   * `exceptUserId`: the unread count. Counting stops at `limit` (default
   * {@link DEFAULT_COUNT_LIMIT}), returned when there are that many or more ("999+"): the cost
   * stays bounded however far behind the reader is.
   */
  countMessagesAfter(
    roomId: string,
    after: number,
    exceptUserId?: string,
    limit?: number,
  ): Promise<number>;
  /**
   * Removes the text of the room's stored `message` events with these ids (their author
   * deleted them): each stays stored, so a later put of the same id is still a duplicate,
   * but without its `message`. Ids not stored are left out.
   */
  redact(roomId: string, ids: readonly string[]): Promise<void>;
  /**
   * Replaces the text of the room's stored `message` events with their authors' edits, each
   * `[id, text]`. Ids not stored, and messages already redacted, are left out.
   */
  revise(roomId: string, edits: readonly (readonly [string, string])[]): Promise<void>;
  /** Forgets every event of a room. */
  deleteRoom(roomId: string): Promise<void>;
  /** Records skipped on read because they were corrupted, since this store was made. */
  readonly corrupted: number;
  /** Releases the store; later calls reject with DestroyedError. Idempotent. */
  destroy(): void;
}

/** Where unread counting stops unless told otherwise. */
export const DEFAULT_COUNT_LIMIT = 999;

/** Whether an event counts as unread: a message, not by `exceptUserId`. */
export function isCountedMessage(stored: StoredEvent, exceptUserId: string | undefined): boolean {
  return stored.event.type === 'message' && stored.event.userId !== exceptUserId;
}

/** A stored event without its text (see EventStore.redact). */
export function redacted(stored: StoredEvent): StoredEvent {
  if (stored.event.message === undefined) return stored;
  const { id, chatroomId, type, userId, sessionId, unixTime } = stored.event;
  return storedRecord(
    stored.order,
    makeEvent({ id, chatroomId, type, userId, sessionId, unixTime }),
    stored.signed,
  );
}

/** The stored event with its text replaced (an author's edit); a redacted one stays so. */
export function revised(stored: StoredEvent, text: string): StoredEvent {
  if (stored.event.message === undefined) return stored;
  const { id, chatroomId, type, userId, sessionId, unixTime } = stored.event;
  return storedRecord(
    stored.order,
    makeEvent({ id, chatroomId, type, userId, sessionId, message: text, unixTime }),
    stored.signed,
  );
}

/** Sorts by (order, id): the order of every page. */
export function compareStored(a: StoredEvent, b: StoredEvent): number {
  return compareKeys(a.order, a.event.id, b.order, b.event.id);
}

/** Compares two (order, id) positions. */
export function compareKeys(orderA: number, idA: string, orderB: number, idB: string): number {
  return orderA - orderB || (idA < idB ? -1 : idA > idB ? 1 : 0);
}

/** Rejects misuse before anything is written: invalid events or order keys are a caller's bug. */
export function checkPut(events: readonly StoredEvent[]): void {
  for (const stored of events) {
    if (!isOrder(stored.order)) {
      throw new InvalidArgumentError(
        `put: order must be a finite number, got ${String(stored.order)}`,
      );
    }
    const checked = validateEvent(stored.event);
    if (typeof checked === 'string') {
      throw new InvalidArgumentError(`put: invalid event ${stored.event.id}: ${checked}`);
    }
  }
}

/** Rejects a count limit that is not a positive integer. */
export function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new InvalidArgumentError(
      `countMessagesAfter: limit must be a positive integer, got ${limit}`,
    );
  }
}

/** Rejects a page size that is not a positive integer. */
export function checkCount(count: number): void {
  if (!Number.isInteger(count) || count < 1) {
    throw new InvalidArgumentError(`page: count must be a positive integer, got ${count}`);
  }
}

/**
 * The newest `count` events of two pages over the same range, deduplicated by id (`a` wins). The cursor
 * points at the oldest event kept, so whatever either page held beyond it comes again next time.
 */
export function mergePages(a: HistoryPage, b: HistoryPage, count: number): HistoryPage {
  const byId = new Map<string, StoredEvent>();
  for (const stored of [...b.events, ...a.events]) byId.set(stored.event.id, stored);
  const all = [...byId.values()].sort(compareStored);
  const kept = all.slice(Math.max(0, all.length - count));
  const first = kept[0];
  let older: HistoryCursor | undefined;
  if (first && (all.length > kept.length || a.older || b.older)) {
    older = { order: first.order, id: first.event.id };
  } else if (!first) {
    // Nothing valid in either page: move on past whichever page went further.
    older = [a.older, b.older].reduce<HistoryCursor | undefined>((best, cursor) => {
      if (!cursor) return best;
      if (!best) return cursor;
      return compareKeys(cursor.order, cursor.id, best.order, best.id) > 0 ? cursor : best;
    }, undefined);
  }
  return { events: kept, older, skipped: a.skipped + b.skipped };
}
