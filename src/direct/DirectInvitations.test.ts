import { expect } from '@esm-bundle/chai';
import { DhKeys } from './DhKeys';
import { MemoryDhKeyStore } from './DhKeyStore';
import { Identity } from '../identity/Identity';
import { MemoryKeyStore } from '../identity/MemoryKeyStore';
import { dmRoomId, dmSecrets, inviteToken } from './DirectMessages';
import { isRoomId } from '../app/RoomLink';

async function user(): Promise<{ id: string; dh: DhKeys }> {
  const identity = await Identity.loadOrCreate(new MemoryKeyStore());
  return { id: identity.userId, dh: await DhKeys.loadOrCreate(new MemoryDhKeyStore()) };
}

describe('DM rooms from the pair’s key agreement', () => {
  it('gives both users the same room id and password; a third user gets neither', async () => {
    const [a, b, c] = await Promise.all([user(), user(), user()]);
    const fromA = await dmSecrets(a.dh, b.dh.publicKey, a.id, b.id);
    const fromB = await dmSecrets(b.dh, a.dh.publicKey, b.id, a.id);
    expect(fromA).to.deep.equal(fromB);
    expect(fromA?.roomId).to.match(/^dm-[A-Za-z0-9_-]{22}$/);
    expect(isRoomId(fromA?.roomId ?? '')).to.equal(true);
    // Public userIds no longer name the room: the old derivation does not find it.
    expect(fromA?.roomId).to.not.equal(await dmRoomId(a.id, b.id));
    // Someone else, with either user's public key, derives another room.
    const fromC = await dmSecrets(c.dh, b.dh.publicKey, a.id, b.id);
    expect(fromC?.roomId).to.not.equal(fromA?.roomId);
    expect(fromC?.password).to.not.equal(fromA?.password);
    expect(await dmSecrets(a.dh, 'not a key', a.id, b.id)).to.equal(undefined);
  });

  it('makes invitation tokens only the invitee recognises, bound to room and direction', async () => {
    const [a, b, c] = await Promise.all([user(), user(), user()]);
    const token = await inviteToken(a.dh, b.dh.publicKey, 'lobby-room', a.id, b.id);
    expect(token).to.match(/^[A-Za-z0-9_-]{22}$/);
    expect(await inviteToken(b.dh, a.dh.publicKey, 'lobby-room', a.id, b.id)).to.equal(token);
    // Not the token for another room, the other direction, or a third user's pair.
    expect(await inviteToken(b.dh, a.dh.publicKey, 'other-room', a.id, b.id)).to.not.equal(token);
    expect(await inviteToken(b.dh, a.dh.publicKey, 'lobby-room', b.id, a.id)).to.not.equal(token);
    expect(await inviteToken(c.dh, a.dh.publicKey, 'lobby-room', a.id, c.id)).to.not.equal(token);
    expect(token?.includes(b.id)).to.equal(false);
  });
});
