import type * as Y from 'yjs';
import { sameBatch, vouches } from './batches';
import type { BatchVerifier } from './BatchVerifier';
import type { EntryPages } from './EntryPages';
import type { SealedHistory } from './sealing';
import { decodeEntry, encodeEntry, sameEntry, type RejectReason, type SignedEntry } from './schema';

/** What KeptRecords needs of the log. */
export interface KeptRecordsHost {
  readonly doc: Y.Doc;
  readonly messages: EntryPages;
  readonly batches: Y.Map<unknown>;
  readonly verifier: BatchVerifier;
  readonly maxMessageLength: number;
  /** The origin of the transactions that write records back. */
  readonly origin: unknown;
  /** The verified entry under `id` (listed or held back). */
  kept(id: string): SignedEntry | undefined;
  /** Sealed history: deletions it covers are not attacks. */
  sealed(): SealedHistory | undefined;
  reject(id: string, reason: RejectReason): void;
  isDestroyed(): boolean;
}

/**
 * What the log verified, it keeps and serves: when a peer deletes or replaces a verified entry
 * or batch in the document, the write is counted as evidence and the verified record written
 * back, so the document that newcomers (and this tab's storage) receive holds the honest
 * history again while one honest peer that has it is online.
 */
export class KeptRecords {
  /** Keys whose verified record is to be written back, and whether one is scheduled. */
  private readonly toRestore = { entries: new Set<string>(), batches: new Set<string>() };
  private restoreScheduled = false;

  constructor(private readonly host: KeptRecordsHost) {}

  /**
   * A key this log verified was written over or deleted. Another value under it is accepted
   * only if it is the same entry vouched for just as well (two tabs of one user can write one
   * entry twice); anything else is evidence, and the verified record goes back.
   */
  guardEntry(id: string, kept: SignedEntry, deleted: boolean): void {
    if (deleted && this.host.sealed()?.coversEntry(id)) return;
    if (!deleted && this.host.messages.values(id).every((value) => this.stands(id, value, kept))) {
      return;
    }
    this.host.reject(id, deleted ? 'deleted' : 'overwritten');
    this.schedule('entries', id);
  }

  /** A batch record changed in the document: a verified one that was replaced goes back. */
  guardBatch(batchId: string, deleted: boolean): void {
    const kept = this.host.verifier.known(batchId);
    if (!kept) return;
    if (deleted && this.host.sealed()?.coversBatch(batchId) === true) return;
    if (sameBatch(this.host.batches.get(batchId), kept.record)) return;
    this.host.reject(batchId, deleted ? 'deleted' : 'overwritten');
    this.schedule('batches', batchId);
  }

  /** Whether `value` stored under a verified key is that entry, vouched for just as well. */
  stands(id: string, value: unknown, kept: SignedEntry): boolean {
    if (value === undefined) return false;
    const decoded = decodeEntry(id, value, this.host.maxMessageLength);
    if (typeof decoded === 'string') return false;
    if (sameEntry(decoded, kept)) return true;
    if (decoded.version !== 2 || kept.version !== 2) return false;
    const batch = this.host.verifier.known(decoded.batch);
    return batch !== undefined && vouches(batch, decoded);
  }

  /** Writes verified records back, together, once the current transaction is over. */
  private schedule(kind: 'entries' | 'batches', key: string): void {
    this.toRestore[kind].add(key);
    if (this.restoreScheduled) return;
    this.restoreScheduled = true;
    queueMicrotask(() => {
      this.restoreScheduled = false;
      if (this.host.isDestroyed()) return;
      const { entries, batches } = this.toRestore;
      const { doc, messages, verifier } = this.host;
      doc.transact(() => {
        for (const batchId of batches) {
          const record = verifier.known(batchId)?.record;
          if (record && !sameBatch(this.host.batches.get(batchId), record)) {
            this.host.batches.set(batchId, record);
          }
        }
        for (const id of entries) {
          const kept = this.host.kept(id);
          if (kept)
            messages.restore(id, encodeEntry(kept), (value) => this.stands(id, value, kept));
        }
      }, this.host.origin);
      entries.clear();
      batches.clear();
    });
  }
}
