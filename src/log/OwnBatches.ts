import { encodeBase64url, encodeBase64urlAscii } from '../identity/base64url';
import {
  HASH_BYTES,
  MAX_BATCH,
  batchBytesOf,
  entryHashInto,
  type BatchVerifier,
  type EncodedBatch,
} from './batches';
import type { HybridClock } from './HybridClock';
import { SCHEMA_VERSION, type SignedEntry } from './schema';
import { sha256 } from './sha256';
import type { Signer } from './signing';

const ascii = new TextDecoder();

/** A local entry appended but not yet written; its hash waits in OwnBatches.hashes. */
interface Draft {
  readonly id: string;
  readonly message: string;
  readonly unixTime: number;
  readonly clock: number;
  readonly kind: string | undefined;
}

export interface OwnBatchesOptions {
  readonly roomId: string;
  readonly signer: Signer;
  /** Told about every batch signed here, so the log never verifies its own signature. */
  readonly batches: BatchVerifier;
  readonly clock: HybridClock;
  readonly now: () => number;
  /** Writes a signed batch and its entries (in order, `index` 0 up) into the document. */
  readonly write: (batchId: string, record: EncodedBatch, entries: SignedEntry[]) => void;
}

/**
 * This tab's own entries on their way into the log: each append is dated and hashed at once
 * (its id is its hash), then written in batches of at most MAX_BATCH under one signature, in
 * append order. Appends made while a batch is being signed go into the next one.
 */
export class OwnBatches {
  private readonly unwritten: Draft[] = [];
  /** The unwritten entries' hashes, HASH_BYTES each, in append order. */
  private hashes = new Uint8Array(MAX_BATCH * HASH_BYTES);
  private writing: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: OwnBatchesOptions) {}

  /** Entries appended but not yet written (waiting for their signature). */
  get pending(): number {
    return this.unwritten.length;
  }

  /** Settles once every entry appended so far is written (or the writer stopped). */
  async whenWritten(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** Dates and hashes one entry, queues it for the next batch; returns its id. */
  append(message: string, kind: string | undefined): string {
    const { clock, now, signer } = this.options;
    // The wall clock first: the order key is then never below it (readers check c >= t).
    const unixTime = now();
    const tick = Math.max(unixTime, clock.tick());
    const at = this.unwritten.length * HASH_BYTES;
    if (at + HASH_BYTES > this.hashes.length) {
      const grown = new Uint8Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    entryHashInto({ userId: signer.userId, unixTime, clock: tick, message, kind }, this.hashes, at);
    const id = encodeBase64url(this.hashes, at, at + HASH_BYTES);
    this.unwritten.push({ id, message, unixTime, clock: tick, kind });
    this.writing ??= this.writeAll();
    return id;
  }

  /** Writes nothing more; batches being signed are dropped. */
  stop(): void {
    this.stopped = true;
  }

  /** A method, not the field: the field may change while a write awaits its signature. */
  private isStopped(): boolean {
    return this.stopped;
  }

  /**
   * Writes the waiting entries a batch at a time, each as soon as its signature is made. (All
   * waiting batches signed at once and written together made a burst of 10,000 appends leave
   * as one merged update of 9,000 entries: peers got it seconds later than batch by batch.)
   */
  private async writeAll(): Promise<void> {
    const { roomId, signer, batches, write } = this.options;
    try {
      while (this.unwritten.length > 0 && !this.isStopped()) {
        const userId = signer.userId;
        const count = Math.min(this.unwritten.length, MAX_BATCH);
        const all = this.hashes.slice(0, count * HASH_BYTES);
        const h = encodeBase64urlAscii(all);
        // One encoding of the signed bytes serves both the batch id and the signature.
        const bytes = batchBytesOf(roomId, userId, h);
        const batchId = encodeBase64url(sha256(bytes));
        const signature = await signer.sign(bytes);
        if (this.isStopped()) return;
        const record: EncodedBatch = {
          v: SCHEMA_VERSION,
          u: userId,
          h: ascii.decode(h),
          g: encodeBase64url(signature),
        };
        batches.trust(batchId, { userId, hashes: all, version: 2, record });
        const entries = new Array<SignedEntry>(count);
        for (let index = 0; index < count; index += 1) {
          entries[index] = signedEntry(this.unwritten[index] as Draft, userId, batchId, index);
        }
        write(batchId, record, entries);
        this.hashes.copyWithin(0, count * HASH_BYTES, this.unwritten.length * HASH_BYTES);
        this.unwritten.splice(0, count);
      }
    } finally {
      this.writing = undefined;
    }
  }
}

/** The entry as written, built in one shape (no spread): it is made 100,000 times in a burst. */
function signedEntry(draft: Draft, userId: string, batch: string, index: number): SignedEntry {
  const { id, message, unixTime, clock, kind } = draft;
  const version = SCHEMA_VERSION;
  return kind === undefined
    ? { id, userId, message, unixTime, clock, batch, index, version }
    : { id, userId, message, unixTime, clock, batch, index, version, kind };
}
