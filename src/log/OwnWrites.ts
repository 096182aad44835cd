import type * as Y from 'yjs';
import type { EncodedBatch } from './batches';
import type { EntryPages } from './EntryPages';
import type { FutureHold } from './FutureHold';
import { encodeEntry, type SignedEntry } from './schema';

export interface OwnWritesOptions {
  readonly doc: Y.Doc;
  readonly messages: EntryPages;
  readonly batches: Y.Map<unknown>;
  /** The origin of the transactions that write the batches (the log). */
  readonly origin: unknown;
  readonly future: FutureHold;
  readonly now: () => number;
  /** Whether an entry is listed or held already. */
  readonly isKept: (id: string) => boolean;
  /** Lists entries (sorted) and tells the log's observers. */
  readonly show: (entries: SignedEntry[], stored: boolean) => void;
  /** Treats a write over a verified entry as any such write (counted, undone: KeptRecords). */
  readonly guardEntry: (id: string, kept: SignedEntry, gone: boolean) => void;
  /** Runs `work` once whatever the log is checking before it is done. */
  readonly after: (work: () => void) => void;
  readonly isDestroyed: () => boolean;
}

/**
 * Writes this tab's signed batches (OwnBatches.ts) into the document and lists their entries.
 * The entries were made and hashed here and their batch signed here: they are listed without
 * being decoded, hashed or looked up again, once whatever the log is checking before them is
 * done. The log's reader skips the transactions that write them (isOwn).
 */
export class OwnWrites {
  /** The transaction writing a batch of this tab's, while it runs. */
  private transaction: Y.Transaction | undefined;
  /** Transactions of other writers that changed entries (see admit). */
  private otherWrites = 0;

  constructor(private readonly options: OwnWritesOptions) {}

  /** Whether `transaction` writes one of this tab's batches. */
  isOwn(transaction: Y.Transaction): boolean {
    return transaction === this.transaction;
  }

  /** Counts a transaction of another writer that changed entries. */
  otherWrite(): void {
    this.otherWrites += 1;
  }

  /** Writes one signed batch and its entries in one transaction; lists them after. */
  write(batchId: string, record: EncodedBatch, entries: SignedEntry[]): void {
    const { doc, batches, messages, origin } = this.options;
    const written = new Array<unknown>(entries.length);
    const otherWrites = this.otherWrites;
    doc.transact((transaction) => {
      this.transaction = transaction;
      batches.set(batchId, record);
      for (let k = 0; k < entries.length; k += 1) {
        const entry = entries[k] as SignedEntry;
        const encoded = encodeEntry(entry);
        written[k] = encoded;
        messages.set(entry.id, encoded);
      }
    }, origin);
    this.transaction = undefined;
    this.options.after(() => this.admit(entries, written, otherWrites));
  }

  /**
   * Lists this tab's own entries, in append order (their clocks rise). They are genuine by
   * construction: one that a peer wrote over or deleted before this turn is listed all the
   * same, and the peer's write is treated as any write over a verified key (counted, undone).
   * `written` holds the very objects put in the map; `otherWrites`, the count of other writers'
   * transactions before the write: while it has not moved, no entry can have changed.
   */
  private admit(entries: readonly SignedEntry[], written: unknown[], otherWrites: number): void {
    const { messages, future, isKept, show, guardEntry } = this.options;
    if (this.options.isDestroyed()) return;
    const untouched = otherWrites === this.otherWrites;
    const accepted: SignedEntry[] = [];
    const changed: SignedEntry[] = [];
    const now = this.options.now();
    for (let k = 0; k < entries.length; k += 1) {
      const entry = entries[k] as SignedEntry;
      if (isKept(entry.id)) continue;
      if (future.early(entry, now)) future.hold(entry, false);
      else accepted.push(entry);
      if (!untouched && messages.get(entry.id) !== written[k]) changed.push(entry);
    }
    show(accepted, false);
    for (const entry of changed) guardEntry(entry.id, entry, !messages.has(entry.id));
  }
}
