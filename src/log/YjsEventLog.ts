import * as Y from 'yjs';
import { decodeBase64url, encodeBase64url } from '../identity/base64url';
import type { EventLogPort, LogBatchInfo, LogEntry } from '../hub/ports';
import {
  BatchVerifier,
  MAX_BATCH,
  HASH_BYTES,
  sameBatch,
  vouches,
  type EncodedBatch,
  type VerifiedBatch,
} from './batches';
import { AuthorQuota, DEFAULT_QUOTA, type QuotaLimits } from './AuthorQuota';
import { EntryPages, type EntryChange } from './EntryPages';
import { FutureHold } from './FutureHold';
import { HybridClock } from './HybridClock';
import { OwnBatches } from './OwnBatches';
import {
  BATCHES_ROOT,
  DEFAULT_MAX_MESSAGE_LENGTH,
  compareSigned,
  decodeEntry,
  encodeEntry,
  isContentKey,
  sameEntry,
  type RejectReason,
  type SignedEntry,
} from './schema';
import type { SignatureVerifier, Signer } from './signing';
import type { SealedHistory } from './Seals';
import { SortedEntries, mergeSorted, type ConvergedKey } from './SortedEntries';
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

/** How many entries are checked and reported together while catching up. */
const REPORT_CHUNK = 5000;
/** Entries whose batch has not arrived (yet) are kept up to this many, oldest dropped. */
const MAX_ORPHANS = 100_000;
/** Batch ids remembered as evicted (about 0.5 MB at most). */
const MAX_EVICTED = 10_000;

/** An entry this tab wrote, with the very object put in the map. */
interface OwnWrite {
  readonly entry: SignedEntry;
  readonly encoded: unknown;
}

/**
 * The EventLogPort over a Yjs document. Local messages are written in signed batches (see
 * batches.ts); every entry in the document, local or remote, is validated and must be vouched
 * for by a verified batch of its author before it is reported or listed. An invalid or forged
 * entry is dropped and counted, never delivered.
 *
 * What this log verified, it keeps and serves: when a peer deletes or replaces a verified
 * entry or batch in the document, the log counts the evidence and writes the verified record
 * back, so the document that newcomers (and this tab's storage) receive holds the honest
 * history again while one honest peer that has it is online. Entries dated too far ahead of
 * this tab's clock are held back until their time (FutureHold.ts).
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
  private readonly verified = new Map<string, SignedEntry>();
  private readonly sorted = new SortedEntries();
  private readonly kindEntries = new SortedEntries();
  private readonly kindObservers = new Set<(entries: readonly SignedEntry[]) => void>();
  private readonly future: FutureHold;
  private readonly observers = new Set<
    (entries: readonly LogEntry[], info: LogBatchInfo) => void
  >();
  private readonly storedOrigin: unknown;
  private readonly own: OwnBatches;
  /** The transaction writing this tab's own batch: its entries are admitted by writeBatch. */
  private ownTransaction: Y.Transaction | undefined;
  /** Entries waiting for their batch record, by batch id. */
  private readonly orphans = new Map<string, Set<string>>();
  private orphanCount = 0;
  /**
   * Batch ids whose waiting entries a flood pushed out, oldest first (at most MAX_EVICTED):
   * when such a batch arrives, its entries still in the document are checked after all.
   */
  private readonly evicted = new Set<string>();
  private readonly maxOrphans: number;
  private readonly quota: AuthorQuota;
  /** Keys whose verified record is to be written back, and whether one is scheduled. */
  private readonly toRestore = { entries: new Set<string>(), batches: new Set<string>() };
  private restoreScheduled = false;
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
    this.maxOrphans = options.maxPending ?? MAX_ORPHANS;
    this.quota = new AuthorQuota(options.quota ?? DEFAULT_QUOTA);
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
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  entries(): readonly SignedEntry[] {
    return this.sorted.all();
  }

  /**
   * The verified kind entries (edits, deletions: entryKinds.ts), in converged order. They are
   * not chat messages: entries() and observe() leave them out, so the hub never sees them.
   */
  kinds(): readonly SignedEntry[] {
    return this.kindEntries.all();
  }

  /** Reports kind entries as they are verified; returns an unsubscribe function. */
  observeKinds(observer: (entries: readonly SignedEntry[]) => void): () => void {
    this.kindObservers.add(observer);
    return () => this.kindObservers.delete(observer);
  }

  /** The newest `count` verified entries before position `end`, oldest first. */
  page(count: number, end?: number): readonly SignedEntry[] {
    return this.sorted.page(count, end);
  }

  /** A verified entry by id. */
  get(id: string): SignedEntry | undefined {
    return this.verified.get(id);
  }

  /** Where the document holds the entries (its pages): sealing drops whole pages. */
  get pages(): EntryPages {
    return this.messages;
  }

  /** Verified version 2 entries, messages and kinds, from `first` to `last` (both included). */
  between(first: ConvergedKey, last: ConvergedKey): readonly SignedEntry[] {
    const v2 = (entry: SignedEntry): boolean => entry.version === 2;
    return mergeSorted(
      this.sorted.between(first, last).filter(v2),
      this.kindEntries.between(first, last).filter(v2),
    );
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
    this.observers.clear();
    this.kindObservers.clear();
  }

  /**
   * Writes one of this tab's signed batches (OwnBatches.ts) into the document. Its entries were
   * made and hashed here and their batch signed here: they are listed without being decoded,
   * hashed or looked up again, once whatever the log is checking before them is done.
   */
  private writeBatch(batchId: string, record: EncodedBatch, entries: SignedEntry[]): void {
    const written: OwnWrite[] = new Array<OwnWrite>(entries.length);
    this.doc.transact((transaction) => {
      this.ownTransaction = transaction;
      this.batches.set(batchId, record);
      for (let k = 0; k < entries.length; k += 1) {
        const entry = entries[k] as SignedEntry;
        const encoded = encodeEntry(entry);
        written[k] = { entry, encoded };
        this.messages.set(entry.id, encoded);
      }
    }, this);
    this.ownTransaction = undefined;
    this.processing = this.processing.then(() => this.admitOwn(written));
  }

  /**
   * Lists this tab's own entries, in append order (their clocks rise). They are genuine by
   * construction: one that a peer wrote over or deleted before this turn is listed all the
   * same, and the peer's write is treated as any write over a verified key (counted, undone).
   */
  private admitOwn(written: readonly OwnWrite[]): void {
    if (this.destroyed) return;
    const accepted: SignedEntry[] = [];
    const changed: SignedEntry[] = [];
    for (const { entry, encoded } of written) {
      if (this.verified.has(entry.id) || this.future.get(entry.id)) continue;
      if (this.future.early(entry)) this.future.hold(entry, false);
      else accepted.push(entry);
      if (this.messages.get(entry.id) !== encoded) changed.push(entry);
    }
    this.show(accepted, false);
    for (const entry of changed) this.guardEntry(entry.id, entry, !this.messages.has(entry.id));
  }

  private readonly onMessages = (
    changes: readonly EntryChange[],
    transaction: Y.Transaction,
  ): void => {
    if (transaction === this.ownTransaction) return;
    const ids: string[] = [];
    for (const { id, gone } of changes) {
      const kept = this.verified.get(id) ?? this.future.get(id);
      if (kept) this.guardEntry(id, kept, gone);
      else if (!gone) ids.push(id);
    }
    const origin = transaction.origin as unknown;
    this.enqueue(ids, this.storedOrigin !== undefined && origin === this.storedOrigin);
  };

  private readonly onBatches = (event: Y.YMapEvent<unknown>): void => {
    const ids: string[] = [];
    for (const [batchId, change] of event.changes.keys) {
      const kept = this.batchVerifier.known(batchId);
      const sealed = change.action === 'delete' && this.sealed?.coversBatch(batchId) === true;
      if (kept && !sealed && !sameBatch(this.batches.get(batchId), kept.record)) {
        this.reject(batchId, change.action === 'delete' ? 'deleted' : 'overwritten');
        this.scheduleRestore('batches', batchId);
      }
      if (change.action === 'delete') continue;
      const waiting = this.orphans.get(batchId);
      if (waiting) {
        this.orphans.delete(batchId);
        this.orphanCount -= waiting.size;
        ids.push(...waiting);
      }
      if (this.evicted.delete(batchId)) ids.push(...this.evictedOf(batchId, waiting));
    }
    this.enqueue(ids);
  };

  /**
   * The entries a version 2 batch names that stand in the document unverified and are not
   * waiting for it: entries a flood of orphans pushed out before their batch arrived (only
   * asked for a batch in `evicted`). A v2 batch lists its entries' ids (their hashes), so
   * they are found without scanning the map: at most MAX_BATCH lookups per batch. (v1 ids are
   * random: a v1 batch cannot list them.)
   */
  private evictedOf(batchId: string, waiting: ReadonlySet<string> | undefined): string[] {
    if (!isContentKey(batchId)) return [];
    const h = (this.batches.get(batchId) as { h?: unknown } | undefined)?.h;
    if (typeof h !== 'string' || h.length > Math.ceil((MAX_BATCH * HASH_BYTES * 4) / 3)) return [];
    const hashes = decodeBase64url(h);
    if (!hashes || hashes.length % HASH_BYTES !== 0) return [];
    const found: string[] = [];
    for (let at = 0; at < hashes.length; at += HASH_BYTES) {
      const id = encodeBase64url(hashes.subarray(at, at + HASH_BYTES));
      if (waiting?.has(id) || this.verified.has(id) || this.future.get(id)) continue;
      if (this.messages.has(id)) found.push(id);
    }
    return found;
  }

  /**
   * A key this log verified was written over or deleted. Another value under it is accepted
   * only if it is the same entry vouched for just as well (two tabs of one user can write one
   * entry twice); anything else is evidence, and the verified record goes back.
   */
  private guardEntry(id: string, kept: SignedEntry, deleted: boolean): void {
    if (deleted && this.sealed?.coversEntry(id)) return;
    if (!deleted && this.messages.values(id).every((value) => this.stands(id, value, kept))) {
      return;
    }
    this.reject(id, deleted ? 'deleted' : 'overwritten');
    this.scheduleRestore('entries', id);
  }

  /** Whether `value` stored under a verified key is that entry, vouched for just as well. */
  private stands(id: string, value: unknown, kept: SignedEntry): boolean {
    if (value === undefined) return false;
    const decoded = decodeEntry(id, value, this.maxMessageLength);
    if (typeof decoded === 'string') return false;
    if (sameEntry(decoded, kept)) return true;
    if (decoded.version !== 2 || kept.version !== 2) return false;
    const batch = this.batchVerifier.known(decoded.batch);
    return batch !== undefined && vouches(batch, decoded);
  }

  /** Writes verified records back, together, once the current transaction is over. */
  private scheduleRestore(kind: 'entries' | 'batches', key: string): void {
    this.toRestore[kind].add(key);
    if (this.restoreScheduled) return;
    this.restoreScheduled = true;
    queueMicrotask(() => {
      this.restoreScheduled = false;
      if (this.destroyed) return;
      const { entries, batches } = this.toRestore;
      this.doc.transact(() => {
        for (const batchId of batches) {
          const record = this.batchVerifier.known(batchId)?.record;
          if (record && !sameBatch(this.batches.get(batchId), record)) {
            this.batches.set(batchId, record);
          }
        }
        for (const id of entries) {
          const kept = this.verified.get(id) ?? this.future.get(id);
          if (kept) {
            this.messages.restore(id, encodeEntry(kept), (value) => this.stands(id, value, kept));
          }
        }
      }, this);
      entries.clear();
      batches.clear();
    });
  }

  private enqueue(ids: string[], stored = false): void {
    if (ids.length === 0) return;
    this.processing = this.processing.then(() => this.process(ids, stored));
  }

  private async process(ids: readonly string[], stored: boolean): Promise<void> {
    await this.admit(
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
    const fresh = entries.filter((e) => !this.verified.has(e.id) && !this.future.get(e.id));
    this.processing = this.processing.then(() => this.adopt(fresh, null, false, false));
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
      this.admit(
        entries,
        (batchId) => given.get(batchId) ?? this.batches.get(batchId),
        false,
        false,
      ),
    );
  }

  private async admit(
    pairs: readonly (readonly [string, unknown])[],
    batchValue: (batchId: string) => unknown,
    fromDocument: boolean,
    stored: boolean,
  ): Promise<void> {
    const candidates: SignedEntry[] = [];
    for (const [id, value] of pairs) {
      const known = this.verified.get(id) ?? this.future.get(id);
      if (known) {
        if (value !== undefined && fromDocument) this.guardEntry(id, known, false);
        continue;
      }
      const decoded = decodeEntry(id, value, this.maxMessageLength);
      if (typeof decoded === 'string') this.reject(id, decoded);
      else candidates.push(decoded);
    }
    await this.adopt(candidates, batchValue, fromDocument, stored);
  }

  /**
   * Lists decoded entries whose batch vouches for them, within the author's quota; holds
   * those from the future. `batchValue` null: the entries were checked already (an opened
   * segment), against batches this log's verifier holds.
   */
  private async adopt(
    candidates: SignedEntry[],
    batchValue: ((batchId: string) => unknown) | null,
    fromDocument: boolean,
    stored: boolean,
  ): Promise<void> {
    // Newest first, so a peer catching up on a long history shows the latest messages soonest.
    candidates.sort((a, b) => compareSigned(b, a));
    for (let start = 0; start < candidates.length; start += REPORT_CHUNK) {
      const chunk = candidates.slice(start, start + REPORT_CHUNK);
      const batches = batchValue ? await this.batchesFor(chunk, batchValue) : undefined;
      if (this.destroyed) return;
      const accepted: SignedEntry[] = [];
      for (const entry of chunk) {
        if (this.verified.has(entry.id) || this.future.get(entry.id)) continue; // admitted meanwhile
        if (batches) {
          const batch = batches.get(entry.batch);
          if (batch === undefined) {
            if (fromDocument) this.orphan(entry);
            continue;
          }
          if (batch === null || !vouches(batch, entry)) {
            this.reject(entry.id, 'bad-signature');
            continue;
          }
        }
        if (
          entry.userId !== this.signer.userId &&
          !this.quota.take(entry.userId, entry.message.length)
        ) {
          this.reject(entry.id, 'quota');
        } else if (this.future.early(entry)) {
          this.future.hold(entry, stored);
        } else accepted.push(entry);
      }
      accepted.reverse();
      this.show(accepted, stored);
    }
  }

  /** Lists verified entries (sorted by compareSigned) and tells the observers. */
  private show(accepted: SignedEntry[], stored: boolean): void {
    if (accepted.length === 0 || this.destroyed) return;
    let newest = 0;
    for (const entry of accepted) {
      this.verified.set(entry.id, entry);
      if (entry.clock > newest) newest = entry.clock;
    }
    this.clock.observe(newest);
    const kinds = accepted.filter((entry) => entry.kind !== undefined);
    const messages = kinds.length === 0 ? accepted : accepted.filter((e) => e.kind === undefined);
    if (kinds.length > 0) {
      this.kindEntries.insertSorted(kinds);
      for (const observer of [...this.kindObservers]) observer(kinds);
    }
    if (messages.length === 0) return;
    this.sorted.insertSorted(messages);
    for (const observer of [...this.observers]) observer(messages, { stored });
  }

  /** The verified batch for each entry's batch id: null if invalid, absent if not arrived. */
  private async batchesFor(
    entries: readonly SignedEntry[],
    batchValue: (batchId: string) => unknown,
  ): Promise<Map<string, VerifiedBatch | null>> {
    const out = new Map<string, VerifiedBatch | null>();
    const ids = [...new Set(entries.map((e) => e.batch))];
    await Promise.all(
      ids.map(async (batchId) => {
        const known = this.batchVerifier.known(batchId);
        if (known) {
          out.set(batchId, known);
          return;
        }
        const value = batchValue(batchId);
        if (value === undefined) return;
        out.set(batchId, (await this.batchVerifier.check(batchId, value)) ?? null);
      }),
    );
    return out;
  }

  /** Keeps an entry until its batch arrives; a flood of them drops the oldest. */
  private orphan(entry: SignedEntry): void {
    let waiting = this.orphans.get(entry.batch);
    if (!waiting) {
      waiting = new Set<string>();
      this.orphans.set(entry.batch, waiting);
    }
    if (waiting.has(entry.id)) return;
    waiting.add(entry.id);
    this.orphanCount += 1;
    while (this.orphanCount > this.maxOrphans) {
      const [oldestBatch, oldest] = this.orphans.entries().next().value as [string, Set<string>];
      this.orphans.delete(oldestBatch);
      this.orphanCount -= oldest.size;
      this.evicted.add(oldestBatch);
      if (this.evicted.size > MAX_EVICTED) {
        this.evicted.delete(this.evicted.values().next().value as string);
      }
      for (const id of oldest) this.reject(id, 'orphaned');
    }
  }

  private reject(id: string, reason: RejectReason): void {
    this.rejections.set(reason, (this.rejections.get(reason) ?? 0) + 1);
    this.onReject(id, reason);
  }
}
