import { sha256, sha256Into } from './sha256';
import { encodeBase64url, isBase64urlOf } from '../identity/base64url';
import type { SignedEntry } from './schema';

/**
 * Batch signatures. A writer signs, once per batch, the list of SHA-256 hashes of the entries
 * it writes together; each entry names its batch and its place in the list. One Ed25519
 * signature then covers up to MAX_BATCH messages (signing 100,000 messages one by one takes
 * seconds; this takes milliseconds), a reader verifies one signature per batch, and every
 * entry is still checked on its own: its hash must be the one the author signed.
 *
 * Version 2 addresses both by content: an entry's id is its hash, a batch's id the hash of
 * the bytes its signature covers. Version 1 (random ids) is still read.
 */

/** Most entries one batch covers. */
export const MAX_BATCH = 1000;
export const HASH_BYTES = 32;
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
  readonly version: 1 | 2;
  /** The record as it was verified, to write back if a peer deletes or replaces it. */
  readonly record: EncodedBatch;
}

/** Reused for the bytes of every leaf hash (hashing copies them): no allocation per entry. */
let scratch = new Uint8Array(4096);

function hashText(text: string): Uint8Array {
  // UTF-8 takes at most 3 bytes per UTF-16 unit.
  if (text.length * 3 > scratch.length) scratch = new Uint8Array(text.length * 3);
  return sha256(scratch.subarray(0, utf8Into(text, scratch)));
}

/**
 * Writes `text` as UTF-8 into `into` (large enough); returns the bytes written. ASCII, the
 * usual entry, is copied unit by unit: a TextEncoder call costs more than that at this size.
 */
function utf8Into(text: string, into: Uint8Array): number {
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit > 0x7f) return encoder.encodeInto(text, into).written;
    into[i] = unit;
  }
  return text.length;
}

/** The fields an entry's hash covers. */
export type HashedFields = Pick<
  SignedEntry,
  'id' | 'userId' | 'unixTime' | 'clock' | 'message' | 'version' | 'kind'
>;

/**
 * The text a version 2 entry's hash (and so its id) is taken over: the author and every field
 * that is shown; the room is bound by the batch signature. No domain prefix: it starts with a
 * 43-character userId where a batch's signed bytes start with "meshchat/2-batch", and a typical
 * message then fits two SHA-256 blocks instead of three (appends hash every entry).
 */
export function entryText(entry: Omit<HashedFields, 'id' | 'version'>): string {
  const fields: (string | number)[] = [entry.userId, entry.unixTime, entry.clock, entry.message];
  if (entry.kind !== undefined) fields.push(entry.kind);
  return JSON.stringify(fields);
}

/** The SHA-256 hash of a version 2 entry: its id, decoded. */
export function entryHash(entry: Omit<HashedFields, 'id' | 'version'>): Uint8Array {
  const out = new Uint8Array(HASH_BYTES);
  entryHashInto(entry, out, 0);
  return out;
}

/** Writes entryHash(entry) into `out` at `at` (a writer's list of hashes for its batch). */
export function entryHashInto(
  entry: Omit<HashedFields, 'id' | 'version'>,
  out: Uint8Array,
  at: number,
): void {
  let length = plainEntryBytes(entry);
  if (length < 0) {
    const text = entryText(entry);
    if (text.length * 3 > scratch.length) scratch = new Uint8Array(text.length * 3);
    length = utf8Into(text, scratch);
  }
  sha256Into(scratch, length, out, at);
}

/**
 * Writes entryText(entry) as bytes into `scratch` without making the text, when every string
 * in it is printable ASCII that JSON leaves as it is (the usual entry: no quote, backslash,
 * control or non-ASCII character); returns the bytes written, or -1 for any other entry.
 * Every append and every entry a reader checks is hashed: JSON.stringify and the UTF-8 copy
 * were a fifth of an append's cost.
 */
function plainEntryBytes(entry: Omit<HashedFields, 'id' | 'version'>): number {
  const { userId, unixTime, clock, message, kind } = entry;
  if (!Number.isFinite(unixTime) || !Number.isFinite(clock)) return -1;
  // Numbers take at most 24 characters each; the rest is brackets, quotes and commas.
  const most = userId.length + message.length + (kind?.length ?? 0) + 64;
  if (most > scratch.length) scratch = new Uint8Array(most * 3);
  scratch[0] = 0x5b; // [
  let at = plainString(userId, 1);
  if (at < 0) return -1;
  scratch[at++] = 0x2c; // ,
  at = plainNumber(unixTime, at);
  scratch[at++] = 0x2c;
  at = plainNumber(clock, at);
  scratch[at++] = 0x2c;
  at = plainString(message, at);
  if (at < 0) return -1;
  if (kind !== undefined) {
    scratch[at++] = 0x2c;
    at = plainString(kind, at);
    if (at < 0) return -1;
  }
  scratch[at++] = 0x5d; // ]
  return at;
}

/** `"text"` into scratch at `at`; the end, or -1 if JSON would escape or UTF-8 widen it. */
function plainString(text: string, at: number): number {
  scratch[at++] = 0x22;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit < 0x20 || unit > 0x7e || unit === 0x22 || unit === 0x5c) return -1;
    scratch[at++] = unit;
  }
  scratch[at++] = 0x22;
  return at;
}

/**
 * A finite number as JSON writes it (the same text as String(n)), into scratch at `at`. A
 * time or clock (a whole number below 2^53) is written digit by digit, without making a string.
 */
function plainNumber(value: number, at: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    const text = String(value);
    for (let i = 0; i < text.length; i += 1) scratch[at++] = text.charCodeAt(i);
    return at;
  }
  let digits = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits += 1;
  let rest = value;
  for (let i = digits - 1; i >= 0; i -= 1) {
    const next = Math.floor(rest / 10);
    scratch[at + i] = 0x30 + (rest - next * 10);
    rest = next;
  }
  return at + digits;
}

/** The hash a batch vouches for an entry by (v1: over `[id, t, c, m]`; v2: entryHash). */
export function leafHash(entry: HashedFields): Uint8Array {
  if (entry.version === 2) return entryHash(entry);
  return hashText(JSON.stringify([entry.id, entry.unixTime, entry.clock, entry.message]));
}

/** The bytes a batch signature covers; in version 2 the batch id is their SHA-256. */
export function batchBytes(
  version: 1 | 2,
  roomId: string,
  batchId: string,
  userId: string,
  h: string,
): Uint8Array {
  return encoder.encode(
    version === 1
      ? JSON.stringify(['meshchat/1-batch', roomId, batchId, userId, h])
      : JSON.stringify(['meshchat/2-batch', roomId, userId, h]),
  );
}

/**
 * batchBytes(2, roomId, '', userId, h) from `h` as ASCII bytes (encodeBase64urlAscii), without
 * making or encoding the JSON text of 32 KB of hashes: base64url needs no escaping, so only the
 * short head is JSON and the hashes are copied in as they are.
 */
export function batchBytesOf(roomId: string, userId: string, h: Uint8Array): Uint8Array {
  // The JSON of the list with an empty h, less its closing `"]`: it ends with the opening quote.
  const head = encoder.encode(JSON.stringify(['meshchat/2-batch', roomId, userId, '']));
  const start = head.length - 2;
  const out = new Uint8Array(start + h.length + 2);
  out.set(head.subarray(0, start));
  out.set(h, start);
  out[start + h.length] = 0x22; // "
  out[start + h.length + 1] = 0x5d; // ]
  return out;
}

/** A version 2 batch id: base64url of the SHA-256 of its batchBytes(). */
export function batchIdOf(roomId: string, userId: string, h: string): string {
  return encodeBase64url(sha256(batchBytes(2, roomId, '', userId, h)));
}

/** Concatenates leaf hashes into a batch's `h`. */
export function joinHashes(hashes: readonly Uint8Array[]): string {
  const all = new Uint8Array(hashes.length * HASH_BYTES);
  hashes.forEach((hash, i) => all.set(hash, i * HASH_BYTES));
  return encodeBase64url(all);
}

/**
 * Whether `entry` is vouched for by a verified batch of its author: its hash is the one at
 * its place in the batch, and (version 2) its id is that hash.
 */
export function vouches(batch: VerifiedBatch, entry: SignedEntry): boolean {
  if (entry.userId !== batch.userId || entry.version !== batch.version) return false;
  const start = entry.index * HASH_BYTES;
  if (start + HASH_BYTES > batch.hashes.length) return false;
  const hash = leafHash(entry);
  for (let k = 0; k < HASH_BYTES; k += 1) if (hash[k] !== batch.hashes[start + k]) return false;
  return entry.version === 1 || isBase64urlOf(entry.id, hash);
}

/** Whether two batch records are the same record. */
export function sameBatch(a: unknown, b: EncodedBatch): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || a === null) return false;
  const r = a as Record<string, unknown>;
  return r.v === b.v && r.u === b.u && r.h === b.h && r.g === b.g;
}
