/** Signs the canonical bytes of entries written by the local user. */
export interface Signer {
  /** The userId entries are signed as. */
  readonly userId: string;
  /** A 64-byte Ed25519 signature over `data`. */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** Checks signatures from any user; false (never a throw) for anything that does not verify. */
export interface SignatureVerifier {
  verify(userId: string, data: Uint8Array, signature: Uint8Array): Promise<boolean>;
}
