import { expect } from '@esm-bundle/chai';
import { room, roomDirectoryContract } from '../app/roomDirectoryContract';
import { freshDatabase, idbHarness } from '../testkit/storage/idbTestHarness';
import type { ChatDatabase } from './ChatDatabase';
import { IdbRoomDirectory } from './IdbRoomDirectory';
import { LEGACY_ROOMS_KEY, ResilientRoomDirectory } from './ResilientRoomDirectory';
import { StorageHealth } from './StorageHealth';

const NAME = 'meshchat-test-rooms';

roomDirectoryContract(
  'IdbRoomDirectory',
  idbHarness(NAME, (db) => new IdbRoomDirectory(db)),
);

roomDirectoryContract(
  'ResilientRoomDirectory over IndexedDB',
  idbHarness(NAME, async (db) => {
    const dir = new ResilientRoomDirectory(new IdbRoomDirectory(db), new StorageHealth());
    await dir.prime();
    return dir;
  }),
);

class MapStorage {
  readonly map = new Map<string, string>();
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  removeItem(key: string): void {
    this.map.delete(key);
  }
}

describe('The IndexedDB room directory on damaged, failing or legacy storage', () => {
  const database = freshDatabase(NAME);
  let db: ChatDatabase;
  beforeEach(() => {
    db = database();
  });

  it('skips and counts damaged records', async () => {
    const dir = new IdbRoomDirectory(db);
    await dir.add(room('kept-room', 1));
    await db.put('rooms', { roomId: 'bad-room', title: 7, kind: 'group', joinedAt: 1 });
    await db.put('rooms', { roomId: 'worse-room' });
    expect((await dir.list()).map((r) => r.roomId)).to.deep.equal(['kept-room']);
    expect(await dir.get('bad-room')).to.equal(undefined);
    expect(dir.corrupted).to.equal(3);
  });

  it('keeps the list in memory once the database is closed, and says so', async () => {
    const health = new StorageHealth();
    const dir = new ResilientRoomDirectory(new IdbRoomDirectory(db), health);
    await dir.add(room('first-room', 1));
    await dir.prime();
    db.close();
    await dir.add(room('second-room', 2));
    await dir.update('first-room', { lastReadAt: 9 });
    expect(health.status.state === 'degraded' && health.status.kind).to.equal('closed');
    expect(dir.inMemory).to.equal(true);
    expect((await dir.list()).map((r) => [r.roomId, r.lastReadAt])).to.deep.equal([
      ['first-room', 9],
      ['second-room', 0],
    ]);
  });

  it('moves the rooms an earlier version kept in localStorage, once, dropping unreadable ones', async () => {
    const legacy = new MapStorage();
    const dm = room('direct-room', 2, { kind: 'dm', peerUserId: 'peer', password: 'pw' });
    legacy.map.set(LEGACY_ROOMS_KEY, JSON.stringify([room('group-room', 1), dm, { roomId: 1 }]));
    const dir = new ResilientRoomDirectory(new IdbRoomDirectory(db), new StorageHealth());
    await dir.prime(legacy);
    expect(legacy.map.has(LEGACY_ROOMS_KEY)).to.equal(false);
    const stored = await new IdbRoomDirectory(db).list();
    expect(stored).to.deep.equal([room('group-room', 1), dm]);
  });

  it('keeps the legacy list when IndexedDB fails while moving it', async () => {
    const legacy = new MapStorage();
    legacy.map.set(LEGACY_ROOMS_KEY, JSON.stringify([room('group-room', 1)]));
    db.close();
    const dir = new ResilientRoomDirectory(new IdbRoomDirectory(db), new StorageHealth());
    await dir.prime(legacy);
    expect(legacy.map.has(LEGACY_ROOMS_KEY)).to.equal(true);
    expect((await dir.list()).map((r) => r.roomId)).to.deep.equal(['group-room']);
  });
});
