import { decodeBase64url, encodeBase64url } from '../identity/base64url';
import { HASH_BYTES, type EncodedBatch } from './batches';
import { isContentKey, type SignedEntry } from './schema';
import { MAX_SEGMENT_ENTRIES } from './Segment';

// The seal records of the root `seals` (docs/LOG_SCHEMA.md, "Sealing"), as a reader takes them.

/** The longest segment fetched from a peer. */
export const MAX_SEGMENT_BYTES = 64 * 1024 * 1024;

/** A seal as the document holds it: the segment's first and last entries and its size. */
export interface SealRecord {
  readonly v: 1;
  /** [clock, id] of the first entry. */
  readonly f: readonly [number, string];
  /** [clock, id] of the last entry. */
  readonly l: readonly [number, string];
  /** How many entries the segment holds. */
  readonly n: number;
  /** The segment's length in bytes (to fetch it). */
  readonly s: number;
  /** The segment compressed as its sealer did: [SHA-256 (base64url), length]; may be absent. */
  readonly z?: readonly [string, number];
}

/** A seal record, or undefined if the value is not one. */
export function readRecord(value: unknown): SealRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { v, f, l, n } = value as Record<string, unknown>;
  if (v !== 1 || !isKey(f) || !isKey(l)) return undefined;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_SEGMENT_ENTRIES)
    return undefined;
  const size = (value as Record<string, unknown>).s;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > MAX_SEGMENT_BYTES)
    return undefined;
  const z = (value as Record<string, unknown>).z;
  const packed =
    Array.isArray(z) &&
    z.length === 2 &&
    typeof z[0] === 'string' &&
    isContentKey(z[0]) &&
    typeof z[1] === 'number' &&
    Number.isInteger(z[1]) &&
    z[1] >= 1 &&
    z[1] <= MAX_SEGMENT_BYTES
      ? { z: [z[0], z[1]] as const }
      : {};
  return { v, f, l, n, s: size, ...packed };
}

function isKey(value: unknown): value is [number, string] {
  return (
    Array.isArray(value) &&
    value.length === 2 &&
    typeof value[0] === 'number' &&
    Number.isFinite(value[0]) &&
    typeof value[1] === 'string'
  );
}

/** The entry ids a version 2 batch record vouches for (its hashes), or none. */
export function batchEntryIds(record: EncodedBatch | undefined): string[] {
  if (!record || typeof record.h !== 'string') return [];
  const hashes = decodeBase64url(record.h);
  if (!hashes || hashes.length === 0 || hashes.length % HASH_BYTES !== 0) return [];
  const ids: string[] = [];
  for (let at = 0; at < hashes.length; at += HASH_BYTES) {
    ids.push(encodeBase64url(hashes.subarray(at, at + HASH_BYTES)));
  }
  return ids;
}

/**
 * A kind entry as a SegmentStore gives it back (stored by this tab after it checked the
 * segment), or undefined if the value does not have a verified entry's shape.
 */
export function readKindEntry(value: unknown): SignedEntry | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const { id, userId, message, unixTime, clock, batch, index, kind } = v;
  if (
    typeof id !== 'string' ||
    typeof userId !== 'string' ||
    typeof message !== 'string' ||
    typeof batch !== 'string' ||
    typeof kind !== 'string' ||
    !Number.isFinite(unixTime) ||
    !Number.isFinite(clock) ||
    !Number.isInteger(index) ||
    v.version !== 2
  )
    return undefined;
  return {
    id,
    userId,
    message,
    unixTime: unixTime as number,
    clock: clock as number,
    batch,
    index: index as number,
    version: 2,
    kind,
  };
}
