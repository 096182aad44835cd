import { sha256 } from '@noble/hashes/sha2.js';
import * as Y from 'yjs';
import { encodeBase64url } from '../identity/base64url';
import type { SegmentStore } from '../storage/SegmentStore';
import type { BatchVerifier, EncodedBatch } from './batches';
import type { EntryPages } from './EntryPages';
import { batchEntryIds, readKindEntry, readRecord, type SealRecord } from './sealRecord';
import {
  BATCHES_ROOT,
  SEALS_ROOT,
  compareSigned,
  encodeEntry,
  isContentKey,
  type SignedEntry,
} from './schema';
import { MAX_SEGMENT_ENTRIES, SegmentError, sealSegment } from './Segment';
import { openSegment } from './SegmentOpen';
import { SegmentFetch, kindsOf, type SegmentPacking } from './SegmentFetch';
import type { SignatureVerifier } from './signing';
import type { ConvergedKey } from './SortedEntries';

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
/** Seal records looked at, at most: a flood of junk records costs nothing beyond. */
const MAX_SEALS = 10_000;

/**
 * A tab that stores its history reads the messages of the segments it keeps from there (the
 * room view, search and export: storage's SealedPages), not from memory.
 */
export interface SealedHistoryShelf {
  /** Told of the checked messages of a segment now kept, to show and index them. */
  kept(messages: readonly SignedEntry[]): void;
}

export type { SegmentPacking } from './SegmentFetch';

/** What the log asks before it takes a deletion for an attack. */
export interface SealedHistory {
  /** Whether a checked seal covers the entry `id`. */
  coversEntry(id: string): boolean;
  /** Whether every entry the batch `batchId` vouches for is covered by checked seals. */
  coversBatch(batchId: string): boolean;
}

/** What sealing reads of the log. */
export interface SealSource {
  readonly roomId: string;
  /** Verified version 2 entries (messages and kinds) from `first` to `last`, converged order. */
  between(first: ConvergedKey, last: ConvergedKey): readonly SignedEntry[];
  batchRecord(batchId: string): EncodedBatch | undefined;
  /** A verified entry by id. */
  get(id: string): SignedEntry | undefined;
  /** The log's verified batches: signatures checked opening a segment are not checked again. */
  readonly verifiedBatches: BatchVerifier;
  /** Where the document holds the entries. */
  readonly pages: EntryPages;
  /** Tells the log to honour checked seals when entries vanish from the document. */
  honourSeals(seals: SealedHistory): void;
  /** Takes entries checked already against signed batches that `verifiedBatches` holds. */
  ingestChecked(entries: readonly SignedEntry[]): void;
}

/**
 * Opens a segment received from anyone as openSegment does (its every hash and signature
 * checked), perhaps off the page's main thread; rejects with SegmentError if refused.
 */
export interface SegmentOpener {
  open(roomId: string, id: string, bytes: Uint8Array): Promise<SignedEntry[]>;
}

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
  /** Seals checked and found true. */
  private readonly checked = new Set<string>();
  /** Seals whose segments this tab keeps, not read (holdStored). */
  private readonly held = new Set<string>();
  /** How many seal records the document held when the kept segments were last listed. */
  private heldAt = -1;
  /** Seals that did not check, with the document's entry count then (retried when it moves). */
  private readonly failed = new Map<string, number>();
  private readonly covered = new Set<string>();
  private sealing: Promise<unknown> | undefined;
  /** Hinted segments kept before their seal reached the document: held once it does. */
  private readonly early = new Set<string>();
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
    this.source.honourSeals(this);
    this.segments = new SegmentFetch(
      {
        roomId: this.source.roomId,
        seals: () => [...this.seals].slice(0, MAX_SEALS),
        inDocument: (id) => this.seals.has(id),
        has: (id) => this.checked.has(id) || this.held.has(id) || this.early.has(id),
        prepare: async () => {
          this.checkNew();
          // Kept here from an earlier visit: read from storage, not fetched.
          await this.holdStored();
        },
        open: (id, bytes) => this.open(id, bytes),
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
    return this.checked.size + this.held.size + this.early.size;
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
    this.checkNew();
    return this.covered.has(id);
  }

  coversBatch(batchId: string): boolean {
    this.checkNew();
    const ids = batchEntryIds(this.source.batchRecord(batchId));
    return ids.length > 0 && ids.every((id) => this.covered.has(id));
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
    if (!store || this.heldAt === this.seals.size) return this.held.size;
    this.heldAt = this.seals.size;
    const kept = await store.ids(this.source.roomId);
    const newly: string[] = [];
    for (const id of [...this.seals.keys()].slice(0, MAX_SEALS)) {
      if (kept.has(id) && !this.checked.has(id) && !this.held.has(id)) newly.push(id);
    }
    for (const id of newly) this.held.add(id);
    // Their edits, deletions, reactions and names still take effect: those the memory keeps.
    const kinds = await store.kinds(this.source.roomId, newly).catch(() => []);
    if (!this.destroyed) this.source.ingestChecked(kinds.flatMap((v) => readKindEntry(v) ?? []));
    return this.held.size;
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
        this.held.add(id);
        this.failed.delete(id);
        // The document may hold some of them still: its deletions of those are honoured.
        for (const entry of this.listedOf(entries)) this.covered.add(entry.id);
      } else {
        this.early.add(id);
      }
      this.source.ingestChecked(kindsOf(entries));
      shelf.kept(entries.filter((entry) => entry.kind === undefined));
      return;
    }
    if (this.seals.has(id)) this.markChecked(id, entries);
    this.source.ingestChecked(entries);
  }

  /**
   * Those of a segment's `entries` (in converged order) that the log lists too: looked up by
   * the segment's range (a newcomer lists none of them), not one by one.
   */
  private listedOf(entries: readonly SignedEntry[]): SignedEntry[] {
    const first = entries[0];
    const last = entries[entries.length - 1];
    if (!first || !last) return [];
    return this.source.between(first, last).filter((listed) => {
      let low = 0;
      let high = entries.length - 1;
      while (low <= high) {
        const middle = (low + high) >>> 1;
        const order = compareSigned(entries[middle] as SignedEntry, listed);
        if (order === 0) return true;
        if (order < 0) low = middle + 1;
        else high = middle - 1;
      }
      return false;
    });
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
    this.checkNew();
    const now = (this.options.now ?? Date.now)();
    const cutoff = now - (this.options.settleMs ?? DEFAULT_SETTLE_MS);
    const settled = this.source.between(
      { clock: Number.NEGATIVE_INFINITY, id: '' },
      { clock: cutoff, id: '' },
    );
    // Past the newest checked seal, so that seals follow one another without overlapping.
    const after = this.newestSealed();
    const entries: SignedEntry[] = [];
    for (const entry of settled) {
      if (
        after &&
        (entry.clock < after.clock || (entry.clock === after.clock && entry.id <= after.id))
      )
        continue;
      if (this.covered.has(entry.id)) continue;
      entries.push(entry);
      if (entries.length === this.sealSize) break;
    }
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
    this.markChecked(segment.id, entries);
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
        (id) => this.covered.has(id),
        (id) => {
          const entry = this.source.get(id);
          return entry ? encodeEntry(entry) : undefined;
        },
      );
      for (const batchId of batchIds) if (this.coversBatch(batchId)) this.batches.delete(batchId);
    }, this);
    return segment.id;
  }

  /** The last entry of the newest checked seal, in converged order. */
  private newestSealed(): ConvergedKey | undefined {
    let newest: ConvergedKey | undefined;
    for (const id of [...this.checked, ...this.held]) {
      const record = readRecord(this.seals.get(id));
      if (!record) continue;
      const [clock, last] = record.l;
      if (!newest || clock > newest.clock || (clock === newest.clock && last > newest.id)) {
        newest = { clock, id: last };
      }
    }
    return newest;
  }

  /** Checks the seal records not checked yet against the entries this tab holds. */
  private checkNew(): void {
    for (const id of this.early) {
      if (!this.seals.has(id)) continue;
      this.early.delete(id);
      this.held.add(id);
    }
    if (this.checked.size + this.held.size >= this.seals.size) return;
    const size = this.source.pages.size;
    let looked = 0;
    for (const [id, value] of this.seals) {
      if (++looked > MAX_SEALS) break;
      if (this.checked.has(id) || this.held.has(id) || this.failed.get(id) === size) continue;
      if (!this.check(id, value)) this.failed.set(id, size);
    }
  }

  /** Whether the entries this tab holds in the seal's range seal to the seal's id. */
  private check(id: string, value: unknown): boolean {
    const record = readRecord(value);
    if (!record || !isContentKey(id)) return false;
    const first = { clock: record.f[0], id: record.f[1] };
    const last = { clock: record.l[0], id: record.l[1] };
    const entries = this.source.between(first, last);
    if (entries.length !== record.n) return false;
    let segment;
    try {
      segment = sealSegment(this.source.roomId, entries, (batchId) =>
        this.source.batchRecord(batchId),
      );
    } catch (error) {
      if (error instanceof SegmentError) return false;
      throw error;
    }
    if (segment.id !== id) return false;
    this.markChecked(id, entries);
    // Kept, to serve it and to show its entries after a restart.
    void this.options.store
      ?.put(this.source.roomId, segment, kindsOf(entries))
      .catch(() => undefined);
    return true;
  }

  private markChecked(id: string, entries: readonly SignedEntry[]): void {
    this.checked.add(id);
    this.held.delete(id);
    this.failed.delete(id);
    for (const entry of entries) this.covered.add(entry.id);
  }
}
