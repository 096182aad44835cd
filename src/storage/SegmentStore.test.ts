import { expect } from '@esm-bundle/chai';
import { openDB } from 'idb';
import { IdbSegmentStore } from './IdbSegmentStore';
import { deflate, segment, segmentStoreContract } from './segmentStoreContract';
import { MemorySegmentStore, infoOf, type SegmentStore } from './SegmentStore';

segmentStoreContract('MemorySegmentStore', () => {
  const store = new MemorySegmentStore();
  return {
    open: () => Promise.resolve(store),
    reopen: () => Promise.resolve(store),
    cleanup: () => Promise.resolve(),
  };
});

segmentStoreContract('IdbSegmentStore', () => {
  const name = `meshchat-segments-test-${Date.now()}-${Math.random()}`;
  const opened: SegmentStore[] = [];
  const open = (): Promise<SegmentStore> => {
    const store = new IdbSegmentStore(name);
    opened.push(store);
    return Promise.resolve(store);
  };
  return {
    open,
    reopen: () => {
      for (const store of opened.splice(0)) store.close();
      return open();
    },
    cleanup: async () => {
      for (const store of opened.splice(0)) store.close();
      await IdbSegmentStore.clear(name);
    },
  };
});

describe('IdbSegmentStore, compressed', () => {
  it('stores the compressed form alone, and leaves out a record that does not inflate', async () => {
    const name = `meshchat-segments-packed-${Date.now()}-${Math.random()}`;
    const store = new IdbSegmentStore(name);
    try {
      const kept = { ...segment('big', 10), bytes: new Uint8Array(100_000).fill(7) };
      const packed = await deflate(kept.bytes);
      await store.put('r', kept, undefined, packed);
      const raw = await openDB(name);
      const record = (await raw.get('segments', ['r', 'big'])) as Record<string, unknown>;
      expect(record.bytes).to.equal(undefined);
      expect((record.packed as Uint8Array).byteLength).to.be.lessThan(1000);
      await raw.put('segments', { ...record, packed: new Uint8Array([1, 2, 3]) }, ['r', 'bad']);
      raw.close();
      expect(await store.get('r', 'big')).to.deep.equal(kept.bytes);
      expect(await store.get('r', 'bad')).to.equal(undefined);
    } finally {
      store.close();
      await IdbSegmentStore.clear(name);
    }
  });
});

describe('IdbSegmentStore upgrade', () => {
  it('lists the segments a version 2 database kept, from info records made on upgrade', async () => {
    const name = `meshchat-segments-v2-${Date.now()}-${Math.random()}`;
    const old = await openDB(name, 2, {
      upgrade(db) {
        db.createObjectStore('segments');
        db.createObjectStore('kinds');
      },
    });
    for (const kept of [segment('late', 50), segment('early', 10)]) {
      const { id, first, last, count, bytes } = kept;
      await old.put('segments', { room: 'r', id, first, last, count, bytes }, ['r', id]);
    }
    await old.put('segments', { room: 'r', id: 'junk' }, ['r', 'junk']);
    old.close();
    const store = new IdbSegmentStore(name);
    try {
      const listed = await store.list('r');
      expect(listed.map((s) => s.id)).to.deep.equal(['early', 'late']);
      expect(listed[0]).to.deep.equal(infoOf(segment('early', 10)));
      expect(new TextDecoder().decode(await store.get('r', 'late'))).to.equal('segment late');
      expect([...(await store.amendments('r'))]).to.deep.equal([]);
    } finally {
      store.close();
      await IdbSegmentStore.clear(name);
    }
  });

  it('keeps the segments of a version 1 database, and gives them no kind entries', async () => {
    const name = `meshchat-segments-v1-${Date.now()}-${Math.random()}`;
    const old = await openDB(name, 1, {
      upgrade(db) {
        db.createObjectStore('segments');
      },
    });
    const kept = segment('kept', 10);
    await old.put(
      'segments',
      {
        room: 'r',
        id: kept.id,
        first: kept.first,
        last: kept.last,
        count: kept.count,
        bytes: kept.bytes,
      },
      ['r', kept.id],
    );
    old.close();
    const store = new IdbSegmentStore(name);
    try {
      expect((await store.list('r')).map((s) => s.id)).to.deep.equal(['kept']);
      expect(await store.kinds('r', ['kept'])).to.deep.equal([]);
      await store.put('r', segment('new', 20), []);
      expect([...(await store.ids('r'))].sort()).to.deep.equal(['kept', 'new']);
    } finally {
      store.close();
      await IdbSegmentStore.clear(name);
    }
  });
});
