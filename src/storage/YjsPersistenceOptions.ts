// The options a YjsPersistence takes and the counters it reports.
import type { RetryOptions } from './RetryBackoff';
import type { StorageHealth } from './StorageHealth';
import type { UpdateStore } from './UpdateStore';

/** Options of {@link YjsPersistence}. */
export interface YjsPersistenceOptions {
  /** Where the updates go; an IdbUpdateStore for the room unless given. */
  readonly store?: UpdateStore;
  /** Compact once this many updates are stored (default 500, as y-indexeddb). */
  readonly compactAfter?: number;
  /** Told about storage failures; the doc goes on in memory. A private one unless given. */
  readonly health?: StorageHealth;
  /** Lock manager for the one-writer rule; navigator.locks unless given, null for none. */
  readonly locks?: LockManager | null;
  /** Name of the writer lock; `meshchat-yjs-writer:<roomId>` unless given. */
  readonly lockName?: string;
  /**
   * The stored state is read at once but applied only once this settles (or the persistence is
   * destroyed): applying a large room blocks the main thread for a second or more, so the app
   * first shows the room's newest stored page. Local edits made meanwhile are kept and written.
   */
  readonly applyAfter?: PromiseLike<unknown>;
  /** When to try a failed write again (default: after 1 s, doubling up to 30 s). */
  readonly retry?: RetryOptions;
}

/** What a persistence has done so far. */
export interface YjsPersistenceStats {
  /** Updates read at load (and again at a takeover). */
  readonly loaded: number;
  /** Stored records skipped as damaged. */
  readonly skipped: number;
  /** Updates written. */
  readonly written: number;
  /** Write transactions made (group commits of the updates). */
  readonly writes: number;
  readonly compactions: number;
}
