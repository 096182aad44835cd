// Ed25519 through WebCrypto: the few primitives identity needs, in one place, so that the key
// sizes and the BufferSource typing live next to the calls that depend on them.

/** Length of a raw Ed25519 public key. */
export const PUBLIC_KEY_BYTES = 32;

/** Length of an Ed25519 signature. */
export const SIGNATURE_BYTES = 64;

const ALGORITHM = { name: 'Ed25519' } as const;

/**
 * WebCrypto takes only ArrayBuffer-backed views; a view over a SharedArrayBuffer is copied.
 */
function bufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer
    ? (bytes as Uint8Array<ArrayBuffer>)
    : new Uint8Array(bytes);
}

/**
 * Makes a new key pair. The private key is non-extractable unless `extractable`: script can
 * then sign with it but never read it (an identity that must be exportable, to be the same
 * user on another device, needs it extractable). The public key can always be exported as
 * `raw` (WebCrypto ignores `extractable` for public keys).
 */
export function generateKeyPair(extractable = false): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(ALGORITHM, extractable, ['sign', 'verify']);
}

/** The 32 raw bytes of a public key. */
export async function exportPublicKey(publicKey: CryptoKey): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.exportKey('raw', publicKey));
}

/** Imports 32 raw bytes as a verify-only public key; rejects if WebCrypto refuses them. */
export function importPublicKey(raw: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', bufferSource(raw), ALGORITHM, true, ['verify']);
}

/** Signs `data` (64-byte result). */
export async function signBytes(
  privateKey: CryptoKey,
  data: Uint8Array,
): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.sign(ALGORITHM, privateKey, bufferSource(data)));
}

/** Checks a signature; rejects only for unusable arguments, which callers turn into `false`. */
export function verifyBytes(
  publicKey: CryptoKey,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  return crypto.subtle.verify(ALGORITHM, publicKey, bufferSource(signature), bufferSource(data));
}

/** True for a CryptoKey of this algorithm and type that allows `usage`. */
export function isEd25519Key(
  value: unknown,
  type: 'public' | 'private',
  usage: 'sign' | 'verify',
): value is CryptoKey {
  return (
    value instanceof CryptoKey &&
    value.algorithm.name === ALGORITHM.name &&
    value.type === type &&
    value.usages.includes(usage)
  );
}
