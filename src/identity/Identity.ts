// The local user: a key pair kept in a KeyStore, the user id derived from it, and signing.
import { exportPublicKey, generateKeyPair, signBytes } from './ed25519';
import type { KeyStore, StoredIdentity } from './KeyStore';
import type { UserId } from './UserId';
import { fingerprint, userIdFromPublicKey } from './UserId';

/**
 * The local user. Made once per browser profile and origin, kept in a {@link KeyStore}, and
 * used to sign what this user writes; anyone checks those signatures with a `Verifier` and
 * the {@link Identity.userId}.
 *
 * When the store fails (IndexedDB unavailable in a private window, quota exceeded, a record
 * from a newer version) {@link Identity.loadOrCreate} still returns a working identity, kept
 * in memory only: {@link Identity.persistent} is then `false` and {@link Identity.storageError}
 * says why, so the app can tell the user that this tab will be a new user after a reload.
 */
export class Identity {
  /** This user's id: the base64url raw public key. */
  readonly userId: UserId;
  /** The public key, for verifying this user's own signatures without importing it. */
  readonly publicKey: CryptoKey;
  /** When the key pair was made, in milliseconds since the epoch. */
  readonly createdAt: number;
  /** Whether the key pair is held by the store (and so survives a reload). */
  readonly persistent: boolean;
  /** Why the store could not be used, when {@link Identity.persistent} is false. */
  readonly storageError: Error | undefined;

  private readonly privateKey: CryptoKey;

  private constructor(
    stored: StoredIdentity,
    userId: UserId,
    persistent: boolean,
    storageError: Error | undefined,
  ) {
    this.userId = userId;
    this.publicKey = stored.keyPair.publicKey;
    this.privateKey = stored.keyPair.privateKey;
    this.createdAt = stored.createdAt;
    this.persistent = persistent;
    this.storageError = storageError;
  }

  /**
   * The identity held by `store`, made and saved first if the store holds none. Every call on
   * the same store, from any tab, yields the same user id. Never rejects because of the store:
   * on a store failure it returns an in-memory identity with `persistent: false`.
   */
  static async loadOrCreate(store: KeyStore): Promise<Identity> {
    let fresh: StoredIdentity | undefined;
    try {
      const loaded = await store.load();
      if (loaded) return await Identity.from(loaded, true, undefined);
      // Extractable, so that the user can export it (see backup()).
      fresh = { keyPair: await generateKeyPair(true), createdAt: Date.now() };
      // Another tab may have saved first; then this one becomes that user too.
      return await Identity.from(await store.saveIfAbsent(fresh), true, undefined);
    } catch (error) {
      fresh ??= { keyPair: await generateKeyPair(true), createdAt: Date.now() };
      return Identity.from(fresh, false, asError(error));
    }
  }

  /** The short tag shown beside this user's display name (see {@link fingerprint}). */
  get fingerprint(): string {
    return fingerprint(this.userId);
  }

  /** Whether backup() can export this identity (identities made before backups cannot). */
  get exportable(): boolean {
    return this.privateKey.extractable;
  }

  /**
   * This identity as backup text encrypted under `passphrase` (see IdentityBackup), for the
   * user to keep and import on another device. Rejects with BackupError.
   */
  async backup(passphrase: string): Promise<string> {
    // Backups are rare: their code loads with the first one, not with the page.
    const { exportIdentity } = await import('./IdentityBackup');
    return exportIdentity(
      {
        keyPair: { publicKey: this.publicKey, privateKey: this.privateKey },
        createdAt: this.createdAt,
      },
      passphrase,
    );
  }

  /**
   * Replaces the identity held by `store` with the one in backup `text` (made by backup() on
   * any device), and returns it: from the next load on, this browser is that user. Rejects
   * with BackupError for a bad file or passphrase, leaving the store untouched.
   */
  static async restore(store: KeyStore, text: string, passphrase: string): Promise<Identity> {
    const { importIdentity } = await import('./IdentityBackup');
    const stored = await importIdentity(text, passphrase);
    await store.save(stored);
    return Identity.from(stored, true, undefined);
  }

  /** Signs `data` with this user's private key; resolves to the 64-byte signature. */
  sign(data: Uint8Array): Promise<Uint8Array> {
    return signBytes(this.privateKey, data);
  }

  private static async from(
    stored: StoredIdentity,
    persistent: boolean,
    storageError: Error | undefined,
  ): Promise<Identity> {
    const userId = userIdFromPublicKey(await exportPublicKey(stored.keyPair.publicKey));
    return new Identity(stored, userId, persistent, storageError);
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
