import { sha256 } from '@noble/hashes/sha2.js';
import { encodeBase64url } from '../identity/base64url';
import {
  BatchVerifier,
  HASH_BYTES,
  entryHash,
  type EncodedBatch,
  type VerifiedBatch,
} from './batches';
import {
  DEFAULT_MAX_MESSAGE_LENGTH,
  compareSigned,
  decodeEntry,
  isContentKey,
  isTime,
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
export const SEGMENT_VERSION = 2;
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
 * The bytes are canonical: batches by id, entries in converged order, so every peer that seals
 * the same entries gets the same id. An entry row leaves out what its batch already says: its
 * id (the hash at its place in the batch), its author (the batch's) and its batch id (an index
 * into `b`): half the bytes of the stored form, and the ids were the part that does not compress.
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
  for (const entry of sorted) {
    if (entry.version !== 2) throw new SegmentError(`entry ${entry.id} is not version 2`);
    if (records.has(entry.batch)) continue;
    const record = batchRecord(entry.batch);
    if (!record) throw new SegmentError(`no record of batch ${entry.batch}`);
    records.set(entry.batch, { v: record.v, u: record.u, h: record.h, g: record.g });
  }
  const batches = [...records].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
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

/** An entry in a segment: batch index in `b`, place in the batch, `t`, `c`, `m`, then `k`. */
type SegmentRow =
  [number, number, number, number, string] | [number, number, number, number, string, string];

/**
 * Opens a segment received under `id` from anyone: checks that the bytes hash to `id`, that
 * they name this room, that every batch record's id and signature verify, that every entry is
 * a valid version 2 entry whose hash is the one at its place in its batch, and that the
 * entries are in strictly ascending converged order. Returns the entries in that order;
 * throws SegmentError otherwise.
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
  if (b.length > e.length) throw new SegmentError('batch shape');
  const verified = await Promise.all(
    b.map(async (pair: unknown, at) => {
      if (!isPair(pair)) throw new SegmentError('batch shape');
      const previous: unknown = at > 0 ? (b[at - 1] as unknown[])[0] : undefined;
      if (typeof previous === 'string' && previous >= pair[0])
        throw new SegmentError('batch order');
      const batch = await batches.check(pair[0], pair[1]);
      if (batch?.version !== 2) throw new SegmentError(`batch ${pair[0]}: unsigned`);
      return { id: pair[0], batch };
    }),
  );
  const entries: SignedEntry[] = [];
  for (const row of e) {
    const entry = openRow(row, verified, maxMessageLength);
    if (typeof entry === 'string') throw new SegmentError(entry);
    const previous = entries[entries.length - 1];
    if (previous && compareSigned(previous, entry) >= 0) throw new SegmentError('order');
    entries.push(entry);
  }
  return entries;
}

/** One entry row, checked against its (verified) batch; the entry or why it is refused. */
function openRow(
  row: unknown,
  batches: readonly { readonly id: string; readonly batch: VerifiedBatch }[],
  maxMessageLength: number,
): SignedEntry | string {
  if (!Array.isArray(row) || (row.length !== 5 && row.length !== 6)) return 'entry shape';
  const [at, index, t, c, m, k] = row as unknown[];
  const named = Number.isSafeInteger(at) ? batches[at as number] : undefined;
  if (!named) return 'entry shape';
  if (!Number.isSafeInteger(index) || (index as number) < 0) return 'entry shape';
  if (!isTime(t) || !isTime(c) || typeof m !== 'string') return 'entry shape';
  if (m.length > maxMessageLength) return 'entry too long';
  if (row.length === 6 && typeof k !== 'string') return 'entry shape';
  const { batch } = named;
  const kind = k as string | undefined;
  const hash = entryHash({ userId: batch.userId, unixTime: t, clock: c, message: m, kind });
  const start = (index as number) * HASH_BYTES;
  if (start + HASH_BYTES > batch.hashes.length) return 'entry unsigned';
  for (let j = 0; j < HASH_BYTES; j += 1) {
    if (hash[j] !== batch.hashes[start + j]) return 'entry unsigned';
  }
  const stored = { v: 2, u: batch.userId, t, c, m, b: named.id, i: index };
  const entry = decodeEntry(
    encodeBase64url(hash),
    kind === undefined ? stored : { ...stored, k: kind },
    maxMessageLength,
  );
  return typeof entry === 'string' ? `entry: ${entry}` : entry;
}

function isPair(value: unknown): value is [string, unknown] {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === 'string';
}

/**
 * Opens a segment this device kept: it was opened with openSegment, signatures and all,
 * before it was kept, and bytes that hash to its id are those bytes. So only the signatures
 * are not checked again (a few thousand per segment); the hash, shape, order and every
 * entry's place in its batch are. Throws SegmentError for bytes that are not that segment.
 */
export function openKeptSegment(
  roomId: string,
  id: string,
  bytes: Uint8Array,
  maxMessageLength = DEFAULT_MAX_MESSAGE_LENGTH,
): Promise<SignedEntry[]> {
  return openSegment(roomId, id, bytes, CHECKED_WHEN_KEPT, maxMessageLength);
}

/** The signatures of a kept segment's batches, checked when it was kept. */
const CHECKED_WHEN_KEPT: SignatureVerifier = { verify: () => Promise.resolve(true) };
