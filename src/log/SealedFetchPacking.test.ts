import { expect } from '@esm-bundle/chai';
import * as Y from 'yjs';
import { until } from '../testkit/waitFor';
import { destroyTabs, heldIn, link, onLog, tab, write } from '../testkit/log/sealTabs';
import { SEALS_ROOT } from './schema';
import type { SegmentPacking } from './SegmentFetch';
import { segmentPacking } from '../net/deflate';

afterEach(destroyTabs);

describe('Sealed segments compressed for the wire', () => {
  it('sends segments compressed; any holder makes the same bytes; bad ones fall back', async () => {
    const packing: SegmentPacking = segmentPacking;
    const alice = await tab({ liveLimit: 5, sealSize: 10, packing });
    const bob = await tab({ packing });
    link(alice.doc, bob.doc);
    await write(alice.log, alice.userId, 25);
    await until(onLog(bob.log), () => bob.log.entries().length === 25);
    const id = (await alice.seals.sealDue()) as string;
    const record = alice.doc.getMap(SEALS_ROOT).get(id) as { s: number; z: [string, number] };
    expect(record.z[1], 'smaller than the segment').to.be.below(record.s);
    // Bob checked the seal from his own entries: he makes the very bytes Alice named.
    const fromBob = await bob.seals.packedFor(record.z[0]);
    expect(fromBob && Array.from(fromBob)).to.deep.equal(
      Array.from((await alice.seals.packedFor(record.z[0])) as Uint8Array),
    );

    const asked: string[] = [];
    const carol = await tab({
      packing,
      fetch: async (hash) => {
        asked.push(hash);
        return (await bob.seals.packedFor(hash)) ?? Promise.reject(new Error('not held'));
      },
    });
    Y.applyUpdate(carol.doc, Y.encodeStateAsUpdate(alice.doc));
    expect(await carol.seals.fetchMissing()).to.equal(1);
    expect(asked, 'only the compressed form was asked for').to.deep.equal([record.z[0]]);
    await carol.log.whenProcessed();
    expect(carol.log.entries()).to.have.length(25);

    // Compressed bytes that inflate to something else: refused, the plain segment is fetched.
    const plainAsked: string[] = [];
    const dave = await tab({
      packing,
      fetch: async (hash) => {
        plainAsked.push(hash);
        if (hash === record.z[0]) return packing.pack(new TextEncoder().encode('not a segment'));
        return heldIn(alice.store, hash);
      },
    });
    Y.applyUpdate(dave.doc, Y.encodeStateAsUpdate(alice.doc));
    expect(await dave.seals.fetchMissing()).to.equal(1);
    expect(plainAsked).to.deep.equal([record.z[0], id]);
  });
});
