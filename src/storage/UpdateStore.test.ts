import { expect } from '@esm-bundle/chai';
import { deleteDB, openDB } from 'idb';
import * as Y from 'yjs';
import { IdbUpdateStore, yjsDatabaseName } from './IdbUpdateStore';
import { MemoryUpdateStore } from './MemoryUpdateStore';
import { contentOf, updateStoreContract, updatesOf } from './updateStoreContract';
import { EMPTY_UPDATE, hasContent, mergeValid } from './UpdateStore';

updateStoreContract('MemoryUpdateStore', () => {
  let store = new MemoryUpdateStore();
  return {
    open: () => {
      store = new MemoryUpdateStore();
      return Promise.resolve(store);
    },
    reopen: () => Promise.resolve(store),
    cleanup: () => Promise.resolve(store.destroy()),
  };
});

const ROOM = 'update-store-test';

updateStoreContract('IdbUpdateStore', () => {
  const stores: IdbUpdateStore[] = [];
  const make = (): IdbUpdateStore => {
    const store = new IdbUpdateStore(ROOM);
    stores.push(store);
    return store;
  };
  return {
    open: async () => {
      await deleteDB(yjsDatabaseName(ROOM));
      return make();
    },
    reopen: () => {
      for (const store of stores.splice(0)) store.close();
      return Promise.resolve(make());
    },
    cleanup: async () => {
      for (const store of stores.splice(0)) store.close();
      await deleteDB(yjsDatabaseName(ROOM));
    },
  };
});

describe('IdbUpdateStore and mergeValid', () => {
  afterEach(() => deleteDB(yjsDatabaseName(ROOM)));

  it('lays the room out as y-indexeddb does: meshchat-yjs-<room>, store updates', async () => {
    const store = new IdbUpdateStore(ROOM);
    await store.append(updatesOf(1).updates);
    store.close();
    store.close();
    const db = await openDB(yjsDatabaseName(ROOM));
    expect(Array.from(db.objectStoreNames)).to.deep.equal(['updates']);
    expect(await db.getAllKeys('updates')).to.deep.equal([1]);
    db.close();
  });

  it('skips records that are not byte arrays, and mergeValid skips damaged bytes', async () => {
    const { updates } = updatesOf(3);
    const db = await openDB(yjsDatabaseName(ROOM), 1, {
      upgrade: (database) => database.createObjectStore('updates', { autoIncrement: true }),
    });
    await db.add('updates', updates[0]);
    await db.add('updates', 'not an update');
    await db.add('updates', new Uint8Array([255, 255, 255, 255, 7]));
    await db.add('updates', updates[1]);
    await db.add('updates', updates[2]);
    db.close();
    const loaded = await new IdbUpdateStore(ROOM).load();
    expect(loaded.skipped).to.equal(1);
    const { merged, skipped } = mergeValid(loaded.updates);
    expect(skipped).to.equal(1);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, merged);
    expect(doc.getMap('m').toJSON()).to.deep.equal(contentOf(updates));
  });

  it('tells an empty update from one with content', () => {
    expect(hasContent(EMPTY_UPDATE)).to.equal(false);
    expect(hasContent(updatesOf(1).updates[0] as Uint8Array)).to.equal(true);
    expect(mergeValid([]).merged).to.deep.equal(EMPTY_UPDATE);
  });
});
