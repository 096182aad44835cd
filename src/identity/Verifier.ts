// Checks anyone's signatures from their user id, keeping recently used public keys imported.
import { importPublicKey, SIGNATURE_BYTES, verifyBytes } from './ed25519';
import type { UserId } from './UserId';
import { isUserId, publicKeyBytes } from './UserId';

/** Options of {@link Verifier}. */
export interface VerifierOptions {
  /** How many imported public keys to keep, least recently used dropped first; default 1000. */
  readonly cacheSize?: number;
}

/** Counters of a {@link Verifier}, for tests and diagnostics. */
export interface VerifierStats {
  /** Public keys currently cached. */
  readonly cachedKeys: number;
  /** Public key imports started so far (cache misses). */
  readonly imports: number;
}

/**
 * Verifies Ed25519 signatures made by {@link Identity.sign}, for any user, given the signer's
 * user id. Built for untrusted peer data: {@link Verifier.verify} resolves to `false` for every
 * bad input and never rejects.
 */
export class Verifier {
  private readonly cacheSize: number;
  /** userId -> imported key (`undefined` if WebCrypto refused it); Map order is recency. */
  private readonly keys = new Map<string, Promise<CryptoKey | undefined>>();
  private importCount = 0;

  constructor(options: VerifierOptions = {}) {
    const cacheSize = options.cacheSize ?? 1000;
    if (!Number.isInteger(cacheSize) || cacheSize < 1) {
      throw new RangeError(`cacheSize must be a positive integer, not ${String(cacheSize)}`);
    }
    this.cacheSize = cacheSize;
  }

  /**
   * Whether `signature` is `userId`'s signature of exactly `data`. False for a malformed user
   * id, a signature that is not 64 bytes, arguments of the wrong type, or a key WebCrypto
   * refuses.
   */
  async verify(userId: string, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
    if (!(data instanceof Uint8Array) || !(signature instanceof Uint8Array)) return false;
    if (signature.length !== SIGNATURE_BYTES || !isUserId(userId)) return false;
    const key = await this.keyOf(userId);
    if (!key) return false;
    try {
      return await verifyBytes(key, data, signature);
    } catch {
      return false;
    }
  }

  /** Current counters. */
  stats(): VerifierStats {
    return { cachedKeys: this.keys.size, imports: this.importCount };
  }

  private keyOf(userId: UserId): Promise<CryptoKey | undefined> {
    let key = this.keys.get(userId);
    if (key) {
      // Re-insert to mark it most recently used.
      this.keys.delete(userId);
    } else {
      this.importCount += 1;
      // The promise is cached, so concurrent verifications of a new user import once.
      key = importPublicKey(publicKeyBytes(userId)).catch(() => undefined);
      const oldest = this.keys.size >= this.cacheSize ? this.keys.keys().next() : undefined;
      if (oldest && !oldest.done) this.keys.delete(oldest.value);
    }
    this.keys.set(userId, key);
    return key;
  }
}
