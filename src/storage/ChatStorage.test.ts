import { expect } from '@esm-bundle/chai';
import { deleteDB } from 'idb';
import * as Y from 'yjs';
import { Hub } from '../hub/Hub';
import { MemoryEventLog } from '../hub/MemoryEventLog';
import { MemoryPresence } from '../hub/MemoryPresence';
import { ChatStorage } from './ChatStorage';
import { room } from '../app/roomDirectoryContract';
import { JsonLinesFormatError } from './errors';
import { message } from './eventStoreContract';
import { yjsDatabaseName } from './IdbUpdateStore';
import { PersistentListener } from './PersistentListener';
import { roomPersistence } from './roomPersistence';

const NAME = 'meshchat-test-chat';
const ROOM = 'chat-storage-room';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('ChatStorage', () => {
  const opened: ChatStorage[] = [];
  const open = async (): Promise<ChatStorage> => {
    const storage = await ChatStorage.open({ databaseName: NAME });
    opened.push(storage);
    return storage;
  };
  beforeEach(() => deleteDB(NAME));
  afterEach(async () => {
    for (const storage of opened.splice(0)) storage.destroy();
    await deleteDB(NAME);
    await deleteDB(yjsDatabaseName(ROOM));
  });

  it('hands the events store out before the joined rooms are read', async () => {
    const first = await open();
    await first.events.put([message(ROOM, 1), message(ROOM, 2)]);
    await first.rooms.add(room(ROOM, 1));
    first.destroy();
    const steps: string[] = [];
    let early: Promise<string[]> | undefined;
    const storage = await ChatStorage.open({
      databaseName: NAME,
      onEvents: (events) => {
        steps.push('events');
        early = events.page(ROOM, 10).then((page) => page.events.map((s) => s.event.id));
      },
    });
    opened.push(storage);
    steps.push('opened');
    expect(steps).to.deep.equal(['events', 'opened']);
    expect(await early).to.deep.equal(['m1', 'm2']);
    expect((await storage.rooms.list()).map((r) => r.roomId)).to.deep.equal([ROOM]);
  });

  it('exports a room and imports it back without duplicates, bad lines reported', async () => {
    const storage = await open();
    const hub = new Hub({
      chatroomId: ROOM,
      log: new MemoryEventLog(),
      presence: new MemoryPresence(),
    });
    let sequence = 0;
    const listener = new PersistentListener(storage.events, { orderOf: () => sequence++ });
    const handle = hub.attachListener(listener);
    hub.add('u1', 's1');
    for (let i = 0; i < 30; i += 1) hub.message('u1', `line ${i}`);
    hub.close();
    await handle.done;
    const exported = await storage.exportRoom(ROOM, (userId) =>
      userId === 'u1' ? 'Ann' : undefined,
    );
    const [first, ...lines] = exported.trimEnd().split('\n');
    expect(JSON.parse(first ?? '')).to.deep.equal({
      format: 'meshchat-history/1',
      roomId: ROOM,
      names: { u1: 'Ann' },
    });
    expect(lines).to.have.length(32);
    expect(lines.map((line) => JSON.parse(line) as unknown)).to.deep.equal(
      hub.history().slice(-32),
    );

    // A fresh device imports the file, with a duplicated line and two bad ones added.
    storage.destroy();
    await deleteDB(NAME);
    const fresh = await open();
    const edited = [
      ...lines,
      lines[5],
      'garbage',
      '{"id":"x","chatroomId":"elsewhere","type":"close","unixTime":1}',
    ].join('\n');
    const report = await fresh.importRoom(ROOM, edited);
    expect(report.imported).to.equal(32);
    expect(report.duplicates).to.equal(1);
    expect(report.badLines).to.equal(2);
    expect(report.errors.map((e) => e.line)).to.deep.equal([34, 35]);
    expect(report.otherRoom).to.equal(undefined);
    expect(report.names).to.deep.equal(new Map()); // that file had no first line
    const named = await fresh.importRoom(ROOM, exported);
    expect(named.names).to.deep.equal(new Map([['u1', 'Ann']]));
    const again = await fresh.importRoom(ROOM, exported);
    expect([again.imported, again.duplicates, again.badLines]).to.deep.equal([0, 32, 0]);
    expect(await fresh.events.count(ROOM)).to.equal(32);
    // unixTime was the order on import; the hub's events are in time order, so the file is too.
    const reExported = await fresh.exportRoom(ROOM);
    expect(
      reExported
        .trimEnd()
        .split('\n')
        .slice(1)
        .map((l) => (JSON.parse(l) as { id: string }).id)
        .sort(),
    ).to.deep.equal(lines.map((l) => (JSON.parse(l) as { id: string }).id).sort());
    expect(await rejection(fresh.importRoom(ROOM, JSON.stringify([1, 2, 3])))).to.be.instanceOf(
      JsonLinesFormatError,
    );
  });

  it('imports nothing from the history of another room, and says which room it is', async () => {
    const storage = await open();
    await storage.events.put([message(ROOM, 1), message(ROOM, 2)]);
    const exported = await storage.exportRoom(ROOM);
    const report = await storage.importRoom('another-room', exported);
    expect(report.otherRoom).to.equal(ROOM);
    expect([report.imported, report.duplicates]).to.deep.equal([0, 0]);
    expect(report.names).to.deep.equal(new Map());
    expect(await storage.events.count('another-room')).to.equal(0);
    // A file of an older version (no first line) is known by its events' room.
    const bare = exported.split('\n').slice(1).join('\n');
    expect((await storage.importRoom('another-room', bare)).otherRoom).to.equal(ROOM);
    // Its own room takes it, of course.
    const home = await storage.importRoom(ROOM, bare);
    expect([home.otherRoom, home.duplicates]).to.deep.equal([undefined, 2]);
  });

  it('persists a room Y.Doc with the shared health, and forgetRoom removes everything', async () => {
    const storage = await open();
    await storage.rooms.add(room(ROOM, 1));
    await storage.events.put([message(ROOM, 1)]);
    const doc = new Y.Doc();
    const persistence = roomPersistence(storage, ROOM, doc);
    await persistence.whenSynced;
    doc.getMap('messages').set('k', 1);
    await persistence.destroy();
    const again = roomPersistence(storage, ROOM, new Y.Doc());
    await again.whenSynced;
    expect(again.doc.getMap('messages').get('k')).to.equal(1);
    await again.destroy();
    await storage.forgetRoom(ROOM);
    expect(await storage.rooms.get(ROOM)).to.equal(undefined);
    expect(await storage.events.count(ROOM)).to.equal(0);
    const gone = roomPersistence(storage, ROOM, new Y.Doc());
    await gone.whenSynced;
    expect(gone.doc.getMap('messages').get('k')).to.equal(undefined);
    await gone.destroy();
    expect(storage.health.ok).to.equal(true);
  });

  it('without IndexedDB works in memory and says so', async () => {
    const descriptor = Object.getOwnPropertyDescriptor(window, 'indexedDB');
    Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true });
    let storage: ChatStorage;
    try {
      storage = await open();
    } finally {
      if (descriptor) Object.defineProperty(window, 'indexedDB', descriptor);
    }
    expect(storage.persistent).to.equal(false);
    const status = storage.health.status;
    expect(status.state === 'degraded' && status.kind).to.equal('unavailable');
    await storage.rooms.add(room(ROOM, 1));
    await storage.events.put([message(ROOM, 1, 'you'), message(ROOM, 2, 'you')]);
    expect((await storage.rooms.list()).map((r) => r.roomId)).to.deep.equal([ROOM]);
    expect((await storage.events.page(ROOM, 10)).events).to.have.length(2);
    const persistence = roomPersistence(storage, ROOM, new Y.Doc());
    await persistence.whenSynced;
    persistence.doc.getMap('messages').set('k', 1);
    await persistence.flush();
    expect(persistence.isWriter).to.equal(true);
    await persistence.destroy();
  });
});
