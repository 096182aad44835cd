import { sha256 } from '@noble/hashes/sha2.js';
import { decodeBase64url, encodeBase64url } from '../identity/base64url';
import { canonicalText, isUserIdShape, SCHEMA_VERSION, type SignedEntry } from './schema';
import type { SignatureVerifier } from './signing';

/**
 * Batch signatures. A writer signs, once per batch, the list of SHA-256 hashes of the entries
 * it writes together; each entry names its batch and its place in the list. One Ed25519
 * signature then covers up to MAX_BATCH messages (signing 100,000 messages one by one takes
 * seconds; this takes milliseconds), a reader verifies one signature per batch, and every
 * entry is still checked on its own: its hash must be the one the author signed.
 */

/** Most entries one batch covers. */
export const MAX_BATCH = 1000;
const HASH_BYTES = 32;
const encoder = new TextEncoder();

/** A batch as stored in the `batches` map. */
export interface EncodedBatch {
  readonly v: number;
  /** The author's userId. */
  readonly u: string;
  /** base64url of the entries' SHA-256 hashes, 32 bytes each, in order. */
  readonly h: string;
  /** base64url Ed25519 signature over batchBytes(). */
  readonly g: string;
}

/** A batch whose signature verified. */
export interface VerifiedBatch {
  readonly userId: string;
  readonly hashes: Uint8Array;
}

/** Reused for the bytes of every leaf hash (hashing copies them): no allocation per entry. */
let scratch = new Uint8Array(4096);

/** The hash an entry is vouched for by: SHA-256 of its canonicalBytes(). */
export function leafHash(
  entry: Pick<SignedEntry, 'id' | 'unixTime' | 'clock' | 'message'>,
): Uint8Array {
  const text = canonicalText(entry);
  // UTF-8 takes at most 3 bytes per UTF-16 unit.
  if (text.length * 3 > scratch.length) scratch = new Uint8Array(text.length * 3);
  const { written } = encoder.encodeInto(text, scratch);
  return sha256(scratch.subarray(0, written));
}

/** The bytes a batch signature covers. */
export function batchBytes(roomId: string, batchId: string, userId: string, h: string): Uint8Array {
  return encoder.encode(
    JSON.stringify([`meshchat/${SCHEMA_VERSION}-batch`, roomId, batchId, userId, h]),
  );
}

/** Concatenates leaf hashes into a batch's `h`. */
export function joinHashes(hashes: readonly Uint8Array[]): string {
  const all = new Uint8Array(hashes.length * HASH_BYTES);
  hashes.forEach((hash, i) => all.set(hash, i * HASH_BYTES));
  return encodeBase64url(all);
}

/** Whether `entry`'s hash is the one at its place in a verified batch by the same author. */
export function vouches(batch: VerifiedBatch, entry: SignedEntry): boolean {
  if (entry.userId !== batch.userId) return false;
  const start = entry.index * HASH_BYTES;
  if (start + HASH_BYTES > batch.hashes.length) return false;
  const hash = leafHash(entry);
  for (let k = 0; k < HASH_BYTES; k += 1) if (hash[k] !== batch.hashes[start + k]) return false;
  return true;
}

/**
 * Verifies batch records, once each. The first record verified under a batch id is kept: a
 * peer that later writes over it changes nothing here.
 */
export class BatchVerifier {
  private readonly verified = new Map<string, VerifiedBatch>();
  private readonly checking = new Map<string, Promise<VerifiedBatch | undefined>>();

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

  /** Checks a stored record; undefined if it is malformed or its signature fails. */
  async check(batchId: string, value: unknown): Promise<VerifiedBatch | undefined> {
    const known = this.verified.get(batchId);
    if (known) return known;
    if (typeof value !== 'object' || value === null) return undefined;
    const { v, u, h, g } = value as Record<string, unknown>;
    if (
      v !== SCHEMA_VERSION ||
      !isUserIdShape(u) ||
      typeof h !== 'string' ||
      typeof g !== 'string'
    ) {
      return undefined;
    }
    const key = `${batchId}|${g}|${h}`;
    let pending = this.checking.get(key);
    if (!pending) {
      pending = this.verify(batchId, u, h, g);
      this.checking.set(key, pending);
    }
    const result = await pending;
    this.checking.delete(key);
    if (result) this.verified.set(batchId, result);
    return result;
  }

  private async verify(
    batchId: string,
    u: string,
    h: string,
    g: string,
  ): Promise<VerifiedBatch | undefined> {
    const hashes = decodeBase64url(h);
    const signature = decodeBase64url(g);
    if (!hashes || !signature || hashes.length % HASH_BYTES !== 0) return undefined;
    if (hashes.length / HASH_BYTES > MAX_BATCH) return undefined;
    const ok = await this.verifier.verify(u, batchBytes(this.roomId, batchId, u, h), signature);
    return ok ? { userId: u, hashes } : undefined;
  }
}
