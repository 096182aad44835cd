import { expect } from '@esm-bundle/chai';
import { Identity } from './Identity';
import { MemoryKeyStore } from './MemoryKeyStore';
import { keyDigits, safetyNumber } from './safetyNumber';
import { userIdFromPublicKey } from './UserId';

describe('keyDigits and safetyNumber', () => {
  it('give 60 digits that both sides compute alike and that differ between keys', async () => {
    const a = await Identity.loadOrCreate(new MemoryKeyStore());
    const b = await Identity.loadOrCreate(new MemoryKeyStore());
    const c = await Identity.loadOrCreate(new MemoryKeyStore());
    const ab = await safetyNumber(a.userId, b.userId);
    expect(ab).to.match(/^(\d{5} ){11}\d{5}$/);
    expect(await safetyNumber(b.userId, a.userId)).to.equal(ab);
    expect(await safetyNumber(a.userId, c.userId)).to.not.equal(ab);
    expect(await keyDigits(a.userId)).to.match(/^(\d{5} ){11}\d{5}$/);
    expect(await keyDigits(a.userId)).to.not.equal(await keyDigits(b.userId));
  });

  it('tells apart keys whose 48-bit tags are equal', async () => {
    const raw = new Uint8Array(32).fill(7);
    const twin = raw.slice();
    twin[31] = 8;
    const [x, y] = [userIdFromPublicKey(raw), userIdFromPublicKey(twin)];
    expect(await keyDigits(x)).to.not.equal(await keyDigits(y));
  });
});
