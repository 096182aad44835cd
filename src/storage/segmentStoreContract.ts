// The contract every SegmentStore meets, run on the in-memory fake and on IndexedDB alike.
import { expect } from '@esm-bundle/chai';
import type { SignedEntry } from '../log/schema';
import type { SealedSegment } from '../log/Segment';
import { segmentPacking } from '../net/deflate';
import type { SegmentStore } from './SegmentStore';

/** A stand-in segment: stores treat the bytes as opaque. */
export function segment(id: string, firstClock: number, count = 3): SealedSegment {
  return {
    id,
    bytes: new TextEncoder().encode(`segment ${id}`),
    first: { clock: firstClock, id: `${id}-first` },
    last: { clock: firstClock + count, id: `${id}-last` },
    count,
  };
}

export interface SegmentStoreHarness {
  open(): Promise<SegmentStore>;
  /** A reload: a new store over the same data. */
  reopen(): Promise<SegmentStore>;
  cleanup(): Promise<void>;
}

export function segmentStoreContract(name: string, harness: () => SegmentStoreHarness): void {
  describe(`${name} (SegmentStore contract)`, () => {
    let h: SegmentStoreHarness;
    beforeEach(() => {
      h = harness();
    });
    afterEach(async () => {
      await h.cleanup();
    });

    it('keeps segments per room, lists them oldest first, and survives a reload', async () => {
      const store = await h.open();
      await store.put('room-a', segment('later', 500));
      await store.put('room-a', segment('earlier', 100));
      await store.put('room-b', segment('other', 50));
      await store.put('room-a', segment('earlier', 100));
      const again = await h.reopen();
      const listed = await again.list('room-a');
      expect(listed.map((s) => s.id)).to.deep.equal(['earlier', 'later']);
      expect(listed[0]).to.deep.equal({
        id: 'earlier',
        first: { clock: 100, id: 'earlier-first' },
        last: { clock: 103, id: 'earlier-last' },
        count: 3,
      });
      const bytes = await again.get('room-a', 'later');
      expect(new TextDecoder().decode(bytes)).to.equal('segment later');
      expect(await again.get('room-a', 'other')).to.equal(undefined);
      expect((await again.list('room-b')).map((s) => s.id)).to.deep.equal(['other']);
      expect([...(await again.ids('room-a'))].sort()).to.deep.equal(['earlier', 'later']);
      expect([...(await again.ids('room-c'))]).to.deep.equal([]);
    });

    it('keeps a segment compressed where given: reads it inflated, serves the compressed form', async () => {
      const store = await h.open();
      const plain = segment('packed', 10);
      const packed = await deflate(plain.bytes);
      await store.put('room-a', plain, undefined, packed);
      await store.put('room-a', segment('plain', 20));
      const again = await h.reopen();
      expect(new TextDecoder().decode(await again.get('room-a', 'packed'))).to.equal(
        'segment packed',
      );
      expect(await again.packed('room-a', 'packed')).to.deep.equal(packed);
      expect(await again.packed('room-a', 'plain')).to.equal(undefined);
      expect(await again.packed('room-b', 'packed')).to.equal(undefined);
      await again.deleteRoom('room-a');
      expect(await again.packed('room-a', 'packed')).to.equal(undefined);
      expect(await again.get('room-a', 'packed')).to.equal(undefined);
    });

    it('keeps kind entries beside a segment, per room, and forgets them with the room', async () => {
      const store = await h.open();
      const kind = (id: string): SignedEntry => ({
        id,
        userId: 'u',
        message: 'x',
        unixTime: 1,
        clock: 1,
        batch: 'b',
        index: 0,
        version: 2,
        kind: 'react',
      });
      await store.put('room-a', segment('one', 1), [kind('k1'), kind('k2')]);
      await store.put('room-a', segment('two', 9));
      await store.put('room-b', segment('one', 1), [kind('k3')]);
      const again = await h.reopen();
      const ids = (values: unknown[]): unknown[] => values.map((v) => (v as SignedEntry).id);
      expect(ids(await again.kinds('room-a', ['one', 'two', 'missing']))).to.deep.equal([
        'k1',
        'k2',
      ]);
      expect(ids(await again.kinds('room-b', ['one']))).to.deep.equal(['k3']);
      expect(await again.kinds('room-b', ['two'])).to.deep.equal([]);
      await again.deleteRoom('room-a');
      expect(await again.kinds('room-a', ['one'])).to.deep.equal([]);
      expect(ids(await again.kinds('room-b', ['one']))).to.deep.equal(['k3']);
    });

    it('keeps edits and deletions of sealed messages per room; a deletion is final', async () => {
      const store = await h.open();
      await store.amend('room-a', [
        ['m1', 'edited once'],
        ['m2', undefined],
      ]);
      await store.amend('room-a', [
        ['m1', 'edited twice'],
        ['m2', 'an edit after the deletion'],
      ]);
      await store.amend('room-b', [['m1', 'other room']]);
      await store.amend('room-a', []);
      const again = await h.reopen();
      expect([...(await again.amendments('room-a'))].sort()).to.deep.equal([
        ['m1', 'edited twice'],
        ['m2', undefined],
      ]);
      expect([...(await again.amendments('room-b'))]).to.deep.equal([['m1', 'other room']]);
      await again.deleteRoom('room-a');
      expect([...(await again.amendments('room-a'))]).to.deep.equal([]);
      expect([...(await again.amendments('room-b'))]).to.deep.equal([['m1', 'other room']]);
    });

    it('forgets one room without touching the others, and refuses use after close', async () => {
      const store = await h.open();
      await store.put('room-a', segment('one', 1));
      await store.put('room-b', segment('two', 2));
      await store.deleteRoom('room-a');
      expect(await store.list('room-a')).to.deep.equal([]);
      expect((await store.list('room-b')).map((s) => s.id)).to.deep.equal(['two']);
      store.close();
      const refused = await store.list('room-b').then(
        () => 'answered',
        (error: unknown) => (error as { code?: string }).code,
      );
      expect(refused).to.equal('Destroyed');
    });
  });
}

/** deflate-raw, as segments travel and are kept. */
export function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  return segmentPacking.pack(bytes);
}
