import { DestroyedError, StorageError } from './errors';
import {
  DEFAULT_COUNT_LIMIT,
  type EventStore,
  type HistoryCursor,
  type HistoryPage,
  mergePages,
  type PutResult,
  type StoredEvent,
} from './EventStore';
import { MemoryEventStore } from './MemoryEventStore';
import { RetryBackoff, type RetryOptions } from './RetryBackoff';
import type { StorageHealth } from './StorageHealth';

/** A write that reached memory only, to be made on the disk once it works again. */
type Unsaved =
  | { readonly kind: 'put'; readonly events: readonly StoredEvent[] }
  | { readonly kind: 'redact'; readonly roomId: string; readonly ids: readonly string[] }
  | {
      readonly kind: 'revise';
      readonly roomId: string;
      readonly edits: readonly (readonly [string, string])[];
    }
  | { readonly kind: 'deleteRoom'; readonly roomId: string };

/** The writes that change what is stored already. */
type Change = Exclude<Unsaved, { readonly kind: 'put' }>;

function applyChange(store: EventStore, write: Change): Promise<void> {
  switch (write.kind) {
    case 'redact':
      return store.redact(write.roomId, write.ids);
    case 'revise':
      return store.revise(write.roomId, write.edits);
    case 'deleteRoom':
      return store.deleteRoom(write.roomId);
  }
}

const EMPTY: HistoryPage = { events: [], older: undefined, skipped: 0 };

/**
 * An EventStore that never fails for storage reasons: it writes to `primary` (IndexedDB) until
 * a write fails (quota, closed connection, ...), reports that to `health`, and from then on
 * keeps new events in an in-memory store. Reads merge both, so history stays whole: what was
 * saved before the failure and what arrived since. Without a primary (IndexedDB unavailable)
 * it is the memory store alone.
 *
 * The failure need not last: every write kept in memory is also queued, and the queue is
 * written to the primary again with backoff (`retry`). Once all of it is written, writes and
 * reads go to the primary again, the memory store is emptied, and `health` hears that this
 * store has recovered.
 *
 * Misuse (an invalid event, a bad page size) still rejects with StorageError: that is a bug to
 * fix, not a disk to work around. In degraded mode counts may include an event twice if it was
 * stored before the failure and put again after it.
 */
export class ResilientEventStore implements EventStore {
  private readonly primary: EventStore | undefined;
  private fallback: MemoryEventStore;
  private readonly health: StorageHealth;
  /** Writes since the failure, oldest first, that the primary does not have yet. */
  private unsaved: Unsaved[] = [];
  private readonly retry: RetryBackoff;
  private recovering = false;
  /** Writes go to memory. */
  private degraded: boolean;
  /** The primary still answers reads (after a quota error it does; after a close it does not). */
  private primaryReadable: boolean;
  private destroyed = false;

  constructor(
    primary: EventStore | undefined,
    health: StorageHealth,
    options: { readonly retry?: RetryOptions } = {},
  ) {
    this.primary = primary;
    this.health = health;
    this.retry = new RetryBackoff(options.retry);
    this.fallback = new MemoryEventStore();
    this.degraded = primary === undefined;
    this.primaryReadable = primary !== undefined;
  }

  /** True while writes go to memory only. */
  get inMemory(): boolean {
    return this.degraded;
  }

  get corrupted(): number {
    return this.primary?.corrupted ?? 0;
  }

  async put(events: readonly StoredEvent[]): Promise<PutResult> {
    this.check('put');
    if (!this.degraded && this.primary) {
      try {
        return await this.primary.put(events);
      } catch (error) {
        this.fail(error);
      }
    }
    const result = await this.fallback.put(events);
    this.keep({ kind: 'put', events });
    return result;
  }

  async page(roomId: string, count: number, before?: HistoryCursor): Promise<HistoryPage> {
    this.check('page');
    const disk = await this.read((primary) => primary.page(roomId, count, before), EMPTY);
    if (!this.degraded) return disk;
    const memory = await this.fallback.page(roomId, count, before);
    return mergePages(disk, memory, count);
  }

  async count(roomId: string): Promise<number> {
    this.check('count');
    const disk = await this.read((primary) => primary.count(roomId), 0);
    return this.degraded ? disk + (await this.fallback.count(roomId)) : disk;
  }

  async countMessagesAfter(
    roomId: string,
    after: number,
    exceptUserId?: string,
    limit = DEFAULT_COUNT_LIMIT,
  ): Promise<number> {
    this.check('countMessagesAfter');
    const count = (store: EventStore): Promise<number> =>
      store.countMessagesAfter(roomId, after, exceptUserId, limit);
    const disk = await this.read(count, 0);
    if (!this.degraded) return disk;
    return Math.min(limit, disk + (await count(this.fallback)));
  }

  async redact(roomId: string, ids: readonly string[]): Promise<void> {
    this.check('redact');
    await this.change({ kind: 'redact', roomId, ids });
  }

  async revise(roomId: string, edits: readonly (readonly [string, string])[]): Promise<void> {
    this.check('revise');
    await this.change({ kind: 'revise', roomId, edits });
  }

  async deleteRoom(roomId: string): Promise<void> {
    this.check('deleteRoom');
    await this.change({ kind: 'deleteRoom', roomId });
  }

  /** Makes a change in memory, then on the disk, or keeps it for the disk while that fails. */
  private async change(write: Change): Promise<void> {
    await applyChange(this.fallback, write);
    if (this.degraded || !this.primary) {
      this.keep(write);
      return;
    }
    try {
      await applyChange(this.primary, write);
    } catch (error) {
      this.fail(error);
      this.keep(write);
    }
  }

  /** Writes kept in memory that the disk does not have yet (0 while storage works). */
  get unsavedWrites(): number {
    return this.unsaved.length;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.retry.stop();
    this.primary?.destroy();
    this.fallback.destroy();
  }

  /** Not destroyed (a method, so that checks after an await are not narrowed away). */
  private alive(): boolean {
    return !this.destroyed;
  }

  private check(operation: string): void {
    if (this.destroyed) throw new DestroyedError(`ResilientEventStore.${operation}`);
  }

  /** Reads from the primary while it answers; a read failure degrades, yielding `otherwise`. */
  private async read<T>(work: (primary: EventStore) => Promise<T>, otherwise: T): Promise<T> {
    if (!this.primary || !this.primaryReadable) return otherwise;
    try {
      return await work(this.primary);
    } catch (error) {
      if (error instanceof StorageError) throw error;
      this.primaryReadable = false;
      this.fail(error);
      return otherwise;
    }
  }

  private fail(error: unknown): void {
    if (error instanceof StorageError) throw error;
    this.degraded = true;
    this.health.report(error, this);
    this.retry.schedule(() => void this.recover());
  }

  /** Queues a write that reached memory only (with no primary there is nothing to wait for). */
  private keep(write: Unsaved): void {
    if (!this.primary) return;
    this.unsaved.push(write);
    this.retry.schedule(() => void this.recover());
  }

  /**
   * Tries the disk again: reads once if reads had failed, then makes every queued write there,
   * in order (each is idempotent, so one made twice after a failure midway does no harm).
   * Writes that come meanwhile join the queue and are made in the same run.
   */
  private async recover(): Promise<void> {
    const primary = this.primary;
    if (!primary || this.destroyed || this.recovering) return;
    this.recovering = true;
    try {
      if (!this.primaryReadable) await primary.count('');
      // No await between the queue's end and the switch below: nothing can slip in unsaved.
      for (let write = this.unsaved[0]; write; write = this.unsaved[0]) {
        if (write.kind === 'put') await primary.put(write.events);
        else await applyChange(primary, write);
        this.unsaved.shift();
      }
    } catch (error) {
      if (this.alive()) {
        this.health.report(error, this);
        this.retry.schedule(() => void this.recover());
      }
      return;
    } finally {
      this.recovering = false;
    }
    if (!this.alive()) return;
    // Everything is on disk: the memory store's copy is no longer needed.
    this.degraded = false;
    this.primaryReadable = true;
    this.fallback.destroy();
    this.fallback = new MemoryEventStore();
    this.retry.reset();
    this.health.recovered(this);
  }
}
