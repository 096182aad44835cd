import { decodeBase64url, encodeBase64url } from '../identity/base64url';
import { HASH_BYTES, MAX_BATCH } from './batches';
import { isContentKey, type SignedEntry } from './schema';

/** Batch ids remembered as evicted (about 0.5 MB at most). */
const MAX_EVICTED = 10_000;

/** What Orphans asks of the log when a batch arrives. */
export interface OrphanLookup {
  /** Whether the log holds (verified or held back) the entry `id` already. */
  known(id: string): boolean;
  /** Whether the document stands an entry under `id`. */
  inDocument(id: string): boolean;
}

/**
 * Entries that stand in the document before their batch record, kept until it arrives. A
 * flood of them drops the oldest batch's entries (each told to `onDropped`); the batch ids so
 * pushed out are remembered, so that when one arrives after all, its entries still in the
 * document are checked.
 */
export class Orphans {
  /** Entries waiting for their batch record, by batch id. */
  private readonly waiting = new Map<string, Set<string>>();
  private count = 0;
  /** Batch ids whose waiting entries a flood pushed out, oldest first (at most MAX_EVICTED). */
  private readonly evicted = new Set<string>();

  constructor(
    private readonly max: number,
    private readonly onDropped: (id: string) => void,
  ) {}

  /** Keeps an entry until its batch arrives; a flood of them drops the oldest. */
  add(entry: SignedEntry): void {
    let waiting = this.waiting.get(entry.batch);
    if (!waiting) {
      waiting = new Set<string>();
      this.waiting.set(entry.batch, waiting);
    }
    if (waiting.has(entry.id)) return;
    waiting.add(entry.id);
    this.count += 1;
    while (this.count > this.max) {
      const [oldestBatch, oldest] = this.waiting.entries().next().value as [string, Set<string>];
      this.waiting.delete(oldestBatch);
      this.count -= oldest.size;
      this.evicted.add(oldestBatch);
      if (this.evicted.size > MAX_EVICTED) {
        this.evicted.delete(this.evicted.values().next().value as string);
      }
      for (const id of oldest) this.onDropped(id);
    }
  }

  /**
   * The batch `batchId` arrived with its value `record`: the ids to check now, those that
   * waited for it and (for a batch whose waiting entries were pushed out) those it names that
   * stand in the document unverified.
   */
  arrived(batchId: string, record: unknown, lookup: OrphanLookup): string[] {
    const ids: string[] = [];
    const waiting = this.waiting.get(batchId);
    if (waiting) {
      this.waiting.delete(batchId);
      this.count -= waiting.size;
      ids.push(...waiting);
    }
    if (this.evicted.delete(batchId)) ids.push(...evictedOf(batchId, record, waiting, lookup));
    return ids;
  }
}

/**
 * The entries a version 2 batch names that stand in the document unverified and are not
 * waiting for it: entries a flood of orphans pushed out before their batch arrived. A v2 batch
 * lists its entries' ids (their hashes), so they are found without scanning the map: at most
 * MAX_BATCH lookups per batch. (v1 ids are random: a v1 batch cannot list them.)
 */
function evictedOf(
  batchId: string,
  record: unknown,
  waiting: ReadonlySet<string> | undefined,
  lookup: OrphanLookup,
): string[] {
  if (!isContentKey(batchId)) return [];
  const h = (record as { h?: unknown } | undefined)?.h;
  if (typeof h !== 'string' || h.length > Math.ceil((MAX_BATCH * HASH_BYTES * 4) / 3)) return [];
  const hashes = decodeBase64url(h);
  if (!hashes || hashes.length % HASH_BYTES !== 0) return [];
  const found: string[] = [];
  for (let at = 0; at < hashes.length; at += HASH_BYTES) {
    const id = encodeBase64url(hashes.subarray(at, at + HASH_BYTES));
    if (waiting?.has(id) || lookup.known(id)) continue;
    if (lookup.inDocument(id)) found.push(id);
  }
  return found;
}
