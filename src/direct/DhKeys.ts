// The local user's X25519 key pair for direct messages: two users derive the same secret from
// their own private key and the other's public key (ECDH), and nobody else can.
import { decodeBase64url, encodeBase64url } from '../identity/base64url';
import type { DhKeyStore, StoredDhKey } from './DhKeyStore';

const ALGORITHM = { name: 'X25519' } as const;
/** Length of a raw X25519 public key. */
export const DH_PUBLIC_KEY_BYTES = 32;

/**
 * An X25519 key pair kept in a {@link DhKeyStore}; the private key is non-extractable, so
 * script can agree keys with it but never read it. Like Identity, a store failure still gives
 * a working key pair, kept in memory (`persistent: false`).
 */
export class DhKeys {
  /** The public key, raw, base64url: what peers need to agree a secret with us. */
  readonly publicKey: string;
  readonly persistent: boolean;
  private readonly privateKey: CryptoKey;

  private constructor(publicKey: string, privateKey: CryptoKey, persistent: boolean) {
    this.publicKey = publicKey;
    this.privateKey = privateKey;
    this.persistent = persistent;
  }

  /** The key pair held by `store`, made and stored first if there is none. */
  static async loadOrCreate(store: DhKeyStore): Promise<DhKeys> {
    let fresh: StoredDhKey | undefined;
    try {
      const loaded = await store.load();
      if (loaded) return await DhKeys.from(loaded, true);
      fresh = { keyPair: await generate(), createdAt: Date.now() };
      return await DhKeys.from(await store.saveIfAbsent(fresh), true);
    } catch {
      fresh ??= { keyPair: await generate(), createdAt: Date.now() };
      return DhKeys.from(fresh, false);
    }
  }

  /**
   * The 32-byte shared secret with the owner of `peerPublicKey` (base64url raw), or undefined
   * for a malformed or unusable key (bad peer input is dropped, not thrown).
   */
  async sharedSecret(peerPublicKey: string): Promise<Uint8Array<ArrayBuffer> | undefined> {
    const raw = decodeBase64url(peerPublicKey);
    if (raw?.length !== DH_PUBLIC_KEY_BYTES) return undefined;
    try {
      const peer = await crypto.subtle.importKey('raw', raw, ALGORITHM, true, []);
      const bits = await crypto.subtle.deriveBits(
        { name: 'X25519', public: peer },
        this.privateKey,
        256,
      );
      const secret = new Uint8Array(bits);
      // An all-zero result means a small-order peer key: refuse it (RFC 7748, section 6.1).
      return secret.some((b) => b !== 0) ? secret : undefined;
    } catch {
      return undefined;
    }
  }

  private static async from(stored: StoredDhKey, persistent: boolean): Promise<DhKeys> {
    const raw = new Uint8Array(await crypto.subtle.exportKey('raw', stored.keyPair.publicKey));
    return new DhKeys(encodeBase64url(raw), stored.keyPair.privateKey, persistent);
  }
}

function generate(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(ALGORITHM, false, ['deriveBits']);
}
