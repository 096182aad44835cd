// Who a user is: key pairs, user ids, signing and verifying. See Identity and Verifier.
export { decodeBase64url, encodeBase64url } from './base64url';
export { PUBLIC_KEY_BYTES, SIGNATURE_BYTES } from './ed25519';
export { Identity } from './Identity';
export { IDENTITY_DATABASE, IdbKeyStore } from './IdbKeyStore';
export type { IdbKeyStoreOptions } from './IdbKeyStore';
export { KeyStoreError } from './KeyStore';
export type { KeyStore, StoredIdentity } from './KeyStore';
export { MemoryKeyStore } from './MemoryKeyStore';
export {
  fingerprint,
  isUserId,
  publicKeyBytes,
  USER_ID_LENGTH,
  userIdFromPublicKey,
} from './UserId';
export type { UserId } from './UserId';
export { Verifier } from './Verifier';
export type { VerifierOptions, VerifierStats } from './Verifier';
