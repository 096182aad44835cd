import * as Y from 'yjs';
import type { EventLogPort, LogBatchInfo, LogEntry } from '../hub/ports';
import { BatchVerifier, type EncodedBatch } from './batches';
import { Admission } from './Admission';
import { AuthorQuota, DEFAULT_QUOTA, type QuotaLimits } from './AuthorQuota';
import { EntryPages, type EntryChange } from './EntryPages';
import { FutureHold } from './FutureHold';
import { HybridClock } from './HybridClock';
import { KeptRecords } from './KeptRecords';
import { Orphans } from './Orphans';
import { OwnBatches } from './OwnBatches';
import {
  BATCHES_ROOT,
  DEFAULT_MAX_MESSAGE_LENGTH,
  compareSigned,
  encodeEntry,
  isContentKey,
  type RejectReason,
  type SignedEntry,
} from './schema';
import type { SignatureVerifier, Signer } from './signing';
import type { SealedHistory } from './sealing';
import { ListedEntries } from './ListedEntries';
import type { ConvergedKey } from './SortedEntries';
import { speedUpShortStrings } from './shortStrings';

export interface YjsEventLogOptions {
  /** The room's document; the log reads and writes its `messages` and `batches` maps. */
  readonly doc: Y.Doc;
  /** Bound into every signature, so a message cannot be replayed into another room. */
  readonly roomId: string;
  readonly signer: Signer;
  readonly verifier: SignatureVerifier;
  /** Longest accepted message, in UTF-16 code units (default 16,384). */
  readonly maxMessageLength?: number;
  readonly now?: () => number;
  /** Told about every entry turned away (it is never delivered). */
  readonly onReject?: (id: string, reason: RejectReason) => void;
  /**
   * The transaction origin of updates loaded from this tab's storage: their entries are
   * reported with `stored: true`, as are the entries the document held when the log was made.
   */
  readonly storedOrigin?: unknown;
  /** Entries kept while their batch has not arrived (default 100,000; oldest batch dropped). */
  readonly maxPending?: number;
  /** What one author may make this reader hold (AuthorQuota.ts; this tab's own: no limit). */
  readonly quota?: QuotaLimits;
}

/** Entries whose batch has not arrived (yet) are kept up to this many, oldest dropped. */
const MAX_ORPHANS = 100_000;

/**
 * The EventLogPort over a Yjs document. Local messages are written in signed batches (see
 * batches.ts); every entry in the document, local or remote, is validated and must be vouched
 * for by a verified batch of its author before it is reported or listed. An invalid or forged
 * entry is dropped and counted, never delivered.
 *
 * What this log verified, it keeps and serves (KeptRecords.ts). Entries that arrive before
 * their batch wait for it (Orphans.ts). Entries dated too far ahead of this tab's clock are
 * held back until their time (FutureHold.ts).
 */
export class YjsEventLog implements EventLogPort {
  readonly roomId: string;
  private readonly doc: Y.Doc;
  private readonly messages: EntryPages;
  private readonly batches: Y.Map<unknown>;
  private readonly signer: Signer;
  private readonly batchVerifier: BatchVerifier;
  private readonly maxMessageLength: number;
  private readonly now: () => number;
  private readonly onReject: (id: string, reason: RejectReason) => void;
  private readonly clock: HybridClock;
  /** The verified entries, listed and reported. */
  private readonly listed = new ListedEntries();
  private readonly future: FutureHold;
  private readonly storedOrigin: unknown;
  private readonly own: OwnBatches;
  /** The transaction writing this tab's own batch: its entries are admitted by writeBatch. */
  private ownTransaction: Y.Transaction | undefined;
  /** Transactions not this tab's own batches that changed entries (see admitOwn). */
  private otherWrites = 0;
  private readonly orphans: Orphans;
  private readonly kept: KeptRecords;
  private readonly admission: Admission;
  private processing: Promise<void> = Promise.resolve();
  private readonly rejections = new Map<RejectReason, number>();
  /** Sealed history (Seals.ts): deletions it covers are not attacks. */
  private sealed: SealedHistory | undefined;
  private destroyed = false;

  constructor(options: YjsEventLogOptions) {
    // Yjs reads and writes a dozen short strings per entry (shortStrings.ts).
    speedUpShortStrings();
    this.doc = options.doc;
    this.roomId = options.roomId;
    this.signer = options.signer;
    this.batchVerifier = new BatchVerifier(options.roomId, options.verifier);
    this.maxMessageLength = options.maxMessageLength ?? DEFAULT_MAX_MESSAGE_LENGTH;
    this.now = options.now ?? Date.now;
    this.onReject = options.onReject ?? (() => undefined);
    this.clock = new HybridClock(this.now);
    this.future = new FutureHold(
      this.now,
      (entries, stored) => this.show(entries.sort(compareSigned), stored),
      (entry) => this.reject(entry.id, 'held-dropped'),
    );
    this.storedOrigin = options.storedOrigin;
    this.orphans = new Orphans(options.maxPending ?? MAX_ORPHANS, (id) =>
      this.reject(id, 'orphaned'),
    );
    this.own = new OwnBatches({
      roomId: this.roomId,
      signer: this.signer,
      batches: this.batchVerifier,
      clock: this.clock,
      now: this.now,
      write: (batchId, record, entries) => this.writeBatch(batchId, record, entries),
    });
    this.messages = new EntryPages(this.doc);
    this.batches = this.doc.getMap(BATCHES_ROOT);
    this.kept = new KeptRecords({
      doc: this.doc,
      messages: this.messages,
      batches: this.batches,
      verifier: this.batchVerifier,
      maxMessageLength: this.maxMessageLength,
      origin: this,
      kept: (id) => this.listed.get(id) ?? this.future.get(id),
      sealed: () => this.sealed,
      reject: (id, reason) => this.reject(id, reason),
      isDestroyed: () => this.destroyed,
    });
    this.admission = new Admission({
      verifier: this.batchVerifier,
      maxMessageLength: this.maxMessageLength,
      quota: new AuthorQuota(options.quota ?? DEFAULT_QUOTA),
      ownUserId: this.signer.userId,
      future: this.future,
      known: (id) => this.listed.get(id) ?? this.future.get(id),
      guardEntry: (id, kept, deleted) => this.kept.guardEntry(id, kept, deleted),
      orphan: (entry) => this.orphans.add(entry),
      reject: (id, reason) => this.reject(id, reason),
      show: (accepted, stored) => this.show(accepted, stored),
      isDestroyed: () => this.destroyed,
    });
    this.messages.observe(this.onMessages);
    this.batches.observe(this.onBatches);
    this.enqueue([...this.messages.keys()], true);
  }

  /** Entries turned away so far, by reason (hostile writes over kept keys included). */
  rejected(): Record<string, number> {
    return Object.fromEntries(this.rejections);
  }

  /** Settles once every entry written or seen so far has been checked and reported. */
  async whenProcessed(): Promise<void> {
    await this.own.whenWritten();
    await this.processing;
  }

  /** Local messages appended but not yet in the document (waiting for their signature). */
  unwrittenCount(): number {
    return this.own.pending;
  }

  /** How many verified entries are held back because they are dated in the future. */
  heldCount(): number {
    return this.future.size;
  }

  /** Shows the held entries whose time has come (a timer does this too). */
  releaseDue(): void {
    this.future.release();
  }

  append(userId: string, message: string, kind?: string): string {
    if (this.destroyed) throw new Error('append: the log is destroyed');
    if (userId !== this.signer.userId) {
      throw new Error(`append: this tab signs as ${this.signer.userId}, not as ${userId}`);
    }
    if (message.length > this.maxMessageLength) {
      throw new RangeError(
        `append: message is ${message.length} characters; the limit is ${this.maxMessageLength}`,
      );
    }
    return this.own.append(message, kind);
  }

  observe(observer: (entries: readonly LogEntry[], info: LogBatchInfo) => void): () => void {
    return this.listed.observe(observer);
  }

  entries(): readonly SignedEntry[] {
    return this.listed.messages();
  }

  /**
   * The verified kind entries (edits, deletions: entryKinds.ts), in converged order. They are
   * not chat messages: entries() and observe() leave them out, so the hub never sees them.
   */
  kinds(): readonly SignedEntry[] {
    return this.listed.kinds();
  }

  /** Reports kind entries as they are verified; returns an unsubscribe function. */
  observeKinds(observer: (entries: readonly SignedEntry[]) => void): () => void {
    return this.listed.observeKinds(observer);
  }

  /** The newest `count` verified entries before position `end`, oldest first. */
  page(count: number, end?: number): readonly SignedEntry[] {
    return this.listed.page(count, end);
  }

  /** A verified entry by id. */
  get(id: string): SignedEntry | undefined {
    return this.listed.get(id);
  }

  /** Where the document holds the entries (its pages): sealing drops whole pages. */
  get pages(): EntryPages {
    return this.messages;
  }

  /** Verified version 2 entries, messages and kinds, from `first` to `last` (both included). */
  between(first: ConvergedKey, last: ConvergedKey): readonly SignedEntry[] {
    return this.listed.between(first, last);
  }

  /** The batches this log verified: a segment opened with it need not be checked twice. */
  get verifiedBatches(): BatchVerifier {
    return this.batchVerifier;
  }

  /** From now on, entries and batches that `seals` covers may leave the document. */
  honourSeals(seals: SealedHistory): void {
    this.sealed = seals;
  }

  /** The verified record of a batch, as written by its author. */
  batchRecord(batchId: string): EncodedBatch | undefined {
    return this.batchVerifier.known(batchId)?.record;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.own.stop();
    this.messages.destroy();
    this.batches.unobserve(this.onBatches);
    this.future.destroy();
    this.listed.clearObservers();
  }

  /**
   * Writes one of this tab's signed batches (OwnBatches.ts) into the document. Its entries were
   * made and hashed here and their batch signed here: they are listed without being decoded,
   * hashed or looked up again, once whatever the log is checking before them is done.
   */
  private writeBatch(batchId: string, record: EncodedBatch, entries: SignedEntry[]): void {
    const written = new Array<unknown>(entries.length);
    const otherWrites = this.otherWrites;
    this.doc.transact((transaction) => {
      this.ownTransaction = transaction;
      this.batches.set(batchId, record);
      for (let k = 0; k < entries.length; k += 1) {
        const entry = entries[k] as SignedEntry;
        const encoded = encodeEntry(entry);
        written[k] = encoded;
        this.messages.set(entry.id, encoded);
      }
    }, this);
    this.ownTransaction = undefined;
    this.processing = this.processing.then(() => this.admitOwn(entries, written, otherWrites));
  }

  /**
   * Lists this tab's own entries, in append order (their clocks rise). They are genuine by
   * construction: one that a peer wrote over or deleted before this turn is listed all the
   * same, and the peer's write is treated as any write over a verified key (counted, undone).
   * `written` holds the very objects put in the map; `otherWrites`, the count of other writers'
   * transactions before the write: while it has not moved, no entry can have changed.
   */
  private admitOwn(entries: readonly SignedEntry[], written: unknown[], otherWrites: number): void {
    if (this.destroyed) return;
    const untouched = otherWrites === this.otherWrites;
    const accepted: SignedEntry[] = [];
    const changed: SignedEntry[] = [];
    const now = this.now();
    for (let k = 0; k < entries.length; k += 1) {
      const entry = entries[k] as SignedEntry;
      if (this.listed.has(entry.id) || this.future.get(entry.id)) continue;
      if (this.future.early(entry, now)) this.future.hold(entry, false);
      else accepted.push(entry);
      if (!untouched && this.messages.get(entry.id) !== written[k]) changed.push(entry);
    }
    this.show(accepted, false);
    for (const entry of changed)
      this.kept.guardEntry(entry.id, entry, !this.messages.has(entry.id));
  }

  private readonly onMessages = (
    changes: readonly EntryChange[],
    transaction: Y.Transaction,
  ): void => {
    if (transaction === this.ownTransaction) return;
    this.otherWrites += 1;
    const ids: string[] = [];
    for (const { id, gone } of changes) {
      const kept = this.listed.get(id) ?? this.future.get(id);
      if (kept) this.kept.guardEntry(id, kept, gone);
      else if (!gone) ids.push(id);
    }
    const origin = transaction.origin as unknown;
    this.enqueue(ids, this.storedOrigin !== undefined && origin === this.storedOrigin);
  };

  private readonly onBatches = (event: Y.YMapEvent<unknown>): void => {
    const ids: string[] = [];
    const added: [string, unknown][] = [];
    for (const [batchId, change] of event.changes.keys) {
      this.kept.guardBatch(batchId, change.action === 'delete');
      if (change.action === 'delete') continue;
      const record = this.batches.get(batchId);
      added.push([batchId, record]);
      ids.push(...this.orphans.arrived(batchId, record, this.lookup));
    }
    const origin = event.transaction.origin as unknown;
    const stored = this.storedOrigin !== undefined && origin === this.storedOrigin;
    if (event.transaction !== this.ownTransaction && !stored) this.admission.startChecks(added);
    this.enqueue(ids);
  };

  private readonly lookup = {
    known: (id: string): boolean => this.listed.has(id) || this.future.get(id) !== undefined,
    inDocument: (id: string): boolean => this.messages.has(id),
  };

  private enqueue(ids: string[], stored = false): void {
    if (ids.length === 0) return;
    this.processing = this.processing.then(() => this.process(ids, stored));
  }

  private async process(ids: readonly string[], stored: boolean): Promise<void> {
    await this.admission.admit(
      ids.map((id) => [id, this.messages.get(id)] as const),
      (batchId) => this.batches.get(batchId),
      true,
      stored,
    );
  }

  /**
   * Takes entries already checked against their signed batches, which this log's verifier
   * holds (an opened segment, Segment.ts): listed like any other entry (quota, time bounds),
   * without being decoded or hashed again.
   */
  ingestChecked(entries: readonly SignedEntry[]): void {
    if (this.destroyed || entries.length === 0) return;
    const fresh = entries.filter((e) => !this.listed.has(e.id) && !this.future.get(e.id));
    this.processing = this.processing.then(() => this.admission.adopt(fresh, null, false, false));
  }

  /**
   * Takes entries that came from outside the document (a peer's preview, see Preview.ts)
   * with the batch records that vouch for them; each is checked like any other. An entry
   * whose batch is missing is dropped here: it will come again with the full sync.
   */
  ingest(
    entries: readonly (readonly [string, unknown])[],
    batches: readonly (readonly [string, unknown])[],
  ): void {
    if (this.destroyed || entries.length === 0) return;
    // Only content-addressed records: a v1 batch id is random, so a peer could claim one.
    const given = new Map(batches.filter(([batchId]) => isContentKey(batchId)));
    this.processing = this.processing.then(() =>
      this.admission.admit(
        entries,
        (batchId) => given.get(batchId) ?? this.batches.get(batchId),
        false,
        false,
      ),
    );
  }

  /** Lists verified entries (sorted by compareSigned) and tells the observers. */
  private show(accepted: SignedEntry[], stored: boolean): void {
    if (accepted.length === 0 || this.destroyed) return;
    let newest = 0;
    for (const entry of accepted) if (entry.clock > newest) newest = entry.clock;
    this.clock.observe(newest);
    this.listed.add(accepted, stored);
  }

  private reject(id: string, reason: RejectReason): void {
    this.rejections.set(reason, (this.rejections.get(reason) ?? 0) + 1);
    this.onReject(id, reason);
  }
}
