// Base64url (RFC 4648 section 5) without padding, the encoding of user ids and signatures on the
// wire. Decoding is strict and canonical: every byte string has exactly one accepted text, so two
// different strings can never name the same key.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Character code -> 6-bit value, or -1 for characters outside the alphabet. */
const DECODE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i += 1) DECODE[ALPHABET.charCodeAt(i)] = i;

/** ASCII codes of ALPHABET, by 6-bit value. */
const CODES = Uint8Array.from(ALPHABET, (char) => char.charCodeAt(0));
const ascii = new TextDecoder();

/** Up to this many characters, a string is made from char codes rather than by TextDecoder. */
const SHORT_TEXT = 256;
/**
 * The characters of a short text, one reused plain array per length (ids are all 43): an id
 * costs no allocation but its string. apply() takes a plain array of small integers on its
 * fast path; a typed array (even a view of the right length) it copies element by element,
 * which made it twice as slow.
 */
const shortCodes: number[][] = [];

/** The length of the base64url text of `count` bytes (no padding). */
function encodedLength(count: number): number {
  const rest = count % 3;
  return ((count - rest) / 3) * 4 + (rest === 0 ? 0 : rest + 1);
}

/** Writes the base64url characters of bytes[start, end) into `out` as char codes. */
function writeCodes(
  bytes: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array | number[],
): void {
  const whole = end - ((end - start) % 3);
  let o = 0;
  for (let i = start; i < whole; i += 3) {
    const v = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out[o] = CODES[v >> 18] ?? 0;
    out[o + 1] = CODES[(v >> 12) & 63] ?? 0;
    out[o + 2] = CODES[(v >> 6) & 63] ?? 0;
    out[o + 3] = CODES[v & 63] ?? 0;
    o += 4;
  }
  if (end - whole === 1) {
    const v = bytes[whole] ?? 0;
    out[o] = CODES[v >> 2] ?? 0;
    out[o + 1] = CODES[(v & 3) << 4] ?? 0;
  } else if (end - whole === 2) {
    const v = ((bytes[whole] ?? 0) << 8) | (bytes[whole + 1] ?? 0);
    out[o] = CODES[v >> 10] ?? 0;
    out[o + 1] = CODES[(v >> 4) & 63] ?? 0;
    out[o + 2] = CODES[(v & 15) << 2] ?? 0;
  }
}

/**
 * Encodes bytes[start, end) (all of them by default) as base64url without `=` padding. A
 * short text (an id: 43 characters) is made with one String.fromCharCode call over a reused
 * array, several times faster than a TextDecoder call (which costs more than the whole encoding
 * at that size) or than spreading the codes into arguments. A long one (a batch's hashes,
 * 32 KB) is written as ASCII bytes and decoded at once, rather than made of 44,000 pieces.
 */
export function encodeBase64url(bytes: Uint8Array, start = 0, end = bytes.length): string {
  const length = encodedLength(end - start);
  if (length > SHORT_TEXT) return ascii.decode(encodeBase64urlAscii(bytes, start, end));
  const codes = (shortCodes[length] ??= new Array<number>(length).fill(0));
  writeCodes(bytes, start, end, codes);
  return String.fromCharCode.apply(null, codes);
}

/** The base64url text of bytes[start, end) as ASCII bytes (to put into signed bytes as is). */
export function encodeBase64urlAscii(
  bytes: Uint8Array,
  start = 0,
  end = bytes.length,
): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(encodedLength(end - start));
  writeCodes(bytes, start, end, out);
  return out;
}

/**
 * Whether `text` is exactly encodeBase64url(bytes), compared character by character without
 * making the string (a reader checks every entry's id against its hash).
 */
export function isBase64urlOf(text: string, bytes: Uint8Array): boolean {
  const whole = bytes.length - (bytes.length % 3);
  const rest = bytes.length - whole;
  if (text.length !== (whole / 3) * 4 + (rest === 0 ? 0 : rest + 1)) return false;
  let o = 0;
  const next = (value: number): boolean => text.charCodeAt(o++) === CODES[value];
  for (let i = 0; i < whole; i += 3) {
    const v = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    if (!next(v >> 18) || !next((v >> 12) & 63) || !next((v >> 6) & 63) || !next(v & 63)) {
      return false;
    }
  }
  if (rest === 1) {
    const v = bytes[whole] ?? 0;
    return next(v >> 2) && next((v & 3) << 4);
  }
  if (rest === 2) {
    const v = ((bytes[whole] ?? 0) << 8) | (bytes[whole + 1] ?? 0);
    return next(v >> 10) && next((v >> 4) & 63) && next((v & 15) << 2);
  }
  return true;
}

/**
 * Decodes unpadded base64url, strictly.
 *
 * Returns `undefined` (never throws) for anything that {@link encodeBase64url} would not have
 * produced: characters outside `A-Z a-z 0-9 - _` (including `=`, `+`, `/` and whitespace), a
 * length that leaves a single dangling character, or non-zero unused bits in the last character
 * (which would let several texts decode to the same bytes).
 */
export function decodeBase64url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (text.length % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? (DECODE[code] ?? -1) : -1;
    if (value < 0) return undefined;
    acc = (acc << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o] = acc >> bits;
      o += 1;
      acc &= (1 << bits) - 1;
    }
  }
  // The 2 or 4 bits left over after the last whole byte must be zero to be canonical.
  if (acc !== 0) return undefined;
  return out;
}
