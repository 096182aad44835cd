import * as Y from 'yjs';
import { applyEach } from './applyEach';
import { hasContent } from './UpdateStore';
import { WriterLock } from './WriterLock';
import type { YjsPersistenceOptions, YjsPersistenceStats } from './YjsPersistenceOptions';
import { YjsWriter } from './YjsWriter';

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
export class YjsPersistence extends YjsWriter {
  readonly roomId: string;
  /** Resolves once the stored state is in the doc (or loading failed, see health). */
  readonly whenSynced: Promise<this>;
  private readonly lock: WriterLock;
  private destroying: Promise<void> | undefined;
  private readonly applyAfter: Promise<unknown>;
  private stopWaiting: () => void = () => undefined;
  private observing = true;

  constructor(roomId: string, doc: Y.Doc, options: YjsPersistenceOptions = {}) {
    super(roomId, doc, options);
    this.roomId = roomId;
    this.lock = new WriterLock(options.lockName ?? `meshchat-yjs-writer:${roomId}`, options.locks);
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

  /** Compacts now, whatever the count: the store then holds one update. Writer only. */
  async compact(): Promise<void> {
    await this.flush();
    if (this.mode !== 'writer') return;
    await this.guard(async () => {
      await this.store.compact('full');
      this.counts.compactions += 1;
    });
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
