import { DestroyedError } from './errors';
import {
  compactRecords,
  type CompactionMode,
  type StoredUpdates,
  type UpdateStore,
} from './UpdateStore';

/**
 * An in-memory UpdateStore: the fake for tests, and the store of a room when IndexedDB is
 * unavailable. Several YjsPersistence instances may share one, as tabs share a database.
 */
export class MemoryUpdateStore implements UpdateStore {
  private updates: Uint8Array[] = [];
  private destroyed = false;

  async load(): Promise<StoredUpdates> {
    await this.check('load');
    return { updates: [...this.updates], skipped: 0 };
  }

  async append(updates: readonly Uint8Array[]): Promise<number> {
    await this.check('append');
    for (const update of updates) this.updates.push(update.slice());
    return this.updates.length;
  }

  async compact(mode: CompactionMode): Promise<void> {
    await this.check('compact');
    this.updates = compactRecords(this.updates, mode);
  }

  async replaceWith(state: Uint8Array): Promise<void> {
    await this.check('replaceWith');
    this.updates = [state.slice()];
  }

  async count(): Promise<number> {
    await this.check('count');
    return this.updates.length;
  }

  close(): void {
    // A shared in-memory store outlives each user, as a database outlives one connection.
  }

  /** Ends this store for good: later calls reject with DestroyedError. Idempotent. */
  destroy(): void {
    this.destroyed = true;
  }

  private async check(operation: string): Promise<void> {
    await Promise.resolve();
    if (this.destroyed) throw new DestroyedError(`MemoryUpdateStore.${operation}`);
  }
}
