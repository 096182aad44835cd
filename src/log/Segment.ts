import { sha256 } from '@noble/hashes/sha2.js';
import { decodeBase64url, encodeBase64url } from '../identity/base64url';
import { HASH_BYTES, type EncodedBatch } from './batches';
import { compareSigned, type SignedEntry } from './schema';

/**
 * Sealed history segments (docs/LOG_SCHEMA.md, "Segments"): a run of version 2 entries in
 * converged order with the batch records that vouch for them, as canonical JSON named by its
 * SHA-256. No one can serve other content under a segment's id, and anyone can check every
 * entry in it against its author's signed batch, so a segment may come from any peer.
 * Sealing is here; opening is SegmentOpen.ts.
 */

/** The segment format's version (version 2 segments, with whole batch records, still open). */
export const SEGMENT_VERSION = 3;
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

/**
 * Seals `entries` (version 2, any order) with the records of the batches that vouch for them.
 * The bytes are canonical: batches by id, entries in converged order, so every peer that seals
 * the same entries gets the same id. An entry row leaves out what its batch already says: its
 * id (the hash at its place in the batch), its author (the batch's) and its batch id (an index
 * into `b`); a batch record leaves out the hashes of the entries the segment holds, which the
 * reader recomputes. Hashes do not compress: without them a segment compresses five times
 * smaller.
 */
export function sealSegment(
  roomId: string,
  entries: readonly SignedEntry[],
  batchRecord: (batchId: string) => EncodedBatch | undefined,
): SealedSegment {
  if (entries.length === 0) throw new SegmentError('no entries');
  if (entries.length > MAX_SEGMENT_ENTRIES) throw new SegmentError('too many entries');
  const sorted = [...entries].sort(compareSigned);
  const records = new Map<string, EncodedBatch>();
  const held = new Map<string, Set<number>>();
  for (const entry of sorted) {
    if (entry.version !== 2) throw new SegmentError(`entry ${entry.id} is not version 2`);
    const indices = held.get(entry.batch);
    if (indices) indices.add(entry.index);
    else held.set(entry.batch, new Set([entry.index]));
    if (records.has(entry.batch)) continue;
    const record = batchRecord(entry.batch);
    if (!record) throw new SegmentError(`no record of batch ${entry.batch}`);
    records.set(entry.batch, record);
  }
  const batches = [...records]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([batchId, record]) => [batchId, partialRecord(record, held.get(batchId))] as const);
  const place = new Map(batches.map(([batchId], at) => [batchId, at]));
  const row = (entry: SignedEntry): SegmentRow => {
    const fields: SegmentRow = [
      place.get(entry.batch) ?? -1,
      entry.index,
      entry.unixTime,
      entry.clock,
      entry.message,
    ];
    return entry.kind === undefined ? fields : [...fields, entry.kind];
  };
  const body = { v: SEGMENT_VERSION, r: roomId, b: batches, e: sorted.map(row) };
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
 * A batch record as a version 3 segment holds it: the hashes of the entries the segment holds
 * are left out of `h` (the reader hashes those entries), `n` says how many the batch has.
 */
function partialRecord(record: EncodedBatch, held: ReadonlySet<number> | undefined): PartialBatch {
  const hashes = decodeBase64url(record.h) ?? new Uint8Array(0);
  const count = hashes.length / HASH_BYTES;
  const rest = new Uint8Array((count - (held?.size ?? 0)) * HASH_BYTES);
  let at = 0;
  for (let index = 0; index < count; index += 1) {
    if (held?.has(index)) continue;
    rest.set(hashes.subarray(index * HASH_BYTES, (index + 1) * HASH_BYTES), at);
    at += HASH_BYTES;
  }
  return { v: 2, u: record.u, n: count, h: encodeBase64url(rest), g: record.g };
}

/** A batch record in a version 3 segment: `h` holds only the hashes of entries not in it. */
export interface PartialBatch {
  readonly v: 2;
  readonly u: string;
  readonly n: number;
  readonly h: string;
  readonly g: string;
}

/** An entry in a segment: batch index in `b`, place in the batch, `t`, `c`, `m`, then `k`. */
type SegmentRow =
  [number, number, number, number, string] | [number, number, number, number, string, string];
