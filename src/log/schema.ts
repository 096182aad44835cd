/**
 * The room document's schema (version 2, reading version 1 too), documented for other clients
 * in docs/LOG_SCHEMA.md.
 *
 * A room is one Y.Doc. Its Y.Map `messages` maps an entry id to an immutable plain object
 * (EncodedEntry); its Y.Map `batches` maps a batch id to the signed list of the SHA-256
 * hashes of the entries written together (EncodedBatch). In version 2 both keys are hashes of
 * the content they name, so no other value can stand under a key: a write that puts another
 * value there, or deletes it, is evidence of a hostile peer and is ignored. The converged
 * order is (clock, id).
 */
import { KNOWN_KINDS, decodePayload } from './entryKinds';

/** The version this client writes. */
export const SCHEMA_VERSION = 2;
/** Name of the root Y.Map that holds the messages, keyed by entry id. */
export const MESSAGES_ROOT = 'messages';
/** Name of the root Y.Map that holds the signed batches, keyed by batch id. */
export const BATCHES_ROOT = 'batches';
/** The root of seal records (Seals.ts): which older entries left the document for segments. */
export const SEALS_ROOT = 'seals';
/** The root Y.Map of pages: nested Y.Maps of entries, one writer's each (EntryPages.ts). */
export const PAGES_ROOT = 'pages';
/** Every root of a room's document; peers' writes under any other root are not kept. */
export const ROOTS: ReadonlySet<string> = new Set([
  MESSAGES_ROOT,
  PAGES_ROOT,
  BATCHES_ROOT,
  SEALS_ROOT,
]);
/** Default cap on a message's length, in UTF-16 code units (16 KiB of text). */
export const DEFAULT_MAX_MESSAGE_LENGTH = 16 * 1024;
/** Largest `t` or `c`: the last millisecond a JavaScript Date can hold (year 275760). */
export const MAX_TIME = 8.64e15;
/** Length of a version 2 key: base64url of 32 bytes, no padding. */
export const CONTENT_KEY_LENGTH = 43;

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
  /** Id of the batch whose signed hash list covers this entry (a locator, not signed). */
  readonly b: string;
  /** Position of this entry's hash in that list (a locator, not signed). */
  readonly i: number;
  /** Version 2: the entry's kind; absent for a chat message. */
  readonly k?: string;
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
  /** The schema version it was written in (1: random ids; 2: content-addressed). */
  readonly version: 1 | 2;
  /** Version 2: the entry's kind, absent for a chat message. */
  readonly kind?: string;
}

/** Why an entry was turned away. */
export type RejectReason =
  | 'bad-id'
  | 'bad-shape'
  | 'bad-time'
  | 'unknown-version'
  | 'unknown-kind'
  | 'too-long'
  | 'bad-signature'
  | 'id-reused'
  | 'overwritten'
  | 'deleted'
  | 'held-dropped'
  | 'orphaned'
  | 'quota';

const ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
const USER_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const KIND_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

/** Whether `userId` has the shape of a userId (43 base64url characters). */
export function isUserIdShape(userId: unknown): userId is string {
  return typeof userId === 'string' && USER_ID_PATTERN.test(userId);
}

/** Whether `id` is an acceptable entry or batch id (8-64 base64url characters). */
export function isEntryId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/** Whether `key` has the shape of a version 2 key (a SHA-256 hash in base64url). */
export function isContentKey(key: string): boolean {
  return key.length === CONTENT_KEY_LENGTH && ID_PATTERN.test(key);
}

/** Whether `time` is an acceptable `t` or `c`: a non-negative integer a Date can hold. */
export function isTime(time: unknown): time is number {
  return Number.isSafeInteger(time) && (time as number) >= 0 && (time as number) <= MAX_TIME;
}

/**
 * Checks an untrusted value read from the document. Returns the entry (its hash and signature
 * not yet checked) or the reason it is unacceptable. A version 1 entry may not stand under a
 * version 2 key (43 characters): v1 ids are random and would let anyone claim a v2 key.
 */
export function decodeEntry(
  id: string,
  value: unknown,
  maxMessageLength: number,
): SignedEntry | RejectReason {
  if (!isEntryId(id)) return 'bad-id';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'bad-shape';
  const record = value as Record<string, unknown>;
  const version = record.v;
  if (version !== 1 && version !== 2)
    return typeof version === 'number' ? 'unknown-version' : 'bad-shape';
  if ((version === 2) !== isContentKey(id)) return 'bad-id';
  const { u, t, c, m, b, i, k } = record;
  if (!isUserIdShape(u)) return 'bad-shape';
  if (!isTime(t) || !isTime(c)) return 'bad-shape';
  if (typeof m !== 'string') return 'bad-shape';
  if (m.length > maxMessageLength) return 'too-long';
  if (typeof b !== 'string' || !isEntryId(b)) return 'bad-shape';
  if (!Number.isSafeInteger(i) || (i as number) < 0) return 'bad-shape';
  if (version === 1) {
    if (k !== undefined) return 'bad-shape';
    return {
      id,
      userId: u,
      message: m,
      unixTime: t,
      clock: c,
      batch: b,
      index: i as number,
      version,
    };
  }
  if (!isContentKey(b)) return 'bad-shape';
  const refused = refusedV2(t, c, m, k);
  if (refused) return refused;
  const entry: SignedEntry = {
    id,
    userId: u,
    message: m,
    unixTime: t,
    clock: c,
    batch: b,
    index: i as number,
    version,
  };
  return k === undefined ? entry : { ...entry, kind: k as string };
}

/**
 * What refuses a version 2 entry whose fields have their types (times, a text, a kind if not
 * undefined): a clock behind its time, or a kind this version cannot read; undefined if none.
 * Shared by decodeEntry and the rows of a segment (Segment.ts), which give no id or batch id.
 */
export function refusedV2(t: number, c: number, m: string, k: unknown): RejectReason | undefined {
  // An honest writer's clock is at least its wall clock when it writes (HybridClock).
  if (c < t) return 'bad-time';
  if (k === undefined) return undefined;
  if (typeof k !== 'string' || !KIND_PATTERN.test(k)) return 'bad-shape';
  // A kind this version knows is read with its fields checked (entryKinds.ts); others dropped.
  if (!KNOWN_KINDS.has(k)) return 'unknown-kind';
  if (decodePayload(k, m) === undefined) return 'bad-shape';
  return undefined;
}

/** The stored form of a signed entry. */
export function encodeEntry(entry: SignedEntry): EncodedEntry {
  const encoded: EncodedEntry = {
    v: entry.version,
    u: entry.userId,
    t: entry.unixTime,
    c: entry.clock,
    m: entry.message,
    b: entry.batch,
    i: entry.index,
  };
  return entry.kind === undefined ? encoded : { ...encoded, k: entry.kind };
}

/** Whether two decoded entries are the same in every field that is stored. */
export function sameEntry(a: SignedEntry, b: SignedEntry): boolean {
  return (
    a.id === b.id &&
    a.userId === b.userId &&
    a.unixTime === b.unixTime &&
    a.clock === b.clock &&
    a.message === b.message &&
    a.batch === b.batch &&
    a.index === b.index &&
    a.version === b.version &&
    a.kind === b.kind
  );
}

/** The converged order: by clock, then id. The same on every peer. */
export function compareSigned(a: SignedEntry, b: SignedEntry): number {
  return a.clock - b.clock || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
