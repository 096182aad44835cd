import { sha256 } from '@noble/hashes/sha2.js';
import { encodeBase64url } from '../identity/base64url';
import { BatchVerifier, vouches, type EncodedBatch } from './batches';
import {
  DEFAULT_MAX_MESSAGE_LENGTH,
  compareSigned,
  decodeEntry,
  encodeEntry,
  isContentKey,
  type SignedEntry,
} from './schema';
import type { SignatureVerifier } from './signing';

/**
 * Sealed history segments (docs/LOG_SCHEMA.md, "Segments"): a run of version 2 entries in
 * converged order with the batch records that vouch for them, as canonical JSON named by its
 * SHA-256. No one can serve other content under a segment's id, and anyone can check every
 * entry in it against its author's signed batch, so a segment may come from any peer.
 */

/** The segment format's version. */
export const SEGMENT_VERSION = 1;
/** Entries one segment holds at most. */
export const MAX_SEGMENT_ENTRIES = 10_000;

/** A segment as it is stored and sent: its id and its bytes. */
export interface SealedSegment {
  /** base64url of the SHA-256 of `bytes` (43 characters). */
  readonly id: string;
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** The converged-order keys of its first and last entries, to find it by position. */
  readonly first: { readonly clock: number; readonly id: string };
  readonly last: { readonly clock: number; readonly id: string };
  readonly count: number;
}

/** Why a segment was refused: it is taken whole or not at all. */
export class SegmentError extends Error {
  constructor(readonly reason: string) {
    super(`segment refused: ${reason}`);
    this.name = 'SegmentError';
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Seals `entries` (version 2, any order) with the records of the batches that vouch for them.
 * The bytes are canonical: entries in converged order, batches by id, fields in table order,
 * so every peer that seals the same entries gets the same id.
 */
export function sealSegment(
  roomId: string,
  entries: readonly SignedEntry[],
  batchRecord: (batchId: string) => EncodedBatch | undefined,
): SealedSegment {
  if (entries.length === 0) throw new SegmentError('no entries');
  if (entries.length > MAX_SEGMENT_ENTRIES) throw new SegmentError('too many entries');
  const sorted = [...entries].sort(compareSigned);
  const batches = new Map<string, EncodedBatch>();
  for (const entry of sorted) {
    if (entry.version !== 2) throw new SegmentError(`entry ${entry.id} is not version 2`);
    if (batches.has(entry.batch)) continue;
    const record = batchRecord(entry.batch);
    if (!record) throw new SegmentError(`no record of batch ${entry.batch}`);
    batches.set(entry.batch, { v: record.v, u: record.u, h: record.h, g: record.g });
  }
  const body = {
    v: SEGMENT_VERSION,
    r: roomId,
    e: sorted.map((entry) => [entry.id, encodeEntry(entry)]),
    b: [...batches].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  };
  const bytes = encoder.encode(JSON.stringify(body));
  const first = sorted[0] as SignedEntry;
  const last = sorted[sorted.length - 1] as SignedEntry;
  return {
    id: encodeBase64url(sha256(bytes)),
    bytes,
    first: { clock: first.clock, id: first.id },
    last: { clock: last.clock, id: last.id },
    count: sorted.length,
  };
}

/**
 * Opens a segment received under `id` from anyone: checks that the bytes hash to `id`, that
 * they name this room, that every entry decodes as a version 2 entry, is vouched for by a batch
 * in the segment whose signature verifies, and that the entries are in strictly ascending
 * converged order. Returns the entries in that order; throws SegmentError otherwise.
 */
export async function openSegment(
  roomId: string,
  id: string,
  bytes: Uint8Array,
  verifier: SignatureVerifier,
  maxMessageLength = DEFAULT_MAX_MESSAGE_LENGTH,
  batches = new BatchVerifier(roomId, verifier),
): Promise<SignedEntry[]> {
  if (!isContentKey(id) || encodeBase64url(sha256(bytes)) !== id) {
    throw new SegmentError('bytes do not hash to the id');
  }
  let body: unknown;
  try {
    body = JSON.parse(decoder.decode(bytes));
  } catch {
    throw new SegmentError('not JSON');
  }
  if (typeof body !== 'object' || body === null) throw new SegmentError('not an object');
  const { v, r, e, b } = body as Record<string, unknown>;
  if (v !== SEGMENT_VERSION) throw new SegmentError(`unknown version ${String(v)}`);
  if (r !== roomId) throw new SegmentError('another room');
  if (!Array.isArray(e) || !Array.isArray(b) || e.length === 0) throw new SegmentError('shape');
  if (e.length > MAX_SEGMENT_ENTRIES) throw new SegmentError('too many entries');
  const records = new Map<string, unknown>();
  for (const pair of b) {
    if (!isPair(pair) || records.has(pair[0])) throw new SegmentError('batch shape');
    records.set(pair[0], pair[1]);
  }
  const entries: SignedEntry[] = [];
  for (const pair of e) {
    if (!isPair(pair)) throw new SegmentError('entry shape');
    const entry = decodeEntry(pair[0], pair[1], maxMessageLength);
    if (typeof entry === 'string') throw new SegmentError(`entry ${pair[0]}: ${entry}`);
    if (entry.version !== 2) throw new SegmentError(`entry ${entry.id} is not version 2`);
    const previous = entries[entries.length - 1];
    if (previous && compareSigned(previous, entry) >= 0) throw new SegmentError('order');
    const batch = await batches.check(entry.batch, records.get(entry.batch));
    if (!batch || !vouches(batch, entry)) throw new SegmentError(`entry ${entry.id}: unsigned`);
    entries.push(entry);
  }
  return entries;
}

function isPair(value: unknown): value is [string, unknown] {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === 'string';
}
