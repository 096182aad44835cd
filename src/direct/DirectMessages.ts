// Direct-message rooms: a room shared by exactly two users, its id and its password derived
// from an X25519 agreement between them, so both find the same room without a link and nobody
// else can compute its signaling topic or join it. Peers learn of each other's key agreement
// key through awareness fields, signed with the user's Ed25519 identity key, and invite each
// other with tokens only the invitee can recognise.
import { decodeBase64url, encodeBase64url } from '../identity/base64url';
import type { DhKeys } from './DhKeys';
import type { SignatureVerifier, Signer } from '../log/signing';
import { readSessions } from '../presence/PresenceCards';

/** Awareness field carrying the signed X25519 public key. */
export const DH_FIELD = 'dh';
/**
 * Awareness field of DM invitations: opaque tokens (inviteToken), one per invited peer present
 * in the room. Only the invitee can tell a token is for them; others learn nothing of who
 * talks to whom. (It replaces `dm`, which listed the invited userIds in clear.)
 */
export const INVITE_FIELD = 'inv';
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

/**
 * The first DM room id scheme ('dm-' + 22 characters of SHA-256 over the sorted pair of
 * userIds): anyone could compute it. Kept only to recognise DM rooms stored before.
 */
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

/** HKDF-SHA-256 of the pair's X25519 agreement, `bytes` long; undefined for an unusable key. */
async function fromAgreement(
  dh: DhKeys,
  peerDhKey: string,
  salt: string,
  info: string,
  bytes: number,
): Promise<Uint8Array | undefined> {
  const secret = await dh.sharedSecret(peerDhKey);
  if (!secret) return undefined;
  const ikm = await crypto.subtle.importKey('raw', secret, 'HKDF', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: encoder.encode(salt), info: encoder.encode(info) },
    ikm,
    bytes * 8,
  );
  return new Uint8Array(bits);
}

/** A DM room's id and password, as both of its users derive them. */
export interface DmSecrets {
  readonly roomId: string;
  readonly password: string;
}

/**
 * The DM room of two users: its id ('dm-' + 22 base64url characters) and password, both from
 * their X25519 agreement (HKDF, salted with the sorted pair of userIds). Only the two can
 * compute either, so nobody else can wait on its signaling topic. Undefined for an unusable
 * peer key.
 */
export async function dmSecrets(
  dh: DhKeys,
  peerDhKey: string,
  userId: string,
  peerUserId: string,
): Promise<DmSecrets | undefined> {
  const pair = userId < peerUserId ? `${userId}|${peerUserId}` : `${peerUserId}|${userId}`;
  const id = await fromAgreement(dh, peerDhKey, pair, 'meshchat/dm-room/2', 16);
  if (!id) return undefined;
  const roomId = 'dm-' + encodeBase64url(id).slice(0, 22);
  const password = await dmPassword(dh, peerDhKey, roomId);
  return password ? { roomId, password } : undefined;
}

/**
 * The token by which `inviter` invites `invitee` to their DM, published in a room both are
 * in: HKDF of their agreement over the room and the direction. Only the invitee (and the
 * inviter) can compute it, so it tells nobody else who is invited; bound to the room and to
 * the inviter, so it cannot be replayed by a third user or in another room.
 */
export async function inviteToken(
  dh: DhKeys,
  peerDhKey: string,
  roomId: string,
  inviter: string,
  invitee: string,
): Promise<string | undefined> {
  const bits = await fromAgreement(
    dh,
    peerDhKey,
    roomId,
    `meshchat/dm-invite/1|${inviter}|${invitee}`,
    16,
  );
  return bits && encodeBase64url(bits);
}

/** A peer's awareness state read for DMs: who it is, its name, its key, its invite tokens. */
export interface PeerCard {
  readonly userId: string;
  readonly name: string | undefined;
  readonly dh: unknown;
  /** Opaque invitation tokens (inviteToken); at most 64. */
  readonly invites: readonly string[];
}

/** Reads the DM-related fields of one untrusted awareness state (one user per state). */
export function readPeerCard(state: unknown): PeerCard | undefined {
  const sessions = readSessions(state);
  const userId = sessions?.[0]?.userId;
  if (!userId) return undefined;
  const record = state as Record<string, unknown>;
  const invites = Array.isArray(record[INVITE_FIELD])
    ? (record[INVITE_FIELD] as unknown[])
        .slice(0, MAX_INVITES)
        .filter((token): token is string => typeof token === 'string' && token.length <= 64)
    : [];
  const name = typeof record.name === 'string' ? record.name.slice(0, 64) : undefined;
  return { userId, name, dh: record[DH_FIELD], invites };
}
