import * as Y from 'yjs';
import type { EventLogPort, LogBatchInfo, LogEntry } from '../hub/ports';
import type { EncodedBatch } from './batches';
import { BatchVerifier } from './BatchVerifier';
import { Admission } from './Admission';
import { AuthorQuota, DEFAULT_QUOTA } from './AuthorQuota';
import { EntryIntake } from './EntryIntake';
import { EntryPages } from './EntryPages';
import { FutureHold } from './FutureHold';
import { HybridClock } from './HybridClock';
import { KeptRecords } from './KeptRecords';
import { Orphans } from './Orphans';
import { OwnBatches } from './OwnBatches';
import { OwnWrites } from './OwnWrites';
import {
  BATCHES_ROOT,
  DEFAULT_MAX_MESSAGE_LENGTH,
  compareSigned,
  type RejectReason,
  type SignedEntry,
} from './schema';
import type { Signer } from './signing';
import type { SealedHistory } from './sealing';
import { ListedEntries } from './ListedEntries';
import type { ConvergedKey } from './SortedEntries';
import { speedUpShortStrings } from './shortStrings';
import type { YjsEventLogOptions } from './YjsEventLogOptions';

/** Entries whose batch has not arrived (yet) are kept up to this many, oldest dropped. */
const MAX_ORPHANS = 100_000;

/**
 * The EventLogPort over a Yjs document. Local messages are written in signed batches (see
 * batches.ts); every entry in the document, local or remote, is validated and must be vouched
 * for by a verified batch of its author before it is reported or listed. An invalid or forged
 * entry is dropped and counted, never delivered.
 *
 * This tab's messages are batched and signed by OwnBatches.ts, written and listed by
 * OwnWrites.ts; what others write is read by EntryIntake.ts. What this log verified, it keeps
 * and serves (KeptRecords.ts). Entries that arrive before their batch wait for it (Orphans.ts). Entries dated too far ahead of this tab's clock are
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
  private readonly own: OwnBatches;
  private readonly ownWrites: OwnWrites;
  private readonly kept: KeptRecords;
  private readonly intake: EntryIntake;
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
    const orphans = new Orphans(options.maxPending ?? MAX_ORPHANS, (id) =>
      this.reject(id, 'orphaned'),
    );
    this.own = new OwnBatches({
      roomId: this.roomId,
      signer: this.signer,
      batches: this.batchVerifier,
      clock: this.clock,
      now: this.now,
      write: (batchId, record, entries) => this.ownWrites.write(batchId, record, entries),
    });
    this.messages = new EntryPages(this.doc, { indexed: (tx) => this.ownWrites.isOwn(tx) });
    this.batches = this.doc.getMap(BATCHES_ROOT);
    this.ownWrites = new OwnWrites({
      doc: this.doc,
      messages: this.messages,
      batches: this.batches,
      origin: this,
      future: this.future,
      now: this.now,
      isKept: (id) => this.listed.has(id) || this.future.get(id) !== undefined,
      show: (entries, stored) => this.show(entries, stored),
      guardEntry: (id, kept, gone) => this.kept.guardEntry(id, kept, gone),
      after: (work) => this.intake.after(work),
      isDestroyed: () => this.destroyed,
    });
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
    const admission = new Admission({
      verifier: this.batchVerifier,
      maxMessageLength: this.maxMessageLength,
      quota: new AuthorQuota(options.quota ?? DEFAULT_QUOTA),
      ownUserId: this.signer.userId,
      future: this.future,
      known: (id) => this.listed.get(id) ?? this.future.get(id),
      guardEntry: (id, kept, deleted) => this.kept.guardEntry(id, kept, deleted),
      orphan: (entry) => orphans.add(entry),
      reject: (id, reason) => this.reject(id, reason),
      show: (accepted, stored) => this.show(accepted, stored),
      isDestroyed: () => this.destroyed,
    });
    this.intake = new EntryIntake({
      messages: this.messages,
      batches: this.batches,
      admission,
      orphans,
      kept: this.kept,
      own: this.ownWrites,
      keptEntry: (id) => this.listed.get(id) ?? this.future.get(id),
      storedOrigin: options.storedOrigin,
    });
  }

  /** Entries turned away so far, by reason (hostile writes over kept keys included). */
  rejected(): Record<string, number> {
    return Object.fromEntries(this.rejections);
  }

  /** Settles once every entry written or seen so far has been checked and reported. */
  async whenProcessed(): Promise<void> {
    await this.own.whenWritten();
    await this.intake.whenDone();
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
    this.intake.destroy();
    this.future.destroy();
    this.listed.clearObservers();
  }

  /**
   * Takes entries already checked against their signed batches, which this log's verifier
   * holds (an opened segment, Segment.ts): listed like any other entry (quota, time bounds),
   * without being decoded or hashed again.
   */
  ingestChecked(entries: readonly SignedEntry[]): void {
    if (this.destroyed || entries.length === 0) return;
    this.intake.ingestChecked(entries);
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
    this.intake.ingest(entries, batches);
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
