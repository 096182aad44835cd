import { sha256 } from '@noble/hashes/sha2.js';
import * as Y from 'yjs';
import { encodeBase64url } from '../identity/base64url';
import type { SegmentStore } from '../storage/SegmentStore';
import { readKindEntry, type SealRecord } from './sealRecord';
import { BATCHES_ROOT, SEALS_ROOT, encodeEntry, type SignedEntry } from './schema';
import { MAX_SEGMENT_ENTRIES, SegmentError, sealSegment } from './Segment';
import { openSegment } from './SegmentOpen';
import { SegmentFetch, kindsOf, type SegmentPacking } from './SegmentFetch';
import { MAX_SEALS, SealLedger } from './SealLedger';
import type { SealSource, SealedHistory, SealedHistoryShelf, SegmentOpener } from './sealing';
import type { SignatureVerifier } from './signing';

/**
 * Sealing the live document (docs/LOG_SCHEMA.md, "Epochs"). Once the room's document holds
 * more than a bound of entries, a tab seals its oldest settled entries into a segment
 * (Segment.ts), keeps the segment, and in one transaction records the seal under the root
 * `seals` and deletes the sealed entries (and the batch records all of whose entries are
 * sealed) from the document. Yjs then keeps only a tombstone range for them, so the live
 * document stays small however long the room lives.
 *
 * A deletion of a verified entry is otherwise an attack the log undoes (YjsEventLog restores
 * it). A tab accepts a deletion only when a seal covers the entry and the tab has checked the
 * seal: the entries it holds in the seal's range, sealed the same way, hash to the seal's id,
 * or it holds the segment's bytes under that id. A seal that names anything else covers
 * nothing, so a member who deletes history behind a forged or partial seal sees it written
 * back as before.
 */

/** How long an entry lives in the document before it may be sealed (late writers settle). */
export const DEFAULT_SETTLE_MS = 10 * 60 * 1000;

export interface EpochSealsOptions {
  readonly doc: Y.Doc;
  readonly source: SealSource;
  readonly verifier: SignatureVerifier;
  /** Where segments are kept (to serve them and to show them again after a restart). */
  readonly store?: SegmentStore;
  /** Seal once the document holds more entries than this; undefined: only honour others' seals. */
  readonly liveLimit?: number;
  /** Entries per segment (default and at most MAX_SEGMENT_ENTRIES). */
  readonly sealSize?: number;
  /** Entries younger than this are not sealed (default DEFAULT_SETTLE_MS). */
  readonly settleMs?: number;
  readonly now?: () => number;
  /** Fetches a segment's bytes from the room's peers (by SHA-256, length); throws if none has it. */
  readonly fetch?: (id: string, size: number) => Promise<Uint8Array>;
  /** Segments travel compressed when both sides have this. */
  readonly packing?: SegmentPacking;
  /** Where a fetched segment's messages go instead of memory (a tab with stored history). */
  readonly history?: SealedHistoryShelf;
  /** Opens segments (default: openSegment on this thread, with the log's verified batches). */
  readonly opener?: SegmentOpener;
}

export class EpochSeals implements SealedHistory {
  private readonly doc: Y.Doc;
  private readonly seals: Y.Map<unknown>;
  private readonly batches: Y.Map<unknown>;
  private readonly source: SealSource;
  private readonly options: EpochSealsOptions;
  private readonly sealSize: number;
  private readonly ledger: SealLedger;
  /** How many seal records the document held when the kept segments were last listed. */
  private heldAt = -1;
  private sealing: Promise<unknown> | undefined;
  private readonly segments: SegmentFetch;
  private destroyed = false;

  constructor(options: EpochSealsOptions) {
    this.options = options;
    this.doc = options.doc;
    this.source = options.source;
    this.seals = this.doc.getMap(SEALS_ROOT);
    this.batches = this.doc.getMap(BATCHES_ROOT);
    this.sealSize = Math.min(options.sealSize ?? MAX_SEGMENT_ENTRIES, MAX_SEGMENT_ENTRIES);
    if (!(this.sealSize >= 1)) throw new RangeError('sealSize must be at least 1');
    this.ledger = new SealLedger(this.seals, this.source, (segment, entries) => {
      // Kept, to serve it and to show its entries after a restart.
      void options.store?.put(this.source.roomId, segment, kindsOf(entries)).catch(() => undefined);
    });
    this.source.honourSeals(this.ledger);
    this.segments = new SegmentFetch(
      {
        roomId: this.source.roomId,
        seals: () => [...this.seals].slice(0, MAX_SEALS),
        inDocument: (id) => this.seals.has(id),
        has: (id) => this.ledger.knows(id),
        prepare: async () => {
          this.ledger.checkNew();
          // Kept here from an earlier visit: read from storage, not fetched.
          await this.holdStored();
        },
        open: (id, bytes) => this.open(id, bytes),
        warm: () => options.opener?.warm?.(),
        settle: (id, entries, kept) => this.settle(id, entries, kept),
        isDestroyed: () => this.destroyed,
      },
      options,
    );
  }

  /** Whether this tab seals and its document holds more entries than the live limit. */
  overLimit(): boolean {
    const limit = this.options.liveLimit;
    return limit !== undefined && this.source.pages.size > limit;
  }

  /** How many seals this tab has checked, or keeps the segments of (holdStored). */
  get checkedCount(): number {
    return this.ledger.count;
  }

  /**
   * Seal records a peer sent ahead of the room's document (in its preview): a newcomer
   * fetches their segments at once, while the document still travels. A record is only a
   * name to ask for: every segment is checked whole, its signatures included, and a segment
   * kept on a hint covers no entry (takes no deletion) until its seal is in the document.
   * A hinted segment that no peer sends is not asked for again. Resolves like fetchMissing.
   */
  hint(records: readonly (readonly [string, unknown])[]): Promise<number> {
    return this.segments.hint(records);
  }

  coversEntry(id: string): boolean {
    return this.ledger.coversEntry(id);
  }

  coversBatch(batchId: string): boolean {
    return this.ledger.coversBatch(batchId);
  }

  /**
   * After a restart, for a tab with stored history: the seals in the document whose segments
   * this tab keeps count as held, unread. Their entries are in the tab's stored history
   * already (it stores every entry it shows), which the room shows from when the reader
   * scrolls back, so memory holds only the live entries. Resolves with how many are held.
   */
  async holdStored(): Promise<number> {
    const store = this.options.store;
    // Listed again only when seals came since: the store gains no others meanwhile but the
    // segments this tab checked or took itself.
    if (!store || this.heldAt === this.seals.size) return this.ledger.heldCount;
    this.heldAt = this.seals.size;
    const kept = await store.ids(this.source.roomId);
    const newly: string[] = [];
    for (const id of [...this.seals.keys()].slice(0, MAX_SEALS)) {
      if (kept.has(id) && !this.ledger.isSettled(id)) newly.push(id);
    }
    for (const id of newly) this.ledger.hold(id);
    // Their edits, deletions, reactions and names still take effect: those the memory keeps.
    const kinds = await store.kinds(this.source.roomId, newly).catch(() => []);
    if (!this.destroyed) this.source.ingestChecked(kinds.flatMap((v) => readKindEntry(v) ?? []));
    return this.ledger.heldCount;
  }

  /**
   * Fetches from peers the segments of seals this tab could not check with what it holds (a
   * newcomer, or a tab that was away): a few at a time; one no peer sent is asked again after
   * 30 s. Resolves with how many were taken.
   */
  fetchMissing(): Promise<number> {
    return this.segments.fetchMissing();
  }

  /**
   * The compressed form of a sealed segment asked for by its hash, to serve it (see
   * SegmentFetch.packedFor).
   */
  packedFor(hash: string): Promise<Uint8Array | undefined> {
    return this.segments.packedFor(hash);
  }

  /** The compressed segment named `hash` if it is in memory (see SegmentFetch.packedHeld). */
  packedHeld(hash: string): Uint8Array | undefined {
    return this.segments.packedHeld(hash);
  }

  /**
   * Takes a segment's bytes received under `id` (from storage or a peer): opens and checks
   * it whole, counts its entries as sealed and hands them on (see settle). False if refused.
   */
  async take(id: string, bytes: Uint8Array): Promise<boolean> {
    const entries = await this.open(id, bytes);
    if (!entries || this.destroyed) return false;
    this.settle(id, entries, false);
    return true;
  }

  /** A segment's entries, opened and checked whole; undefined if refused. */
  private async open(id: string, bytes: Uint8Array): Promise<SignedEntry[] | undefined> {
    try {
      const opener = this.options.opener;
      if (opener) return await opener.open(this.source.roomId, id, bytes);
      return await openSegment(
        this.source.roomId,
        id,
        bytes,
        this.options.verifier,
        undefined,
        this.source.verifiedBatches,
      );
    } catch (error) {
      if (error instanceof SegmentError) return undefined;
      throw error;
    }
  }

  /**
   * A checked segment's entries: in a tab with a history shelf that keeps the segment, its
   * messages are read from there, and only its kind entries (edits, deletions, reactions,
   * names) go to the log; else all go to the log. Opened with the log's verifier: their
   * batches are in it, no need to check them again.
   */
  private settle(id: string, entries: readonly SignedEntry[], kept: boolean): void {
    const shelf = this.options.history;
    if (this.destroyed) return;
    if (shelf && kept) {
      if (this.seals.has(id)) {
        this.ledger.hold(id);
        this.ledger.coverListed(entries);
      } else {
        this.ledger.holdEarly(id);
      }
      this.source.ingestChecked(kindsOf(entries));
      shelf.kept(entries.filter((entry) => entry.kind === undefined));
      return;
    }
    if (this.seals.has(id)) this.ledger.markChecked(id, entries);
    this.source.ingestChecked(entries);
  }

  /**
   * Seals the oldest settled entries if the document holds more than the live limit: one
   * segment of `sealSize` entries at a time. Resolves with the segment, or undefined.
   */
  sealDue(): Promise<string | undefined> {
    if (this.sealing) return this.sealing.then(() => undefined);
    const run = this.sealOnce().finally(() => (this.sealing = undefined));
    this.sealing = run;
    return run;
  }

  destroy(): void {
    this.destroyed = true;
  }

  /** A method, not the field: the field may change while a seal awaits storage. */
  private isDestroyed(): boolean {
    return this.destroyed;
  }

  private async sealOnce(): Promise<string | undefined> {
    const limit = this.options.liveLimit;
    if (limit === undefined || this.destroyed || this.source.pages.size <= limit) return undefined;
    this.ledger.checkNew();
    const now = (this.options.now ?? Date.now)();
    const cutoff = now - (this.options.settleMs ?? DEFAULT_SETTLE_MS);
    const settled = this.source.between(
      { clock: Number.NEGATIVE_INFINITY, id: '' },
      { clock: cutoff, id: '' },
    );
    const entries = this.ledger.nextToSeal(settled, this.sealSize);
    if (entries.length < this.sealSize) return undefined;
    const segment = sealSegment(this.source.roomId, entries, (id) => this.source.batchRecord(id));
    let z: [string, number] | undefined;
    const packed = await this.options.packing?.pack(segment.bytes);
    if (packed) {
      z = [encodeBase64url(sha256(packed)), packed.length];
      this.segments.remember(z[0], packed);
    }
    // Kept (compressed, as it travels) before the document lets go of its entries: nothing
    // sealed exists only in memory.
    await this.options.store?.put(this.source.roomId, segment, kindsOf(entries), packed);
    if (this.isDestroyed()) return undefined;
    // The range as sealed: a late entry in it since would make the seal name other content.
    const first = entries[0] as SignedEntry;
    const last = entries[entries.length - 1] as SignedEntry;
    if (this.source.between(first, last).length !== entries.length) return undefined;
    this.ledger.markChecked(segment.id, entries);
    const batchIds = new Set(entries.map((entry) => entry.batch));
    this.doc.transact(() => {
      const record: SealRecord = {
        v: 1,
        f: [first.clock, first.id],
        l: [last.clock, last.id],
        n: entries.length,
        s: segment.bytes.length,
        ...(z ? { z } : {}),
      };
      this.seals.set(segment.id, record);
      // Whole pages: Yjs then keeps no tombstone per entry (EntryPages.ts).
      this.source.pages.dropCovered(
        (id) => this.ledger.isCovered(id),
        (id) => {
          const entry = this.source.get(id);
          return entry ? encodeEntry(entry) : undefined;
        },
      );
      for (const batchId of batchIds) if (this.coversBatch(batchId)) this.batches.delete(batchId);
    }, this);
    return segment.id;
  }
}
