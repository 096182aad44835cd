import { DestroyedError } from './errors';
import {
  DEFAULT_COUNT_LIMIT,
  checkCount,
  checkLimit,
  checkPut,
  isCountedMessage,
  compareKeys,
  compareStored,
  redacted,
  revised,
  type EventStore,
  type HistoryCursor,
  type HistoryPage,
  type PutResult,
  storedRecord,
  type StoredEvent,
} from './EventStore';

interface Room {
  readonly ids: Set<string>;
  /** Sorted by (order, id). */
  sorted: StoredEvent[];
}

/** Above this many new events in one put, merge sorted runs instead of inserting one by one. */
const MERGE_THRESHOLD = 32;

/**
 * An in-memory EventStore: the fake for tests and the fallback when IndexedDB fails. It holds
 * what it was given for the life of the page. Nothing it holds can be corrupted, so `corrupted`
 * stays 0.
 */
export class MemoryEventStore implements EventStore {
  private readonly rooms = new Map<string, Room>();
  private destroyed = false;

  readonly corrupted = 0;

  put(events: readonly StoredEvent[]): Promise<PutResult> {
    return this.run('put', () => {
      checkPut(events);
      const fresh = new Map<string, StoredEvent[]>();
      let duplicates = 0;
      for (const stored of events) {
        const room = this.room(stored.event.chatroomId);
        if (room.ids.has(stored.event.id)) {
          duplicates += 1;
          continue;
        }
        room.ids.add(stored.event.id);
        const list = fresh.get(stored.event.chatroomId) ?? [];
        list.push(storedRecord(stored.order, stored.event, stored.signed));
        fresh.set(stored.event.chatroomId, list);
      }
      let stored = 0;
      for (const [roomId, list] of fresh) {
        this.insert(this.room(roomId), list);
        stored += list.length;
      }
      return { stored, duplicates };
    });
  }

  page(roomId: string, count: number, before?: HistoryCursor): Promise<HistoryPage> {
    return this.run('page', () => {
      checkCount(count);
      const sorted = this.rooms.get(roomId)?.sorted ?? [];
      const end = before ? lowerBound(sorted, before) : sorted.length;
      const start = Math.max(0, end - count);
      const first = sorted[start];
      const older = start > 0 && first ? { order: first.order, id: first.event.id } : undefined;
      return { events: sorted.slice(start, end), older, skipped: 0 };
    });
  }

  count(roomId: string): Promise<number> {
    return this.run('count', () => this.rooms.get(roomId)?.sorted.length ?? 0);
  }

  countMessagesAfter(
    roomId: string,
    after: number,
    exceptUserId?: string,
    limit = DEFAULT_COUNT_LIMIT,
  ): Promise<number> {
    return this.run('countMessagesAfter', () => {
      checkLimit(limit);
      const sorted = this.rooms.get(roomId)?.sorted ?? [];
      let count = 0;
      // Scans from the newest down: unread messages are the newest ones.
      for (let i = sorted.length - 1; i >= 0 && count < limit; i -= 1) {
        const stored = sorted[i];
        if (!stored || stored.order <= after) break;
        if (isCountedMessage(stored, exceptUserId)) count += 1;
      }
      return count;
    });
  }

  redact(roomId: string, ids: readonly string[]): Promise<void> {
    return this.run('redact', () => {
      const room = this.rooms.get(roomId);
      const wanted = new Set(ids);
      if (!room || !ids.some((id) => room.ids.has(id))) return;
      room.sorted = room.sorted.map((s) => (wanted.has(s.event.id) ? redacted(s) : s));
    });
  }

  revise(roomId: string, edits: readonly (readonly [string, string])[]): Promise<void> {
    return this.run('revise', () => {
      const room = this.rooms.get(roomId);
      const texts = new Map(edits);
      if (!room || !edits.some(([id]) => room.ids.has(id))) return;
      room.sorted = room.sorted.map((s) => {
        const text = texts.get(s.event.id);
        return text === undefined ? s : revised(s, text);
      });
    });
  }

  deleteRoom(roomId: string): Promise<void> {
    return this.run('deleteRoom', () => void this.rooms.delete(roomId));
  }

  destroy(): void {
    this.destroyed = true;
    this.rooms.clear();
  }

  private async run<T>(operation: string, work: () => T): Promise<T> {
    await Promise.resolve();
    if (this.destroyed) throw new DestroyedError(`MemoryEventStore.${operation}`);
    return work();
  }

  private room(roomId: string): Room {
    let room = this.rooms.get(roomId);
    if (!room) {
      room = { ids: new Set(), sorted: [] };
      this.rooms.set(roomId, room);
    }
    return room;
  }

  private insert(room: Room, fresh: StoredEvent[]): void {
    fresh.sort(compareStored);
    if (fresh.length <= MERGE_THRESHOLD) {
      for (const stored of fresh) {
        const at = lowerBound(room.sorted, { order: stored.order, id: stored.event.id });
        room.sorted.splice(at, 0, stored);
      }
      return;
    }
    room.sorted = mergeSorted(room.sorted, fresh);
  }
}

/** Index of the first event at or after `key`. */
function lowerBound(sorted: readonly StoredEvent[], key: HistoryCursor): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const stored = sorted[mid];
    if (stored && compareKeys(stored.order, stored.event.id, key.order, key.id) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

function mergeSorted(a: readonly StoredEvent[], b: readonly StoredEvent[]): StoredEvent[] {
  const out: StoredEvent[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as StoredEvent;
    const y = b[j] as StoredEvent;
    if (compareStored(x, y) <= 0) {
      out.push(x);
      i += 1;
    } else {
      out.push(y);
      j += 1;
    }
  }
  while (i < a.length) out.push(a[i++] as StoredEvent);
  while (j < b.length) out.push(b[j++] as StoredEvent);
  return out;
}
