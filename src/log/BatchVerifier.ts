import { decodeBase64url, encodeBase64url, encodeBase64urlAscii } from '../identity/base64url';
import {
  HASH_BYTES,
  MAX_BATCH,
  batchBytes,
  batchBytesOf,
  type EncodedBatch,
  type VerifiedBatch,
} from './batches';
import { isContentKey, isUserIdShape } from './schema';
import { sha256 } from './sha256';
import type { SignatureVerifier } from './signing';

/**
 * Verifies batch records, once each. A version 2 record must hash to its key, so only its
 * author can write a value under it; a version 1 record may not stand under a version 2 key.
 * The first record verified under an id is kept: a peer that later writes over it changes
 * nothing here.
 */
export class BatchVerifier {
  private readonly verified = new Map<string, VerifiedBatch>();
  /** Checks under way by batch id: one per distinct record (a forged one cannot stand in). */
  private readonly checking = new Map<string, Checking[]>();

  constructor(
    private readonly roomId: string,
    private readonly verifier: SignatureVerifier,
  ) {}

  /** A batch known good already, without waiting. */
  known(batchId: string): VerifiedBatch | undefined {
    return this.verified.get(batchId);
  }

  /** Trusts a batch this tab signed itself. */
  trust(batchId: string, batch: VerifiedBatch): void {
    this.verified.set(batchId, batch);
  }

  /**
   * Checks a stored record; undefined if it is malformed or its signature fails. `hashes`,
   * if given, are the bytes `h` decodes to (a reader that made `h` from them).
   */
  async check(
    batchId: string,
    value: unknown,
    hashes?: Uint8Array,
  ): Promise<VerifiedBatch | undefined> {
    const known = this.verified.get(batchId);
    if (known) return known;
    if (typeof value !== 'object' || value === null) return undefined;
    const { v, u, h, g } = value as Record<string, unknown>;
    if (
      (v !== 1 && v !== 2) ||
      (v === 2) !== isContentKey(batchId) ||
      !isUserIdShape(u) ||
      typeof h !== 'string' ||
      typeof g !== 'string'
    ) {
      return undefined;
    }
    const under = this.checking.get(batchId) ?? [];
    let pending = under.find((c) => c.g === g && c.h === h);
    if (!pending) {
      pending = { g, h, result: this.verify(batchId, { v, u, h, g }, hashes) };
      under.push(pending);
      this.checking.set(batchId, under);
    }
    const result = await pending.result;
    const rest = (this.checking.get(batchId) ?? []).filter((c) => c !== pending);
    if (rest.length > 0) this.checking.set(batchId, rest);
    else this.checking.delete(batchId);
    if (result && !this.verified.has(batchId)) this.verified.set(batchId, result);
    return this.verified.get(batchId) ?? result;
  }

  private async verify(
    batchId: string,
    record: EncodedBatch,
    given?: Uint8Array,
  ): Promise<VerifiedBatch | undefined> {
    const version = record.v as 1 | 2;
    const hashes = given ?? decodeBase64url(record.h);
    const signature = decodeBase64url(record.g);
    if (!hashes || !signature || hashes.length % HASH_BYTES !== 0) return undefined;
    if (hashes.length / HASH_BYTES > MAX_BATCH) return undefined;
    // Version 2: the signed bytes made from the hashes, without the JSON text of 43 KB of
    // them (strict base64url: the hashes' text is `h` itself), and named by WebCrypto's hash.
    const bytes =
      version === 2
        ? batchBytesOf(this.roomId, record.u, encodeBase64urlAscii(hashes))
        : batchBytes(version, this.roomId, batchId, record.u, record.h);
    if (version === 2 && encodeBase64url(await digest(bytes)) !== batchId) return undefined;
    const ok = await this.verifier.verify(record.u, bytes, signature);
    return ok ? { userId: record.u, hashes, version, record } : undefined;
  }
}

/** A check under way: the record's signature and hashes, and its result. */
interface Checking {
  readonly g: string;
  readonly h: string;
  readonly result: Promise<VerifiedBatch | undefined>;
}

/** Below this many bytes (a batch of a few messages) a batch is hashed here, not by WebCrypto. */
const LOCAL_DIGEST_BYTES = 4096;

/**
 * The SHA-256 of `bytes` (a batch's bytes are up to 43 KB): a live message's small batch here,
 * which saves a trip to WebCrypto's thread on the way to showing it; a large one by WebCrypto.
 */
async function digest(bytes: Uint8Array): Promise<Uint8Array> {
  if (bytes.length <= LOCAL_DIGEST_BYTES) return sha256(bytes);
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}
