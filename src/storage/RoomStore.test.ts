import { expect } from '@esm-bundle/chai';
import { deleteDB } from 'idb';
import { openChatDatabase, type ChatDatabase } from './ChatDatabase';
import { IdbRoomStore } from './IdbRoomStore';
import { MemoryRoomStore } from './MemoryRoomStore';
import { ResilientRoomStore } from './ResilientRoomStore';
import { groupRoom, roomStoreContract } from './roomStoreContract';
import { idbHarness } from '../testkit/storage/idbTestHarness';
import { StorageHealth } from './StorageHealth';

const NAME = 'meshchat-test-rooms';

roomStoreContract('MemoryRoomStore', () => {
  let store = new MemoryRoomStore();
  return {
    open: () => {
      store = new MemoryRoomStore();
      return Promise.resolve(store);
    },
    reopen: () => Promise.resolve(store),
    cleanup: () => Promise.resolve(),
  };
});

roomStoreContract(
  'IdbRoomStore',
  idbHarness(NAME, (db) => new IdbRoomStore(db)),
);

roomStoreContract(
  'ResilientRoomStore over IndexedDB',
  idbHarness(NAME, async (db) => {
    const store = new ResilientRoomStore(new IdbRoomStore(db), new StorageHealth());
    await store.prime();
    return store;
  }),
);

describe('Room stores on damaged or failing storage', () => {
  let db: ChatDatabase;
  beforeEach(async () => {
    await deleteDB(NAME);
    db = await openChatDatabase({ name: NAME });
  });
  afterEach(async () => {
    db.close();
    await deleteDB(NAME);
  });

  it('IdbRoomStore skips and counts corrupted records', async () => {
    const store = new IdbRoomStore(db);
    await store.add(groupRoom('ok'));
    await db.put('rooms', { roomId: 'bad', title: 7, kind: 'group', joinedAt: 1 });
    await db.put('rooms', { roomId: 'worse' });
    expect((await store.list()).map((r) => r.roomId)).to.deep.equal(['ok']);
    expect(await store.get('bad')).to.equal(undefined);
    expect(store.corrupted).to.equal(3);
  });

  it('ResilientRoomStore keeps the list in memory once the database is closed', async () => {
    const health = new StorageHealth();
    const store = new ResilientRoomStore(new IdbRoomStore(db), health);
    await store.add(groupRoom('a', 1));
    await store.prime();
    db.close();
    await store.add(groupRoom('b', 2));
    await store.update('a', { lastReadOrder: 9 });
    expect(health.status.state === 'degraded' && health.status.kind).to.equal('closed');
    expect(store.inMemory).to.equal(true);
    const rooms = await store.list();
    expect(rooms.map((r) => [r.roomId, r.lastReadOrder])).to.deep.equal([
      ['a', 9],
      ['b', undefined],
    ]);
  });
});
