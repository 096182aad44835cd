/**
 * The room document's schema (version 1), documented for other clients in docs/LOG_SCHEMA.md.
 *
 * A room is one Y.Doc. Its Y.Map `messages` maps an entry id to an immutable plain object
 * (EncodedEntry); its Y.Map `batches` maps a batch id to the signed list of the SHA-256
 * hashes of the entries written together (EncodedBatch). Entries are never edited in place;
 * the converged order is (clock, id).
 */

export const SCHEMA_VERSION = 1;
/** Name of the root Y.Map that holds the messages, keyed by entry id. */
export const MESSAGES_ROOT = 'messages';
/** Name of the root Y.Map that holds the signed batches, keyed by batch id. */
export const BATCHES_ROOT = 'batches';
/** Default cap on a message's length, in UTF-16 code units (16 KiB of text). */
export const DEFAULT_MAX_MESSAGE_LENGTH = 16 * 1024;

/** One message as stored in the Y.Map (short keys: every byte is replicated to every peer). */
export interface EncodedEntry {
  /** Schema version. */
  readonly v: number;
  /** Author's userId: base64url of the raw 32-byte Ed25519 public key. */
  readonly u: string;
  /** Author's wall clock when written, ms since the Unix epoch. */
  readonly t: number;
  /** Order key: a hybrid logical clock in ms, greater than every clock the author had seen. */
  readonly c: number;
  /** The message text. */
  readonly m: string;
  /** Id of the batch whose signed hash list covers this entry. */
  readonly b: string;
  /** Position of this entry's hash in that list. */
  readonly i: number;
}

/** A verified message of the log, with the order key the log sorts by. */
export interface SignedEntry {
  readonly id: string;
  readonly userId: string;
  readonly message: string;
  readonly unixTime: number;
  readonly clock: number;
  /** The batch that vouches for it, and its place there. */
  readonly batch: string;
  readonly index: number;
}

/** Why an entry was turned away. */
export type RejectReason =
  | 'bad-id'
  | 'bad-shape'
  | 'unknown-version'
  | 'too-long'
  | 'bad-signature'
  | 'id-reused'
  | 'orphaned';

const ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
const USER_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Whether `userId` has the shape of a userId (43 base64url characters). */
export function isUserIdShape(userId: unknown): userId is string {
  return typeof userId === 'string' && USER_ID_PATTERN.test(userId);
}

/** Whether `id` is an acceptable entry id (8-64 base64url characters). */
export function isEntryId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/**
 * Checks an untrusted value read from the document. Returns the entry (signature not yet
 * checked) or the reason it is unacceptable.
 */
export function decodeEntry(
  id: string,
  value: unknown,
  maxMessageLength: number,
): SignedEntry | RejectReason {
  if (!isEntryId(id)) return 'bad-id';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'bad-shape';
  const record = value as Record<string, unknown>;
  if (record.v !== SCHEMA_VERSION)
    return typeof record.v === 'number' ? 'unknown-version' : 'bad-shape';
  const { u, t, c, m, b, i } = record;
  if (!isUserIdShape(u)) return 'bad-shape';
  if (!Number.isSafeInteger(t) || !Number.isSafeInteger(c)) return 'bad-shape';
  if ((t as number) < 0 || (c as number) < 0) return 'bad-shape';
  if (typeof m !== 'string') return 'bad-shape';
  if (m.length > maxMessageLength) return 'too-long';
  if (typeof b !== 'string' || !isEntryId(b)) return 'bad-shape';
  if (!Number.isSafeInteger(i) || (i as number) < 0) return 'bad-shape';
  return {
    id,
    userId: u,
    message: m,
    unixTime: t as number,
    clock: c as number,
    batch: b,
    index: i as number,
  };
}

/** The stored form of a signed entry. */
export function encodeEntry(entry: SignedEntry): EncodedEntry {
  return {
    v: SCHEMA_VERSION,
    u: entry.userId,
    t: entry.unixTime,
    c: entry.clock,
    m: entry.message,
    b: entry.batch,
    i: entry.index,
  };
}

const encoder = new TextEncoder();

/**
 * The bytes an entry's hash is taken over: every field that is shown. The room and the author
 * are bound by the batch signature (an entry's author must be its batch's), so they are not
 * repeated here.
 */
export function canonicalBytes(
  entry: Pick<SignedEntry, 'id' | 'unixTime' | 'clock' | 'message'>,
): Uint8Array {
  return encoder.encode(canonicalText(entry));
}

/** canonicalBytes() before UTF-8 encoding. */
export function canonicalText(
  entry: Pick<SignedEntry, 'id' | 'unixTime' | 'clock' | 'message'>,
): string {
  return JSON.stringify([entry.id, entry.unixTime, entry.clock, entry.message]);
}

/** The converged order: by clock, then id. The same on every peer. */
export function compareSigned(a: SignedEntry, b: SignedEntry): number {
  return a.clock - b.clock || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
