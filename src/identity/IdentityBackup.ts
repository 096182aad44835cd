// An identity people can keep: the key pair exported as a file, encrypted with a passphrase,
// so that one person is one user on several devices, and a cleared browser loses nothing.
import { decodeBase64url, encodeBase64url } from './base64url';
import { BackupError, MIN_PASSPHRASE_LENGTH } from './BackupError';
import type { StoredIdentity } from './KeyStore';
import { exportPublicKey } from './ed25519';
import { userIdFromPublicKey } from './UserId';

/** The `format` of a backup file. */
export const BACKUP_FORMAT = 'meshchat-identity/1';
/** PBKDF2-SHA-256 iterations (OWASP's 2023 figure for SHA-256). */
export const BACKUP_ITERATIONS = 600_000;
export { BackupError, MIN_PASSPHRASE_LENGTH };
const MAX_BACKUP_CHARS = 16_384;

/** A backup file's JSON (all binary fields base64url without padding). */
interface BackupFile {
  readonly format: typeof BACKUP_FORMAT;
  /** The user id inside, in clear so a person can see whose backup it is. */
  readonly userId: string;
  readonly createdAt: number;
  readonly kdf: {
    readonly name: 'PBKDF2';
    readonly hash: 'SHA-256';
    readonly iterations: number;
    readonly salt: string;
  };
  readonly cipher: { readonly name: 'AES-GCM'; readonly iv: string };
  /** AES-GCM of the private key's JWK (UTF-8 JSON); the header fields are its associated data. */
  readonly data: string;
}

const encoder = new TextEncoder();

async function wrappingKey(
  passphrase: string,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey(
    'raw',
    encoder.encode(passphrase.normalize('NFC')),
    'PBKDF2',
    false,
    ['deriveKey'],
  );
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** The header bytes bound to the ciphertext: nobody can swap the user id or the KDF. */
function associated(file: Omit<BackupFile, 'data'>): Uint8Array<ArrayBuffer> {
  return encoder.encode(
    JSON.stringify([file.format, file.userId, file.createdAt, file.kdf, file.cipher]),
  );
}

/**
 * Exports `identity` as backup text, encrypted under `passphrase` (PBKDF2-SHA-256, then
 * AES-256-GCM). Rejects with BackupError for a passphrase shorter than
 * MIN_PASSPHRASE_LENGTH, or for a key made non-extractable (identities made before backups
 * existed cannot leave their browser).
 */
export async function exportIdentity(
  identity: StoredIdentity,
  passphrase: string,
  iterations = BACKUP_ITERATIONS,
): Promise<string> {
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
    throw new BackupError(
      'weak-passphrase',
      `a passphrase needs at least ${MIN_PASSPHRASE_LENGTH} characters`,
    );
  }
  if (!identity.keyPair.privateKey.extractable) {
    throw new BackupError(
      'not-extractable',
      'this identity was made to never leave this browser; it cannot be exported',
    );
  }
  const jwk = await crypto.subtle.exportKey('jwk', identity.keyPair.privateKey);
  const userId = userIdFromPublicKey(await exportPublicKey(identity.keyPair.publicKey));
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const header = {
    format: BACKUP_FORMAT,
    userId,
    createdAt: identity.createdAt,
    kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations, salt: encodeBase64url(salt) },
    cipher: { name: 'AES-GCM', iv: encodeBase64url(iv) },
  } as const;
  const key = await wrappingKey(passphrase, salt, iterations);
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: associated(header) },
    key,
    encoder.encode(JSON.stringify(jwk)),
  );
  const file: BackupFile = { ...header, data: encodeBase64url(new Uint8Array(sealed)) };
  return JSON.stringify(file, null, 1);
}

/** Reads and checks the shape of backup text; throws BackupError('format'). */
function parse(text: string): BackupFile {
  const bad = (why: string): BackupError =>
    new BackupError('format', `not a MeshChat identity backup: ${why}`);
  if (text.length > MAX_BACKUP_CHARS) throw bad('too long');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw bad('not JSON');
  }
  const file = value as Partial<BackupFile> | null;
  if (typeof file !== 'object' || file === null || file.format !== BACKUP_FORMAT)
    throw bad('unknown format');
  const kdf = file.kdf as Record<string, unknown> | undefined;
  const cipher = file.cipher as Record<string, unknown> | undefined;
  if (
    typeof file.userId !== 'string' ||
    !Number.isFinite(file.createdAt) ||
    typeof file.data !== 'string'
  )
    throw bad('fields missing');
  if (kdf?.name !== 'PBKDF2' || kdf.hash !== 'SHA-256' || typeof kdf.salt !== 'string')
    throw bad('unknown key derivation');
  const iterations = Number.isSafeInteger(kdf.iterations) ? (kdf.iterations as number) : 0;
  if (iterations < 100_000 || iterations > 10_000_000) throw bad('iterations out of range');
  if (cipher?.name !== 'AES-GCM' || typeof cipher.iv !== 'string') throw bad('unknown cipher');
  return file as BackupFile;
}

/**
 * Reads backup text made by exportIdentity with `passphrase`: the identity it holds, its
 * private key extractable again (so it can be exported from the new device too). Rejects with
 * BackupError: 'format' for anything that is not such a backup, 'wrong-passphrase' when it
 * does not decrypt (a wrong passphrase, or a file changed since).
 */
export async function importIdentity(text: string, passphrase: string): Promise<StoredIdentity> {
  const file = parse(text);
  const salt = decodeBase64url(file.kdf.salt);
  const iv = decodeBase64url(file.cipher.iv);
  const data = decodeBase64url(file.data);
  if (!salt || !iv || iv.length !== 12 || !data)
    throw new BackupError('format', 'not a MeshChat identity backup: bad encoding');
  const key = await wrappingKey(passphrase, salt, file.kdf.iterations);
  let plain: ArrayBuffer;
  try {
    plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv, additionalData: associated(file) },
      key,
      data,
    );
  } catch {
    throw new BackupError(
      'wrong-passphrase',
      'the passphrase does not open this backup (or the file was changed)',
    );
  }
  try {
    const jwk = JSON.parse(new TextDecoder().decode(plain)) as JsonWebKey;
    const privateKey = await crypto.subtle.importKey('jwk', jwk, 'Ed25519', true, ['sign']);
    const publicKey = await crypto.subtle.importKey(
      'jwk',
      { kty: jwk.kty, crv: jwk.crv, x: jwk.x },
      'Ed25519',
      true,
      ['verify'],
    );
    const userId = userIdFromPublicKey(await exportPublicKey(publicKey));
    if (userId !== file.userId) throw new Error('the key inside is not the one the file names');
    return { keyPair: { privateKey, publicKey }, createdAt: file.createdAt };
  } catch (error) {
    throw new BackupError(
      'format',
      `not a usable identity backup: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
