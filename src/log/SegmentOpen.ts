import { decodeBase64url, encodeBase64url } from '../identity/base64url';
import { HASH_BYTES, MAX_BATCH, entryHash, type VerifiedBatch } from './batches';
import { BatchVerifier } from './BatchVerifier';
import {
  DEFAULT_MAX_MESSAGE_LENGTH,
  compareSigned,
  isContentKey,
  isTime,
  refusedV2,
  type SignedEntry,
} from './schema';
import { MAX_SEGMENT_ENTRIES, SEGMENT_VERSION, SegmentError, type PartialBatch } from './Segment';
import type { SignatureVerifier } from './signing';

// Opening sealed history segments (docs/LOG_SCHEMA.md, "Segments"; sealing is Segment.ts):
// a segment is taken whole, checked to its every signature and hash, or not at all.

const decoder = new TextDecoder();

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
  if (!isContentKey(id) || encodeBase64url(await digest(bytes)) !== id) {
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
  if (v !== SEGMENT_VERSION && v !== 2) throw new SegmentError(`unknown version ${String(v)}`);
  if (r !== roomId) throw new SegmentError('another room');
  if (!Array.isArray(e) || !Array.isArray(b) || e.length === 0) throw new SegmentError('shape');
  if (e.length > MAX_SEGMENT_ENTRIES) throw new SegmentError('too many entries');
  if (b.length > e.length) throw new SegmentError('batch shape');
  const pairs = b.map((pair: unknown, at) => {
    if (!isPair(pair)) throw new SegmentError('batch shape');
    const previous: unknown = at > 0 ? (b[at - 1] as unknown[])[0] : undefined;
    if (typeof previous === 'string' && previous >= pair[0]) throw new SegmentError('batch order');
    return pair;
  });
  const rows = e.map((row: unknown) => readRow(row, pairs.length, maxMessageLength));
  const verified =
    v === 2
      ? await Promise.all(pairs.map(([batchId, record]) => checked(batches, batchId, record)))
      : await rebuilt(pairs, rows, batches);
  const named = pairs.map(([batchId], at) => ({
    id: batchId,
    batch: verified[at] as VerifiedBatch,
  }));
  const entries: SignedEntry[] = [];
  for (const row of rows) {
    const entry = entryOf(row, named);
    if (typeof entry === 'string') throw new SegmentError(entry);
    const previous = entries[entries.length - 1];
    if (previous && compareSigned(previous, entry) >= 0) throw new SegmentError('order');
    entries.push(entry);
  }
  return entries;
}

/** The SHA-256 of `bytes`, by WebCrypto (several times faster than in JS at 1 MB). */
async function digest(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

/** A row's fields, checked for shape; `hash` is filled in once its author is known. */
interface Row {
  readonly at: number;
  readonly index: number;
  readonly t: number;
  readonly c: number;
  readonly m: string;
  readonly k: string | undefined;
  hash?: Uint8Array;
}

/** One entry row, checked for shape against `batches` records; throws if it is not a row. */
function readRow(row: unknown, batches: number, maxMessageLength: number): Row {
  if (!Array.isArray(row) || (row.length !== 5 && row.length !== 6)) {
    throw new SegmentError('entry shape');
  }
  const [at, index, t, c, m, k] = row as unknown[];
  if (!Number.isSafeInteger(at) || (at as number) < 0 || (at as number) >= batches) {
    throw new SegmentError('entry shape');
  }
  if (!Number.isSafeInteger(index) || (index as number) < 0) throw new SegmentError('entry shape');
  if (!isTime(t) || !isTime(c) || typeof m !== 'string') throw new SegmentError('entry shape');
  if (m.length > maxMessageLength) throw new SegmentError('entry too long');
  if (row.length === 6 && typeof k !== 'string') throw new SegmentError('entry shape');
  return { at: at as number, index: index as number, t, c, m, k: k as string | undefined };
}

/** A batch record, whole: verified (`hashes`: what its `h` decodes to, if known). */
async function checked(
  batches: BatchVerifier,
  batchId: string,
  record: unknown,
  hashes?: Uint8Array,
): Promise<VerifiedBatch> {
  const batch = await batches.check(batchId, record, hashes);
  if (batch?.version !== 2) throw new SegmentError(`batch ${batchId}: unsigned`);
  return batch;
}

/**
 * The batch records of a version 3 segment, made whole and verified: each row's hash is
 * computed from the row and put at its place in its batch, the hashes of entries the segment
 * does not hold fill the other places in order, and the signature must cover the result.
 */
async function rebuilt(
  pairs: readonly [string, unknown][],
  rows: readonly Row[],
  batches: BatchVerifier,
): Promise<VerifiedBatch[]> {
  const partial = pairs.map(([batchId, record]) => readPartial(batchId, record));
  const places = partial.map(({ n }) => new Array<Uint8Array | undefined>(n));
  for (const row of rows) {
    const { u, n } = partial[row.at] as PartialBatch;
    const place = places[row.at] as (Uint8Array | undefined)[];
    if (row.index >= n || place[row.index]) throw new SegmentError('entry shape');
    row.hash = entryHash({ userId: u, unixTime: row.t, clock: row.c, message: row.m, kind: row.k });
    place[row.index] = row.hash;
  }
  return Promise.all(
    pairs.map(async ([batchId], at) => {
      const { u, n, h, g } = partial[at] as PartialBatch;
      const rest = decodeBase64url(h);
      const place = places[at] as (Uint8Array | undefined)[];
      const held = place.filter((hash) => hash !== undefined).length;
      if (rest?.length !== (n - held) * HASH_BYTES) {
        throw new SegmentError(`batch ${batchId}: hashes`);
      }
      const whole = new Uint8Array(n * HASH_BYTES);
      let next = 0;
      for (let index = 0; index < n; index += 1) {
        const hash = place[index] ?? rest.subarray(next, (next += HASH_BYTES));
        whole.set(hash, index * HASH_BYTES);
      }
      return checked(batches, batchId, { v: 2, u, h: encodeBase64url(whole), g }, whole);
    }),
  );
}

/** A version 3 segment's batch record, checked for shape. */
function readPartial(batchId: string, record: unknown): PartialBatch {
  if (typeof record !== 'object' || record === null) throw new SegmentError('batch shape');
  const { v, u, n, h, g } = record as Record<string, unknown>;
  if (v !== 2 || typeof u !== 'string' || typeof h !== 'string' || typeof g !== 'string') {
    throw new SegmentError(`batch ${batchId}: shape`);
  }
  if (!Number.isSafeInteger(n) || (n as number) < 1 || (n as number) > MAX_BATCH) {
    throw new SegmentError(`batch ${batchId}: shape`);
  }
  return { v, u, n: n as number, h, g };
}

/** One row as an entry, checked against its verified batch; the entry or why it is refused. */
function entryOf(
  row: Row,
  batches: readonly { readonly id: string; readonly batch: VerifiedBatch }[],
): SignedEntry | string {
  const { id: batchId, batch } = batches[row.at] as { id: string; batch: VerifiedBatch };
  const hash =
    row.hash ??
    entryHash({ userId: batch.userId, unixTime: row.t, clock: row.c, message: row.m, kind: row.k });
  const start = row.index * HASH_BYTES;
  if (start + HASH_BYTES > batch.hashes.length) return 'entry unsigned';
  for (let j = 0; j < HASH_BYTES; j += 1) {
    if (hash[j] !== batch.hashes[start + j]) return 'entry unsigned';
  }
  // The row's fields were checked for type (readRow), the author and batch id with the batch,
  // and the id is the hash: what decodeEntry would check besides is refusedV2's.
  const refused = refusedV2(row.t, row.c, row.m, row.k);
  if (refused) return `entry: ${refused}`;
  const entry: SignedEntry = {
    id: encodeBase64url(hash),
    userId: batch.userId,
    message: row.m,
    unixTime: row.t,
    clock: row.c,
    batch: batchId,
    index: row.index,
    version: 2,
  };
  return row.k === undefined ? entry : { ...entry, kind: row.k };
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
