import type {
  EventStore,
  HistoryCursor,
  HistoryPage,
  PutResult,
  StoredEvent,
} from '../../storage/EventStore';

/**
 * A test double: an EventStore that passes calls through to `inner` until told to fail, then
 * rejects writes (and, if asked, reads) with a given error, as a full disk or a closed
 * connection would. Counts the writes that reached it.
 */
export class FaultyEventStore implements EventStore {
  /** The error writes reject with; undefined while healthy. */
  failWrites: unknown;
  /** The error reads reject with; undefined while healthy. */
  failReads: unknown;
  /** put() calls, failed ones included. */
  puts = 0;

  constructor(private readonly inner: EventStore) {}

  get corrupted(): number {
    return this.inner.corrupted;
  }

  put(events: readonly StoredEvent[]): Promise<PutResult> {
    this.puts += 1;
    return this.failWrites === undefined ? this.inner.put(events) : this.reject(this.failWrites);
  }

  page(roomId: string, count: number, before?: HistoryCursor): Promise<HistoryPage> {
    return this.readOr(() => this.inner.page(roomId, count, before));
  }

  count(roomId: string): Promise<number> {
    return this.readOr(() => this.inner.count(roomId));
  }

  countMessagesAfter(
    roomId: string,
    after: number,
    exceptUserId?: string,
    limit?: number,
  ): Promise<number> {
    return this.readOr(() => this.inner.countMessagesAfter(roomId, after, exceptUserId, limit));
  }

  redact(roomId: string, ids: readonly string[]): Promise<void> {
    return this.failWrites === undefined
      ? this.inner.redact(roomId, ids)
      : this.reject(this.failWrites);
  }

  revise(roomId: string, edits: readonly (readonly [string, string])[]): Promise<void> {
    return this.failWrites === undefined
      ? this.inner.revise(roomId, edits)
      : this.reject(this.failWrites);
  }

  deleteRoom(roomId: string): Promise<void> {
    return this.failWrites === undefined
      ? this.inner.deleteRoom(roomId)
      : this.reject(this.failWrites);
  }

  destroy(): void {
    this.inner.destroy();
  }

  private readOr<T>(read: () => Promise<T>): Promise<T> {
    return this.failReads === undefined ? read() : this.reject(this.failReads);
  }

  private async reject<T>(error: unknown): Promise<T> {
    await Promise.resolve();
    throw error;
  }
}
