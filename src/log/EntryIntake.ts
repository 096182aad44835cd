import type * as Y from 'yjs';
import type { Admission } from './Admission';
import type { EntryChange, EntryPages } from './EntryPages';
import type { KeptRecords } from './KeptRecords';
import type { Orphans } from './Orphans';
import type { OwnWrites } from './OwnWrites';
import { isContentKey, type SignedEntry } from './schema';

export interface EntryIntakeOptions {
  readonly messages: EntryPages;
  readonly batches: Y.Map<unknown>;
  readonly admission: Admission;
  readonly orphans: Orphans;
  readonly kept: KeptRecords;
  /** This tab's own writes: their transactions are not read here. */
  readonly own: OwnWrites;
  /** A listed or held entry, by id. */
  readonly keptEntry: (id: string) => SignedEntry | undefined;
  /** The origin of updates loaded from this tab's storage: their entries are `stored`. */
  readonly storedOrigin: unknown;
}

/**
 * What the log reads: entries and batches that others wrote into the document (peers, the
 * tab's storage, the document it was made on), a peer's preview and opened segments. Each goes
 * through Admission in arrival order, one piece of work after the other; entries whose batch is
 * missing wait for it (Orphans.ts); writes over verified keys go to KeptRecords.
 */
export class EntryIntake {
  private processing: Promise<void> = Promise.resolve();

  constructor(private readonly options: EntryIntakeOptions) {
    options.messages.observe(this.onMessages);
    options.batches.observe(this.onBatches);
    this.enqueue([...options.messages.keys()], true);
  }

  /** Runs `work` after everything read before it has been checked. */
  after(work: () => void | Promise<void>): void {
    this.processing = this.processing.then(work);
  }

  /** Settles once everything read so far has been checked. */
  whenDone(): Promise<void> {
    return this.processing;
  }

  /** Entries already checked against batches the log's verifier holds (an opened segment). */
  ingestChecked(entries: readonly SignedEntry[]): void {
    const { keptEntry, admission } = this.options;
    const fresh = entries.filter((e) => keptEntry(e.id) === undefined);
    this.after(() => admission.adopt(fresh, null, false, false));
  }

  /** Entries from outside the document, with the batch records that vouch for them. */
  ingest(
    entries: readonly (readonly [string, unknown])[],
    batches: readonly (readonly [string, unknown])[],
  ): void {
    // Only content-addressed records: a v1 batch id is random, so a peer could claim one.
    const given = new Map(batches.filter(([batchId]) => isContentKey(batchId)));
    const map = this.options.batches;
    this.after(() =>
      this.options.admission.admit(
        entries,
        (batchId) => given.get(batchId) ?? map.get(batchId),
        false,
        false,
      ),
    );
  }

  /** Stops reading the batches (the log destroys its EntryPages, and their observers). */
  destroy(): void {
    this.options.batches.unobserve(this.onBatches);
  }

  private isStored(origin: unknown): boolean {
    return this.options.storedOrigin !== undefined && origin === this.options.storedOrigin;
  }

  private readonly onMessages = (
    changes: readonly EntryChange[],
    transaction: Y.Transaction,
  ): void => {
    const { own, keptEntry, kept } = this.options;
    if (own.isOwn(transaction)) return;
    own.otherWrite();
    const ids: string[] = [];
    for (const { id, gone } of changes) {
      const entry = keptEntry(id);
      if (entry) kept.guardEntry(id, entry, gone);
      else if (!gone) ids.push(id);
    }
    this.enqueue(ids, this.isStored(transaction.origin));
  };

  private readonly onBatches = (event: Y.YMapEvent<unknown>): void => {
    const { kept, batches, orphans, own, admission } = this.options;
    const ids: string[] = [];
    const added: [string, unknown][] = [];
    for (const [batchId, change] of event.changes.keys) {
      kept.guardBatch(batchId, change.action === 'delete');
      if (change.action === 'delete') continue;
      const record = batches.get(batchId);
      added.push([batchId, record]);
      ids.push(...orphans.arrived(batchId, record, this.lookup));
    }
    const stored = this.isStored(event.transaction.origin);
    if (!own.isOwn(event.transaction) && !stored) admission.startChecks(added);
    this.enqueue(ids);
  };

  private readonly lookup = {
    known: (id: string): boolean => this.options.keptEntry(id) !== undefined,
    inDocument: (id: string): boolean => this.options.messages.has(id),
  };

  private enqueue(ids: string[], stored = false): void {
    if (ids.length === 0) return;
    const { admission, messages, batches } = this.options;
    this.after(() =>
      admission.admit(
        ids.map((id) => [id, messages.get(id)] as const),
        (batchId) => batches.get(batchId),
        true,
        stored,
      ),
    );
  }
}
