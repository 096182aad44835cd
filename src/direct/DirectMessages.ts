// Direct-message rooms: a room shared by exactly two users, its id derived from both user ids
// and its password from an X25519 agreement between them, so both find the same room without
// a link and nobody else can join its signaling. Peers learn of each other's key agreement key
// through awareness fields, signed with the user's Ed25519 identity key.
import { decodeBase64url, encodeBase64url } from '../identity/base64url';
import type { DhKeys } from './DhKeys';
import type { SignatureVerifier, Signer } from '../log/signing';
import { readSessions } from '../presence/AwarenessPresence';

/** Awareness field carrying the signed X25519 public key. */
export const DH_FIELD = 'dh';
/** Awareness field listing the users this user has opened a DM with. */
export const DM_FIELD = 'dm';
/** At most this many DM invitations are read from one peer's state. */
const MAX_INVITES = 64;

/** The `dh` awareness field: an X25519 public key and its owner's signature over it. */
export interface DhAnnouncement {
  /** base64url raw X25519 public key. */
  readonly k: string;
  /** base64url Ed25519 signature by the announcing user over dhStatement(). */
  readonly s: string;
}

const encoder = new TextEncoder();

/** What a user signs to vouch for a key agreement key: binds the key to the user id. */
function dhStatement(userId: string, key: string): Uint8Array {
  return encoder.encode(`meshchat/dh/1\n${userId}\n${key}`);
}

/** The `dh` field to publish: our X25519 public key signed by our identity. */
export async function announceDh(dh: DhKeys, signer: Signer): Promise<DhAnnouncement> {
  const signature = await signer.sign(dhStatement(signer.userId, dh.publicKey));
  return { k: dh.publicKey, s: encodeBase64url(signature) };
}

/** The X25519 key `userId` vouched for in an untrusted `dh` field; undefined unless valid. */
export async function verifiedDhKey(
  value: unknown,
  userId: string,
  verifier: SignatureVerifier,
): Promise<string | undefined> {
  if (typeof value !== 'object' || value === null) return undefined;
  const { k, s } = value as Record<string, unknown>;
  if (typeof k !== 'string' || typeof s !== 'string' || k.length > 64 || s.length > 128) {
    return undefined;
  }
  const signature = decodeBase64url(s);
  if (!signature) return undefined;
  return (await verifier.verify(userId, dhStatement(userId, k), signature)) ? k : undefined;
}

/** The DM room of two users: 'dm-' + 22 characters of SHA-256 over the sorted pair. */
export async function dmRoomId(a: string, b: string): Promise<string> {
  const [first, second] = a < b ? [a, b] : [b, a];
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(`${first}|${second}`));
  return 'dm-' + encodeBase64url(new Uint8Array(digest)).slice(0, 22);
}

/**
 * The DM room's password: HKDF-SHA-256 over our X25519 agreement with the peer's key, salted
 * with the room id. Both users derive the same one; undefined for an unusable peer key.
 */
export async function dmPassword(
  dh: DhKeys,
  peerDhKey: string,
  roomId: string,
): Promise<string | undefined> {
  const secret = await dh.sharedSecret(peerDhKey);
  if (!secret) return undefined;
  const ikm = await crypto.subtle.importKey('raw', secret, 'HKDF', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    {
      name: 'HKDF',
      hash: 'SHA-256',
      salt: encoder.encode(roomId),
      info: encoder.encode('meshchat/dm-password/1'),
    },
    ikm,
    256,
  );
  return encodeBase64url(new Uint8Array(bits));
}

/** A peer's awareness state read for DMs: who it is, its name, its key, whom it invites. */
export interface PeerCard {
  readonly userId: string;
  readonly name: string | undefined;
  readonly dh: unknown;
  readonly invites: readonly string[];
}

/** Reads the DM-related fields of one untrusted awareness state (one user per state). */
export function readPeerCard(state: unknown): PeerCard | undefined {
  const sessions = readSessions(state);
  const userId = sessions?.[0]?.userId;
  if (!userId) return undefined;
  const record = state as Record<string, unknown>;
  const invites = Array.isArray(record[DM_FIELD])
    ? (record[DM_FIELD] as unknown[])
        .slice(0, MAX_INVITES)
        .filter((id): id is string => typeof id === 'string')
    : [];
  const name = typeof record.name === 'string' ? record.name.slice(0, 64) : undefined;
  return { userId, name, dh: record[DH_FIELD], invites };
}
