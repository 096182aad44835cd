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
 * append order. Appends made while batches are being signed go into the next ones.
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
   * Signs every batch the waiting entries fill at once (one wait for all of them, not one
   * per batch: a burst of 10,000 appends is 10 batches), then writes them in order.
   */
  private async writeAll(): Promise<void> {
    const { roomId, signer, batches, write } = this.options;
    try {
      while (this.unwritten.length > 0 && !this.isStopped()) {
        const userId = signer.userId;
        const taken = this.unwritten.length;
        const signing: { all: Uint8Array; h: Uint8Array; bytes: Uint8Array }[] = [];
        for (let start = 0; start < taken; start += MAX_BATCH) {
          const end = Math.min(taken, start + MAX_BATCH);
          const all = this.hashes.slice(start * HASH_BYTES, end * HASH_BYTES);
          const h = encodeBase64urlAscii(all);
          signing.push({ all, h, bytes: batchBytesOf(roomId, userId, h) });
        }
        const signatures = await Promise.all(signing.map(({ bytes }) => signer.sign(bytes)));
        if (this.isStopped()) return;
        signing.forEach(({ all, h, bytes }, k) => {
          const first = k * MAX_BATCH;
          const count = all.length / HASH_BYTES;
          // One encoding of the signed bytes serves both the batch id and the signature.
          const batchId = encodeBase64url(sha256(bytes));
          const record: EncodedBatch = {
            v: SCHEMA_VERSION,
            u: userId,
            h: ascii.decode(h),
            g: encodeBase64url(signatures[k] as Uint8Array),
          };
          batches.trust(batchId, { userId, hashes: all, version: 2, record });
          const entries = new Array<SignedEntry>(count);
          for (let index = 0; index < count; index += 1) {
            const draft = this.unwritten[first + index] as Draft;
            entries[index] = signedEntry(draft, userId, batchId, index);
          }
          write(batchId, record, entries);
        });
        const left = this.unwritten.length;
        this.hashes.copyWithin(0, taken * HASH_BYTES, left * HASH_BYTES);
        this.unwritten.splice(0, taken);
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
