import { expect } from '@esm-bundle/chai';
import { exportPublicKey, generateKeyPair } from './ed25519';
import type { UserId } from './UserId';
import { fingerprint, isUserId, publicKeyBytes, userIdFromPublicKey } from './UserId';

async function newUserId(): Promise<UserId> {
  return userIdFromPublicKey(await exportPublicKey((await generateKeyPair()).publicKey));
}

describe('UserId', () => {
  it('is the 43-character base64url of the raw public key, and isUserId accepts it', async () => {
    for (let i = 0; i < 20; i += 1) {
      const userId = await newUserId();
      expect(userId).to.match(/^[A-Za-z0-9_-]{43}$/);
      expect(isUserId(userId)).to.equal(true);
      expect(userIdFromPublicKey(publicKeyBytes(userId))).to.equal(userId);
    }
  });

  it('isUserId rejects wrong lengths, characters, encodings and types', async () => {
    const good = await newUserId();
    const bad: unknown[] = [
      '',
      good.slice(0, 42),
      `${good}A`,
      `${good.slice(0, 42)}=`,
      `${good.slice(0, 42)}+`,
      `${good.slice(0, 42)}/`,
      `${good.slice(0, 42)} `,
      `${good.slice(0, 42)}é`,
      // 43 characters whose last one has non-zero unused bits: a second spelling of a key.
      `${'A'.repeat(42)}B`,
      // Standard base64 with padding of the same 32 bytes.
      btoa(String.fromCharCode(...publicKeyBytes(good))),
      42,
      null,
      undefined,
      {},
      publicKeyBytes(good),
    ];
    for (const value of bad) expect(isUserId(value), String(value)).to.equal(false);
    expect(isUserId(`${'A'.repeat(42)}E`)).to.equal(true);
  });

  it('userIdFromPublicKey refuses keys that are not 32 bytes', () => {
    expect(() => userIdFromPublicKey(new Uint8Array(31))).to.throw(RangeError);
    expect(() => userIdFromPublicKey(new Uint8Array(33))).to.throw(RangeError);
  });

  it('publicKeyBytes refuses a string merely cast to UserId', () => {
    expect(() => publicKeyBytes('not-a-user-id' as UserId)).to.throw(TypeError);
  });

  it('fingerprint shows the first six key bytes (48 bits) as hex, stably', () => {
    const raw = new Uint8Array(32);
    raw.set([0x3f, 0x9a, 0x07, 0xc2, 0x11, 0xd4, 0xff]);
    const userId = userIdFromPublicKey(raw);
    expect(fingerprint(userId)).to.equal('3f9a-07c2-11d4');
    expect(fingerprint(userIdFromPublicKey(raw.slice()))).to.equal('3f9a-07c2-11d4');
    // Two keys that agree on 32 bits (once a match for 2^32 key generations) differ.
    const other = raw.slice();
    other[5] = 0x00;
    expect(fingerprint(userIdFromPublicKey(other))).to.not.equal(fingerprint(userId));
  });

  it('fingerprint differs between different keys', async () => {
    const ids = await Promise.all(Array.from({ length: 50 }, newUserId));
    const tags = ids.map(fingerprint);
    for (const tag of tags) expect(tag).to.match(/^[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$/);
    expect(new Set(tags).size).to.equal(50);
  });
});
