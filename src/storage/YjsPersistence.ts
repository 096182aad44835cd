import * as Y from 'yjs';
import { applyEach } from './applyEach';
import { IdbUpdateStore } from './IdbUpdateStore';
import { RetryBackoff } from './RetryBackoff';
import { StorageHealth } from './StorageHealth';
import { hasContent, type UpdateStore } from './UpdateStore';
import { WriterLock } from './WriterLock';
import type { YjsPersistenceOptions, YjsPersistenceStats } from './YjsPersistenceOptions';

type Mode = 'loading' | 'reader' | 'writer' | 'failed' | 'destroyed';

/** Pending updates up to this many bytes in all are merged into one record before writing. */
const MERGE_BYTES = 64 * 1024;

/**
 * Keeps a room's Y.Doc in IndexedDB, as y-indexeddb does (an `updates` store, all applied at
 * load, compacted past `compactAfter` records), with the same lifecycle:
 * `new YjsPersistence(roomId, doc)`, `whenSynced`, `destroy()`. Every update of the doc is
 * written whatever its origin (local edits, peers, other tabs), except those it loads itself.
 * Writes are group commits: an update starts a write at once, and those that arrive during it
 * go into the next transaction (small ones merged into one record).
 *
 * Compaction merges the stored updates with Y.mergeUpdates rather than writing
 * Y.encodeStateAsUpdate(doc): the same state, but computed from what is stored, so it can never
 * drop an update this doc lacks; and it is tiered (see compactRecords), because for a room of
 * 100,000 messages either call blocks the main thread for seconds and must not run every 500
 * writes. compact() leaves exactly one update.
 *
 * Two tabs of one room: one writer at a time, by a Web Lock per room. Both load and read; only
 * the lock holder writes, so the tabs, which receive each other's updates (y-webrtc links the
 * tabs of a browser over BroadcastChannel), do not store everything twice. The others wait in
 * line; when the writer's tab closes or crashes the lock passes on, and the new writer re-reads
 * the store and writes whatever its doc holds that the store lacks (a diff against the stored
 * state vector), so nothing it saw while waiting is lost. Writes are not made idempotent
 * instead: Yjs updates carry no id to deduplicate on, and diffing every write against the
 * stored state costs a read per write; a lock costs nothing per write. (What is left, and
 * accepted: a deletion may be written once more at a takeover; compaction merges it away.)
 *
 * Storage failures (quota, IndexedDB unavailable, a closed connection) are reported to
 * `health`; `whenSynced` still resolves and the doc goes on in memory. Nothing throws into Yjs.
 * A failed write loses nothing: its updates stay pending, in order, with those that come
 * after, and the write is tried again with backoff (`retry`); once one succeeds, `health`
 * hears that this persistence has recovered. A failed load (or takeover) still ends writing
 * for the page's life: without the stored state, this tab cannot know what the store lacks.
 */
export class YjsPersistence {
  readonly roomId: string;
  readonly doc: Y.Doc;
  /** Resolves once the stored state is in the doc (or loading failed, see health). */
  readonly whenSynced: Promise<this>;
  readonly health: StorageHealth;
  private readonly store: UpdateStore;
  private readonly compactAfter: number;
  private readonly lock: WriterLock;
  private mode: Mode = 'loading';
  private pending: Uint8Array[] = [];
  private writing: Promise<void> | undefined;
  private destroying: Promise<void> | undefined;
  private counts = { loaded: 0, skipped: 0, written: 0, writes: 0, compactions: 0 };
  private readonly applyAfter: Promise<unknown>;
  private stopWaiting: () => void = () => undefined;
  private observing = true;
  private readonly retry: RetryBackoff;
  /** Set while destroy() writes the last of it: no retry is scheduled any more. */
  private closing = false;
  /** A write failed: the next waits for the retry (or for destroy's last try). */
  private stalled = false;

  constructor(roomId: string, doc: Y.Doc, options: YjsPersistenceOptions = {}) {
    this.roomId = roomId;
    this.doc = doc;
    this.store = options.store ?? new IdbUpdateStore(roomId);
    this.compactAfter = options.compactAfter ?? 500;
    this.health = options.health ?? new StorageHealth();
    this.lock = new WriterLock(options.lockName ?? `meshchat-yjs-writer:${roomId}`, options.locks);
    this.retry = new RetryBackoff(options.retry);
    const stopped = new Promise<void>((resolve) => (this.stopWaiting = resolve));
    this.applyAfter = Promise.race([Promise.resolve(options.applyAfter).catch(() => {}), stopped]);
    doc.on('update', this.onUpdate);
    doc.on('destroy', this.onDocDestroy);
    this.whenSynced = this.start();
  }

  /** True once the stored state has been applied. */
  get synced(): boolean {
    return this.mode !== 'loading';
  }

  /** True while this instance is the one that writes the room's updates. */
  get isWriter(): boolean {
    return this.mode === 'writer';
  }

  stats(): YjsPersistenceStats {
    return { ...this.counts };
  }

  /**
   * Settles once every update seen so far is written, or its write failed (it then stays
   * pending, for the retry). Never rejects.
   */
  async flush(): Promise<void> {
    this.kick();
    while (this.writing) await this.writing;
  }

  /** Updates seen but not yet written (kept while storage fails). */
  get unsaved(): number {
    return this.pending.length;
  }

  /** Compacts now, whatever the count: the store then holds one update. Writer only. */
  async compact(): Promise<void> {
    await this.flush();
    if (this.mode !== 'writer') return;
    await this.guard(async () => {
      await this.store.compact('full');
      this.counts.compactions += 1;
    });
  }

  /**
   * Replaces the stored updates by the doc's own state. Writer only. After sealing
   * (src/log/Seals.ts) the doc keeps tombstones where the stored updates still hold every
   * sealed entry's content; this lets storage shrink with the doc. Safe for the writer alone:
   * its doc holds everything stored (it loaded the store and has written every update since).
   * Run in the write chain, so no append lands between the state and its replacement. A
   * failure is reported and loses nothing (the old records stay).
   */
  async rewrite(): Promise<void> {
    // As flush() does, but the check below runs in the same turn as the last wait's end.
    this.kick();
    while (this.writing) await this.writing;
    if (this.mode !== 'writer' || this.stalled || this.doc.isDestroyed) return;
    const state = Y.encodeStateAsUpdate(this.doc);
    const run = this.store.replaceWith(state).then(
      () => void (this.counts.compactions += 1),
      (error: unknown) => void this.health.report(error, this),
    );
    this.writing = run.finally(() => {
      this.writing = undefined;
      this.kick();
    });
    await this.writing;
  }

  /** Writes what is pending, stops observing the doc, lets the lock go, closes. Idempotent. */
  destroy(): Promise<void> {
    this.destroying ??= this.shutdown();
    return this.destroying;
  }

  private async shutdown(): Promise<void> {
    // Loading first, so that updates made while it ran are written, not dropped.
    this.stopWaiting();
    await this.whenSynced;
    this.observing = false;
    this.doc.off('update', this.onUpdate);
    this.doc.off('destroy', this.onDocDestroy);
    // One last try now, whatever the backoff says: what fails now is lost with the doc.
    this.closing = true;
    this.retry.stop();
    this.stalled = false;
    await this.flush();
    this.mode = 'destroyed';
    this.lock.release();
    this.store.close();
  }

  private readonly onDocDestroy = (): void => {
    void this.destroy();
  };

  private readonly onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === this) return;
    // While loading it is not yet known whether this tab writes (the lock may come later):
    // keep everything until then. A reader keeps nothing: when it becomes the writer, it
    // writes its doc's diff instead.
    if (this.mode === 'writer' || this.mode === 'loading') {
      this.pending.push(update);
      this.kick();
    }
  };

  private async start(): Promise<this> {
    await this.lock.start();
    const writer = this.lock.held;
    // Anything stored is in the doc after this; the writer's own updates made meanwhile wait in
    // `pending` and are written after.
    await this.guard(async () => {
      const stored = await this.store.load();
      await this.applyAfter;
      this.apply(stored);
    });
    if (this.mode !== 'loading') return this; // failed
    if (writer) {
      this.mode = 'writer';
      this.kick();
    } else {
      this.mode = 'reader';
      this.pending = [];
      this.lock.acquired.then(
        () => this.takeOver(),
        () => undefined,
      );
    }
    return this;
  }

  /** The previous writer is gone: catch up with the store, then write what it lacks. */
  private async takeOver(): Promise<void> {
    if (this.mode !== 'reader') return;
    await this.guard(async () => {
      const stored = await this.store.load();
      if (this.mode !== 'reader') return;
      // The state vector of what is stored, from a scratch doc: rare (a takeover), and cheaper
      // than merging the stored updates.
      const scratch = new Y.Doc();
      applyEach(scratch, stored.updates, null);
      const storedVector = Y.encodeStateVector(scratch);
      scratch.destroy();
      this.apply(stored);
      const diff = Y.encodeStateAsUpdate(this.doc, storedVector);
      this.mode = 'writer';
      this.pending = [];
      if (hasContent(diff)) this.pending.push(diff);
      this.kick();
    });
  }

  /** Applies stored updates to the doc as this persistence's own. */
  private apply(stored: { updates: readonly Uint8Array[]; skipped: number }): void {
    this.counts.loaded += stored.updates.length;
    this.counts.skipped += stored.skipped;
    if (this.doc.isDestroyed) return;
    // Not observed while applied: with an 'update' listener Yjs encodes the whole transaction
    // again (over a second at 100k messages) only for onUpdate to ignore it as its own.
    this.doc.off('update', this.onUpdate);
    try {
      this.counts.skipped += applyEach(this.doc, stored.updates, this);
    } finally {
      if (this.observing) this.doc.on('update', this.onUpdate);
    }
  }

  private kick(): void {
    if (this.writing || this.pending.length === 0 || this.mode !== 'writer') return;
    // After a failure, the next write waits for its retry.
    if (this.stalled) return;
    this.writing = this.drain().finally(() => {
      this.writing = undefined;
      this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0 && this.mode === 'writer') {
      const batch = this.pending.splice(0);
      // Merging small updates is cheap and saves records; big ones (a sync) go in as they are.
      const bytes = batch.reduce((sum, update) => sum + update.length, 0);
      const records = batch.length > 1 && bytes <= MERGE_BYTES ? [Y.mergeUpdates(batch)] : batch;
      let count: number;
      try {
        count = await this.store.append(records);
      } catch (error) {
        // Kept, before whatever came meanwhile, for the next try.
        this.pending.unshift(...batch);
        this.health.report(error, this);
        this.stalled = true;
        if (!this.closing) {
          this.retry.schedule(() => {
            this.stalled = false;
            this.kick();
          });
        }
        return;
      }
      this.counts.written += batch.length;
      this.counts.writes += 1;
      this.retry.reset();
      this.health.recovered(this);
      if (count >= this.compactAfter) {
        try {
          await this.store.compact('tiered');
          this.counts.compactions += 1;
        } catch (error) {
          // Nothing is lost: the next write past compactAfter compacts again.
          this.health.report(error, this);
        }
      }
    }
  }

  /** Runs storage work; a failure is reported to health and ends writing, never thrown. */
  private async guard(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.health.report(error);
      if (this.mode !== 'destroyed') this.mode = 'failed';
      this.pending = [];
      // Let another tab try: the failure may be this tab's alone (a closed connection).
      this.lock.release();
    }
  }
}
