import * as Y from 'yjs';
import { IdbUpdateStore } from './IdbUpdateStore';
import { RetryBackoff } from './RetryBackoff';
import { StorageHealth } from './StorageHealth';
import type { UpdateStore } from './UpdateStore';
import type { YjsPersistenceOptions } from './YjsPersistenceOptions';

export type Mode = 'loading' | 'reader' | 'writer' | 'failed' | 'destroyed';

/** Pending updates up to this many bytes in all are merged into one record before writing. */
const MERGE_BYTES = 64 * 1024;

/**
 * The writing side of YjsPersistence: the updates pending, written as group commits (small
 * ones merged into one record), compaction past `compactAfter` records, and a failed write
 * kept and tried again with backoff. Only while `mode` is 'writer'; YjsPersistence decides
 * that (the Web Lock) and loads.
 */
export class YjsWriter {
  readonly doc: Y.Doc;
  readonly health: StorageHealth;
  protected readonly store: UpdateStore;
  private readonly compactAfter: number;
  protected mode: Mode = 'loading';
  protected pending: Uint8Array[] = [];
  protected writing: Promise<void> | undefined;
  protected counts = { loaded: 0, skipped: 0, written: 0, writes: 0, compactions: 0 };
  protected readonly retry: RetryBackoff;
  /** Set while destroy() writes the last of it: no retry is scheduled any more. */
  protected closing = false;
  /** A write failed: the next waits for the retry (or for destroy's last try). */
  protected stalled = false;

  constructor(roomId: string, doc: Y.Doc, options: YjsPersistenceOptions) {
    this.doc = doc;
    this.store = options.store ?? new IdbUpdateStore(roomId);
    this.compactAfter = options.compactAfter ?? 500;
    this.health = options.health ?? new StorageHealth();
    this.retry = new RetryBackoff(options.retry);
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

  protected kick(): void {
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
}
