import { expect } from '@esm-bundle/chai';
import { FileStore, QuotaExceeded } from './FileStore';

describe('FileStore (IndexedDB)', () => {
  const room = `room-${crypto.randomUUID()}`;
  const other = `room-${crypto.randomUUID()}`;
  const store = new FileStore(1000);

  after(async () => {
    await store.clear(room);
    await store.clear(other);
    store.close();
  });

  it('keeps bytes per room by hash and counts them against the room quota', async () => {
    await store.put(room, 'a', new Blob([new Uint8Array(600)]));
    await store.put(room, 'a', new Blob([new Uint8Array(600)]));
    expect(await store.usage(room)).to.deep.equal({ used: 600, quota: 1000, files: 1 });
    expect((await store.get(room, 'a'))?.size).to.equal(600);
    expect(await store.get(other, 'a')).to.equal(undefined);
    let refused: unknown;
    try {
      await store.put(room, 'b', new Blob([new Uint8Array(500)]));
    } catch (error) {
      refused = error;
    }
    expect(refused).to.be.instanceOf(QuotaExceeded);
    expect((refused as Error).message).to.contain('at most 1.0 KB');
    expect(await store.has(room, 'b')).to.equal(false);
    // Another room has a quota of its own.
    await store.put(other, 'b', new Blob([new Uint8Array(500)]));
    expect((await store.usage(other)).used).to.equal(500);
  });

  it('checks the quota of concurrent puts one after another', async () => {
    const results = await Promise.allSettled(
      ['c', 'd', 'e'].map((hash) => store.put(`${room}-x`, hash, new Blob([new Uint8Array(400)]))),
    );
    expect(results.map((r) => r.status)).to.deep.equal(['fulfilled', 'fulfilled', 'rejected']);
    await store.clear(`${room}-x`);
    expect((await store.usage(`${room}-x`)).used).to.equal(0);
  });
});
