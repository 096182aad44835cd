import type { EncodedBatch } from './batches';
import type { BatchVerifier } from './BatchVerifier';
import type { EntryPages } from './EntryPages';
import type { SignedEntry } from './schema';
import type { ConvergedKey } from './SortedEntries';

/** What sealing (Seals.ts) asks of the log and the tab, and what the log asks of it. */

/**
 * A tab that stores its history reads the messages of the segments it keeps from there (the
 * room view, search and export: storage's SealedPages), not from memory.
 */
export interface SealedHistoryShelf {
  /** Told of the checked messages of a segment now kept, to show and index them. */
  kept(messages: readonly SignedEntry[]): void;
}

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
  /** Segments are on their way: get ready to open them (start a worker, compile its code). */
  warm?(): void;
}
