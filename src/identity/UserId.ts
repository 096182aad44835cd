// Who a user is, as a string: the user's public key. Display names are only claims; the id is
// what signatures are checked against.
import { decodeBase64url, encodeBase64url } from './base64url';
import { PUBLIC_KEY_BYTES } from './ed25519';

declare const userIdBrand: unique symbol;

/**
 * A user's id: the unpadded base64url encoding of the user's 32-byte raw Ed25519 public key
 * (always 43 characters, canonical). Obtain one from {@link Identity.userId},
 * {@link userIdFromPublicKey}, or by checking untrusted input with {@link isUserId}.
 */
export type UserId = string & { readonly [userIdBrand]: true };

/** Length in characters of every {@link UserId}. */
export const USER_ID_LENGTH = 43;

/**
 * True if `value` is a well-formed user id: 43 characters of the base64url alphabet that decode
 * canonically to 32 bytes. It does not check that the bytes are a valid curve point; an
 * unusable key simply never verifies.
 */
export function isUserId(value: unknown): value is UserId {
  return (
    typeof value === 'string' &&
    value.length === USER_ID_LENGTH &&
    decodeBase64url(value)?.length === PUBLIC_KEY_BYTES
  );
}

/** The id of the user whose raw public key is `raw`; throws RangeError unless it has 32 bytes. */
export function userIdFromPublicKey(raw: Uint8Array): UserId {
  if (raw.length !== PUBLIC_KEY_BYTES) {
    throw new RangeError(`an Ed25519 public key has ${PUBLIC_KEY_BYTES} bytes, not ${raw.length}`);
  }
  return encodeBase64url(raw) as UserId;
}

/** The raw public key a user id stands for; throws TypeError for a string cast to UserId. */
export function publicKeyBytes(userId: UserId): Uint8Array<ArrayBuffer> {
  const raw = isUserId(userId) ? decodeBase64url(userId) : undefined;
  if (!raw) throw new TypeError(`not a user id: ${JSON.stringify(userId)}`);
  return raw;
}

/** Bytes of the public key a {@link fingerprint} shows: 48 bits. */
export const FINGERPRINT_BYTES = 6;

/**
 * A short, stable tag that tells apart two users whose display names look alike, for example
 * `3f9a-07c2-11d4`: the first 6 bytes (48 bits) of the public key as hex.
 *
 * Why the key's own bytes rather than a hash: an Ed25519 public key is already uniformly
 * distributed, so a hash would add code but no spread. Why 48 bits: matching a given user's
 * tag takes about 2^48 key generations (centuries of one machine's time at the ~10^5 per
 * second WebCrypto manages), where the former 32 bits took hours. It is a reading aid for
 * people; software compares whole user ids, and people can compare whole keys through
 * {@link keyDigits}.
 */
export function fingerprint(userId: UserId): string {
  const hex = Array.from(publicKeyBytes(userId).subarray(0, FINGERPRINT_BYTES), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
  return `${hex.slice(0, 4)}-${hex.slice(4, 8)}-${hex.slice(8)}`;
}
