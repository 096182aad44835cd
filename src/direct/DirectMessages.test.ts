import { expect } from '@esm-bundle/chai';
import { DhKeys } from './DhKeys';
import { MemoryDhKeyStore } from './DhKeyStore';
import { Identity } from '../identity/Identity';
import { MemoryKeyStore } from '../identity/MemoryKeyStore';
import { Verifier } from '../identity/Verifier';
import { announceDh, dmPassword, dmRoomId, readPeerCard, verifiedDhKey } from './DirectMessages';
import { isRoomId } from '../app/RoomLink';

async function user(): Promise<{ identity: Identity; dh: DhKeys }> {
  return {
    identity: await Identity.loadOrCreate(new MemoryKeyStore()),
    dh: await DhKeys.loadOrCreate(new MemoryDhKeyStore()),
  };
}

describe('DirectMessages', () => {
  it('derives the same room id from either side, a valid room id', async () => {
    const [a, b, c] = await Promise.all([user(), user(), user()]);
    const ab = await dmRoomId(a.identity.userId, b.identity.userId);
    expect(await dmRoomId(b.identity.userId, a.identity.userId)).to.equal(ab);
    expect(await dmRoomId(a.identity.userId, c.identity.userId)).to.not.equal(ab);
    expect(ab).to.match(/^dm-[A-Za-z0-9_-]{22}$/);
    expect(isRoomId(ab)).to.equal(true);
  });

  it('derives the same password on both sides, and a third user cannot', async () => {
    const [a, b, c] = await Promise.all([user(), user(), user()]);
    const room = await dmRoomId(a.identity.userId, b.identity.userId);
    const fromA = await dmPassword(a.dh, b.dh.publicKey, room);
    const fromB = await dmPassword(b.dh, a.dh.publicKey, room);
    expect(fromA).to.be.a('string');
    expect(fromA).to.equal(fromB);
    expect(await dmPassword(c.dh, b.dh.publicKey, room)).to.not.equal(fromA);
    expect(await dmPassword(c.dh, a.dh.publicKey, room)).to.not.equal(fromA);
  });

  it('refuses malformed and all-zero peer keys', async () => {
    const a = await user();
    expect(await dmPassword(a.dh, 'not a key', 'dm-room')).to.equal(undefined);
    expect(await dmPassword(a.dh, 'A'.repeat(43), 'dm-room')).to.equal(undefined);
  });

  it('accepts a key announcement only with its owner’s signature', async () => {
    const [a, b] = await Promise.all([user(), user()]);
    const verifier = new Verifier();
    const announcement = await announceDh(a.dh, a.identity);
    expect(await verifiedDhKey(announcement, a.identity.userId, verifier)).to.equal(a.dh.publicKey);
    // Replayed as someone else's, or with another key: refused.
    expect(await verifiedDhKey(announcement, b.identity.userId, verifier)).to.equal(undefined);
    const swapped = { ...announcement, k: b.dh.publicKey };
    expect(await verifiedDhKey(swapped, a.identity.userId, verifier)).to.equal(undefined);
    expect(await verifiedDhKey('junk', a.identity.userId, verifier)).to.equal(undefined);
    expect(await verifiedDhKey({ k: 1, s: 2 }, a.identity.userId, verifier)).to.equal(undefined);
  });

  it('reads peer cards from untrusted awareness states', () => {
    const card = readPeerCard({
      v: 2,
      sessions: [['user-a', 's1']],
      name: 'Ann',
      inv: ['token-b', 7, 'token-c', 'x'.repeat(65)],
    });
    expect(card).to.deep.equal({
      userId: 'user-a',
      name: 'Ann',
      dh: undefined,
      invites: ['token-b', 'token-c'],
    });
    expect(readPeerCard({ sessions: 'x' })).to.equal(undefined);
    expect(readPeerCard(null)).to.equal(undefined);
  });
});
