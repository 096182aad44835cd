// The port through which an Identity keeps its key pair. IdbKeyStore is the real adapter,
// MemoryKeyStore the fake; both pass keyStoreContract.
import { isEd25519Key } from './ed25519';

/** What a key store keeps for the local user. */
export interface StoredIdentity {
  /** The user's key pair; the private key is non-extractable. */
  readonly keyPair: CryptoKeyPair;
  /** When the key pair was made, in milliseconds since the epoch. */
  readonly createdAt: number;
}

/**
 * Where the local user's key pair is kept (one per store). Implementations may reject any call
 * (storage unavailable, quota, a record they do not understand); callers decide what to do.
 */
export interface KeyStore {
  /** The stored identity, or `undefined` if there is none yet. */
  load(): Promise<StoredIdentity | undefined>;
  /** Stores `identity`, replacing any stored one. */
  save(identity: StoredIdentity): Promise<void>;
  /**
   * Stores `identity` only if the store holds none, atomically, and resolves to the identity
   * the store holds afterwards: `identity` itself, or the one another caller (another tab)
   * stored first. This is what keeps two tabs opened at once from ending up as two users.
   */
  saveIfAbsent(identity: StoredIdentity): Promise<StoredIdentity>;
  /** Forgets the stored identity, if any. */
  clear(): Promise<void>;
}

/** A key store held something it cannot use; it is left untouched rather than overwritten. */
export class KeyStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyStoreError';
  }
}

/** True if `value` has the shape of a {@link StoredIdentity} with usable Ed25519 keys. */
export function isStoredIdentity(value: unknown): value is StoredIdentity {
  if (typeof value !== 'object' || value === null) return false;
  const { keyPair, createdAt } = value as Partial<Record<keyof StoredIdentity, unknown>>;
  if (typeof keyPair !== 'object' || keyPair === null) return false;
  const { publicKey, privateKey } = keyPair as Partial<Record<keyof CryptoKeyPair, unknown>>;
  return (
    typeof createdAt === 'number' &&
    Number.isFinite(createdAt) &&
    isEd25519Key(publicKey, 'public', 'verify') &&
    isEd25519Key(privateKey, 'private', 'sign')
  );
}
