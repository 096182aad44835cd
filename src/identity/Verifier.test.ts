import { expect } from '@esm-bundle/chai';
import { Identity } from './Identity';
import { MemoryKeyStore } from './MemoryKeyStore';
import { Verifier } from './Verifier';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const newIdentity = (): Promise<Identity> => Identity.loadOrCreate(new MemoryKeyStore());

describe('Verifier', () => {
  let alice: Identity;
  let mallory: Identity;
  const data = bytes('{"id":"m1","text":"hello"}');
  let signature: Uint8Array;
  beforeEach(async () => {
    [alice, mallory] = await Promise.all([newIdentity(), newIdentity()]);
    signature = await alice.sign(data);
  });

  it('accepts a signature by the named user over the same bytes', async () => {
    expect(await new Verifier().verify(alice.userId, data, signature)).to.equal(true);
    const empty = new Uint8Array(0);
    expect(await new Verifier().verify(alice.userId, empty, await alice.sign(empty))).to.equal(
      true,
    );
  });

  it('accepts views that are not at the start of their buffer', async () => {
    const framed = new Uint8Array(data.length + 8);
    framed.set(data, 4);
    const view = framed.subarray(4, 4 + data.length);
    const padded = new Uint8Array(70);
    padded.set(signature, 3);
    expect(await new Verifier().verify(alice.userId, view, padded.subarray(3, 67))).to.equal(true);
  });

  it('rejects altered data and altered signatures', async () => {
    const verifier = new Verifier();
    for (let i = 0; i < data.length; i += 7) {
      const altered = data.slice();
      altered[i] = (altered[i] ?? 0) ^ 1;
      expect(await verifier.verify(alice.userId, altered, signature)).to.equal(false);
    }
    for (const i of [0, 31, 32, 63]) {
      const altered = signature.slice();
      altered[i] = (altered[i] ?? 0) ^ 0x80;
      expect(await verifier.verify(alice.userId, data, altered)).to.equal(false);
    }
  });

  it("rejects another user's signature under this userId, and this one's under another's", async () => {
    const verifier = new Verifier();
    const forged = await mallory.sign(data);
    expect(await verifier.verify(alice.userId, data, forged)).to.equal(false);
    expect(await verifier.verify(mallory.userId, data, signature)).to.equal(false);
  });

  it('returns false, never throwing, for malformed user ids', async () => {
    const verifier = new Verifier();
    const ids: unknown[] = [
      '',
      alice.userId.slice(1),
      `${alice.userId}=`,
      `${alice.userId.slice(0, 42)}+`,
      alice.userId.toUpperCase() === alice.userId ? 'x' : alice.userId.toUpperCase(),
      // Well-formed but not a usable key: all 0x00 bytes, all 0xff bytes.
      'A'.repeat(43),
      `${'_'.repeat(42)}8`,
      null,
      42,
      { userId: alice.userId },
    ];
    for (const id of ids) {
      expect(await verifier.verify(id as string, data, signature), String(id)).to.equal(false);
    }
  });

  it('returns false, never throwing, for wrong-length or garbage signatures and data', async () => {
    const verifier = new Verifier();
    const signatures: unknown[] = [
      new Uint8Array(0),
      signature.subarray(0, 63),
      new Uint8Array([...signature, 0]),
      new Uint8Array(64),
      new Uint8Array(64).fill(0xff),
      crypto.getRandomValues(new Uint8Array(64)),
      signature.buffer,
      Array.from(signature),
      'signature',
      undefined,
    ];
    for (const bad of signatures) {
      expect(await verifier.verify(alice.userId, data, bad as Uint8Array)).to.equal(false);
    }
    for (const badData of [undefined, null, 'text', Array.from(data)]) {
      expect(
        await verifier.verify(alice.userId, badData as unknown as Uint8Array, signature),
      ).to.equal(false);
    }
  });

  it('imports each user key once for many messages, even when verifying concurrently', async () => {
    const verifier = new Verifier();
    const messages = Array.from({ length: 50 }, (_, i) => bytes(`message ${i}`));
    const signed = await Promise.all(
      [alice, mallory].flatMap((who) =>
        messages.map(async (m) => ({ who, m, sig: await who.sign(m) })),
      ),
    );
    const results = await Promise.all(signed.map((s) => verifier.verify(s.who.userId, s.m, s.sig)));
    expect(results.every(Boolean)).to.equal(true);
    expect(verifier.stats()).to.deep.equal({ cachedKeys: 2, imports: 2 });
  });

  it('keeps at most cacheSize keys, dropping the least recently used', async () => {
    const carol = await newIdentity();
    const sign = async (who: Identity) => ({ who, sig: await who.sign(data) });
    const [a, m, c] = await Promise.all([sign(alice), sign(mallory), sign(carol)]);
    const verifier = new Verifier({ cacheSize: 2 });
    for (const s of [a, m, a, c, a]) {
      expect(await verifier.verify(s.who.userId, data, s.sig)).to.equal(true);
    }
    // alice was used after mallory, so carol's import evicted mallory, not alice.
    expect(verifier.stats()).to.deep.equal({ cachedKeys: 2, imports: 3 });
    expect(await verifier.verify(mallory.userId, data, m.sig)).to.equal(true);
    expect(verifier.stats()).to.deep.equal({ cachedKeys: 2, imports: 4 });
  });

  it('does not cache malformed user ids', async () => {
    const verifier = new Verifier();
    await verifier.verify('not a user id', data, signature);
    expect(verifier.stats()).to.deep.equal({ cachedKeys: 0, imports: 0 });
  });

  it('refuses a cache size that is not a positive integer', () => {
    expect(() => new Verifier({ cacheSize: 0 })).to.throw(RangeError);
    expect(() => new Verifier({ cacheSize: 1.5 })).to.throw(RangeError);
  });
});
