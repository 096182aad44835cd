import type * as Y from 'yjs';
import { batchEntryIds, readRecord } from './sealRecord';
import { compareSigned, isContentKey, type SignedEntry } from './schema';
import { SegmentError, sealSegment, type SealedSegment } from './Segment';
import type { SealSource, SealedHistory } from './sealing';
import type { ConvergedKey } from './SortedEntries';

/** Seal records looked at, at most: a flood of junk records costs nothing beyond. */
export const MAX_SEALS = 10_000;

/**
 * Which of the room's seals this tab has checked, and which entries they cover (see Seals.ts).
 * A seal checks when the entries this tab holds in its range seal to its id, or when this tab
 * keeps the segment's bytes under that id. Only entries of checked seals are covered: the log
 * takes their deletion from the document; any other deletion it writes back.
 */
export class SealLedger implements SealedHistory {
  /** Seals checked and found true. */
  private readonly checked = new Set<string>();
  /** Seals whose segments this tab keeps, not read (EpochSeals.holdStored). */
  private readonly held = new Set<string>();
  /** Hinted segments kept before their seal reached the document: held once it does. */
  private readonly early = new Set<string>();
  /** Seals that did not check, with the document's entry count then (retried when it moves). */
  private readonly failed = new Map<string, number>();
  private readonly covered = new Set<string>();

  /** `keep` is told of each segment this tab sealed again from its own entries. */
  constructor(
    private readonly seals: Y.Map<unknown>,
    private readonly source: SealSource,
    private readonly keep: (segment: SealedSegment, entries: readonly SignedEntry[]) => void,
  ) {}

  /** How many seals this tab has checked, or keeps the segments of. */
  get count(): number {
    return this.checked.size + this.held.size + this.early.size;
  }

  /** How many seals' segments this tab holds unread. */
  get heldCount(): number {
    return this.held.size;
  }

  /** Whether this tab has checked the seal `id` or keeps its segment. */
  knows(id: string): boolean {
    return this.checked.has(id) || this.held.has(id) || this.early.has(id);
  }

  /** Whether this tab has checked the seal `id` or holds its segment unread. */
  isSettled(id: string): boolean {
    return this.checked.has(id) || this.held.has(id);
  }

  /** Whether a checked seal covers the entry `id` (no seal checked on the way). */
  isCovered(id: string): boolean {
    return this.covered.has(id);
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

  /** The seal `id`, whose segment this tab keeps unread, counts as checked. */
  hold(id: string): void {
    this.held.add(id);
    this.failed.delete(id);
  }

  /** A segment kept on a hint, before its seal is in the document. */
  holdEarly(id: string): void {
    this.early.add(id);
  }

  /**
   * Those of a kept segment's `entries` (in converged order) that the log lists too are
   * covered: the document may hold some of them still, and their deletions are honoured.
   * Looked up by the segment's range (a newcomer lists none of them), not one by one.
   */
  coverListed(entries: readonly SignedEntry[]): void {
    const first = entries[0];
    const last = entries[entries.length - 1];
    if (!first || !last) return;
    for (const listed of this.source.between(first, last)) {
      if (holds(entries, listed)) this.covered.add(listed.id);
    }
  }

  markChecked(id: string, entries: readonly SignedEntry[]): void {
    this.checked.add(id);
    this.held.delete(id);
    this.failed.delete(id);
    for (const entry of entries) this.covered.add(entry.id);
  }

  /**
   * Of `settled` entries (converged order), the first `size` that no checked seal covers, past
   * the newest checked seal, so that seals follow one another without overlapping.
   */
  nextToSeal(settled: readonly SignedEntry[], size: number): SignedEntry[] {
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
      if (entries.length === size) break;
    }
    return entries;
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
  checkNew(): void {
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
    this.keep(segment, entries);
    return true;
  }
}

/** Whether `entries` (in converged order) hold `entry`: a binary search. */
function holds(entries: readonly SignedEntry[], entry: SignedEntry): boolean {
  let low = 0;
  let high = entries.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const order = compareSigned(entries[middle] as SignedEntry, entry);
    if (order === 0) return true;
    if (order < 0) low = middle + 1;
    else high = middle - 1;
  }
  return false;
}
