import { encodeBase64url, encodeBase64urlAscii } from '../identity/base64url';
import { HASH_BYTES, MAX_BATCH, batchBytesOf, entryHashInto, type EncodedBatch } from './batches';
import type { BatchVerifier } from './BatchVerifier';
import type { HybridClock } from './HybridClock';
import { SCHEMA_VERSION, type SignedEntry } from './schema';
import { sha256 } from './sha256';
import type { Signer } from './signing';

const ascii = new TextDecoder();

/**
 * A local entry appended but not yet written: the very object the log will list, made once per
 * append (it is also what its hash is taken over); its id, then its batch and place, are filled
 * in here before anyone else sees it. Its hash waits in OwnBatches.hashes.
 */
type Draft = { -readonly [K in keyof SignedEntry]: SignedEntry[K] };

/** A batch cut from the waiting entries, its signature on its way. */
interface SigningBatch {
  readonly batchId: string;
  readonly userId: string;
  readonly hashes: Uint8Array;
  /** base64url of `hashes`, as ASCII bytes. */
  readonly h: Uint8Array;
  readonly entries: Draft[];
  readonly signature: Promise<Uint8Array>;
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
 * append order. Appends made while a batch is being signed go into the next one, which is cut
 * and sent to be signed as soon as the batch before it has its signature: it is signed while
 * that batch is written, and the writer never waits for a signature between two batches.
 */
export class OwnBatches {
  private readonly unwritten: Draft[] = [];
  /** The unwritten entries' hashes, HASH_BYTES each, in append order. */
  private hashes = new Uint8Array(MAX_BATCH * HASH_BYTES);
  /** Entries cut into a batch whose signature is on its way. */
  private signing = 0;
  private writing: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: OwnBatchesOptions) {}

  /** Entries appended but not yet written (waiting for their signature). */
  get pending(): number {
    return this.unwritten.length + this.signing;
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
    const draft = newDraft(signer.userId, message, unixTime, tick, kind);
    entryHashInto(draft, this.hashes, at);
    draft.id = encodeBase64url(this.hashes, at, at + HASH_BYTES);
    this.unwritten.push(draft);
    this.writing ??= this.writeAll();
    return draft.id;
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
    try {
      let next = this.cut();
      while (next) {
        const signature = await next.signature;
        if (this.isStopped()) return;
        const batch = next;
        next = this.cut();
        this.write(batch, signature);
        // Appended while it was written (by an observer of the write): not left waiting.
        next ??= this.cut();
      }
    } finally {
      this.writing = undefined;
    }
  }

  /** Takes up to MAX_BATCH waiting entries into a batch and has it signed. */
  private cut(): SigningBatch | undefined {
    const count = Math.min(this.unwritten.length, MAX_BATCH);
    if (count === 0 || this.isStopped()) return undefined;
    const { roomId, signer } = this.options;
    const userId = signer.userId;
    const hashes = this.hashes.slice(0, count * HASH_BYTES);
    const h = encodeBase64urlAscii(hashes);
    // One encoding of the signed bytes serves both the batch id and the signature. The
    // signature first: WebCrypto makes it on its own thread while the id is hashed here.
    const bytes = batchBytesOf(roomId, userId, h);
    const signature = signer.sign(bytes);
    const batchId = encodeBase64url(sha256(bytes));
    // Awaited when its turn comes; a writer stopped before then leaves it unread.
    signature.catch(() => undefined);
    this.hashes.copyWithin(0, count * HASH_BYTES, this.unwritten.length * HASH_BYTES);
    const entries = this.unwritten.splice(0, count);
    this.signing += count;
    return { batchId, userId, hashes, h, entries, signature };
  }

  private write(batch: SigningBatch, signature: Uint8Array): void {
    const { batchId, userId, hashes, h, entries } = batch;
    this.signing -= entries.length;
    const record: EncodedBatch = {
      v: SCHEMA_VERSION,
      u: userId,
      h: ascii.decode(h),
      g: encodeBase64url(signature),
    };
    this.options.batches.trust(batchId, { userId, hashes, version: 2, record });
    for (let index = 0; index < entries.length; index += 1) {
      const draft = entries[index] as Draft;
      draft.batch = batchId;
      draft.index = index;
    }
    this.options.write(batchId, record, entries);
  }
}

/**
 * A new local entry, always built in one shape (no spread), its id, batch and place still to
 * come: it is made 100,000 times in a burst.
 */
function newDraft(
  userId: string,
  message: string,
  unixTime: number,
  clock: number,
  kind: string | undefined,
): Draft {
  const version = SCHEMA_VERSION;
  const id = '';
  const batch = '';
  const index = 0;
  return kind === undefined
    ? { id, userId, message, unixTime, clock, batch, index, version }
    : { id, userId, message, unixTime, clock, batch, index, version, kind };
}
