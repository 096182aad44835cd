import type { AuthorQuota } from './AuthorQuota';
import { vouches, type VerifiedBatch } from './batches';
import type { BatchVerifier } from './BatchVerifier';
import type { FutureHold } from './FutureHold';
import {
  compareSigned,
  decodeEntry,
  isContentKey,
  type RejectReason,
  type SignedEntry,
} from './schema';

/** How many entries are checked and reported together while catching up. */
const REPORT_CHUNK = 5000;
/** A peer's update with at most this many new batches has them checked as it arrives. */
const EARLY_CHECKS = 4;

/** What admission needs of the log. */
export interface AdmissionHost {
  readonly verifier: BatchVerifier;
  readonly maxMessageLength: number;
  readonly quota: AuthorQuota;
  /** This tab's user: its own entries take no quota. */
  readonly ownUserId: string;
  readonly future: FutureHold;
  /** The verified entry under `id` (listed or held back). */
  known(id: string): SignedEntry | undefined;
  /** A value stands under a verified key again (KeptRecords.guardEntry). */
  guardEntry(id: string, kept: SignedEntry, deleted: boolean): void;
  /** An entry of the document whose batch has not arrived. */
  orphan(entry: SignedEntry): void;
  reject(id: string, reason: RejectReason): void;
  /** Lists verified entries (sorted by compareSigned) and tells the log's observers. */
  show(accepted: SignedEntry[], stored: boolean): void;
  isDestroyed(): boolean;
}

/**
 * How entries get into the log: each decoded, vouched for by a verified batch of its author,
 * within the author's quota (AuthorQuota.ts), and held back while dated in the future.
 */
export class Admission {
  /** Checks started as a peer's batch arrived (startChecks), by the record checked. */
  private readonly started = new WeakMap<object, Promise<VerifiedBatch | undefined>>();

  constructor(private readonly host: AdmissionHost) {}

  /**
   * Starts checking the batch records of a peer's live update (a message or a few) while the
   * update is still being applied: the signature is then verified, off the main thread, while
   * the rest of the update is applied and relayed, rather than after. Its entries wait for the
   * same check. An update with many batches (a newcomer's sync) is left to admit().
   */
  startChecks(records: readonly (readonly [string, unknown])[]): void {
    if (records.length > EARLY_CHECKS) return;
    const { verifier } = this.host;
    for (const [batchId, value] of records) {
      if (typeof value !== 'object' || value === null || this.started.has(value)) continue;
      if (!isContentKey(batchId) || verifier.known(batchId)) continue;
      const check = verifier.check(batchId, value);
      this.started.set(value, check);
      check.catch(() => undefined);
    }
  }

  async admit(
    pairs: readonly (readonly [string, unknown])[],
    batchValue: (batchId: string) => unknown,
    fromDocument: boolean,
    stored: boolean,
  ): Promise<void> {
    const h = this.host;
    const candidates: SignedEntry[] = [];
    for (const [id, value] of pairs) {
      const known = h.known(id);
      if (known) {
        if (value !== undefined && fromDocument) h.guardEntry(id, known, false);
        continue;
      }
      const decoded = decodeEntry(id, value, h.maxMessageLength);
      if (typeof decoded === 'string') h.reject(id, decoded);
      else candidates.push(decoded);
    }
    await this.adopt(candidates, batchValue, fromDocument, stored);
  }

  /**
   * Lists decoded entries whose batch vouches for them, within the author's quota; holds
   * those from the future. `batchValue` null: the entries were checked already (an opened
   * segment), against batches this log's verifier holds.
   */
  async adopt(
    candidates: SignedEntry[],
    batchValue: ((batchId: string) => unknown) | null,
    fromDocument: boolean,
    stored: boolean,
  ): Promise<void> {
    const h = this.host;
    // Newest first, so a peer catching up on a long history shows the latest messages soonest.
    candidates.sort((a, b) => compareSigned(b, a));
    for (let start = 0; start < candidates.length; start += REPORT_CHUNK) {
      const chunk = candidates.slice(start, start + REPORT_CHUNK);
      const batches = batchValue ? await this.batchesFor(chunk, batchValue) : undefined;
      if (h.isDestroyed()) return;
      const accepted: SignedEntry[] = [];
      for (const entry of chunk) {
        if (h.known(entry.id)) continue; // admitted meanwhile
        if (batches) {
          const batch = batches.get(entry.batch);
          if (batch === undefined) {
            if (fromDocument) h.orphan(entry);
            continue;
          }
          if (batch === null || !vouches(batch, entry)) {
            h.reject(entry.id, 'bad-signature');
            continue;
          }
        }
        if (entry.userId !== h.ownUserId && !h.quota.take(entry.userId, entry.message.length)) {
          h.reject(entry.id, 'quota');
        } else if (h.future.early(entry)) {
          h.future.hold(entry, stored);
        } else accepted.push(entry);
      }
      accepted.reverse();
      h.show(accepted, stored);
    }
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
        const known = this.host.verifier.known(batchId);
        if (known) {
          out.set(batchId, known);
          return;
        }
        const value = batchValue(batchId);
        if (value === undefined) return;
        // A check started as the record arrived (startChecks): not made twice.
        const started = typeof value === 'object' && value ? this.started.get(value) : undefined;
        out.set(batchId, (await (started ?? this.host.verifier.check(batchId, value))) ?? null);
      }),
    );
    return out;
  }
}
