import { expect } from '@esm-bundle/chai';
import { BAD_PASSWORD, BAD_ROOM_ID } from './RoomLink';
import { MemoryRoomDirectory } from './RoomDirectory';
import { poll } from '../testkit/waitFor';
import { appUsers } from '../testkit/app/appUsers';

describe('ChatApplication', () => {
  const users = appUsers();
  const { user } = users;

  it('asks for a name before joining a linked room, then joins it', async () => {
    const { app, win } = await user(undefined, '/r/linked-room#k=pw');
    expect(app.displayName).to.equal(undefined);
    expect(app.current).to.equal(undefined);
    let error: unknown;
    await app.setDisplayName('  ').catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(RangeError);
    await app.setDisplayName('Ann');
    expect(app.current?.roomId).to.equal('linked-room');
    expect(app.rooms.map((r) => r.record.password)).to.deep.equal(['pw']);
    expect(win.location.pathname + win.location.hash).to.equal('/r/linked-room#k=pw');
  });

  it('creates a room whose link is the page URL and carries a password', async () => {
    const { app, win } = await user('Ann');
    await app.createRoom();
    const roomId = app.current?.roomId ?? '';
    expect(roomId).to.match(/^[A-Za-z0-9_-]{22}$/);
    const link = app.linkOf(roomId);
    expect(link).to.match(/^https:\/\/chat\.example\/r\/[A-Za-z0-9_-]{22}#k=[A-Za-z0-9_-]{22}$/);
    expect(win.location.origin + win.location.pathname + win.location.hash).to.equal(link);
  });

  it('joins by pasted link, refuses other text, leaves', async () => {
    const { app, win } = await user('Ann');
    expect(await app.joinByLink('hello')).to.equal(false);
    expect(app.notice).to.be.a('string');
    expect(await app.joinByLink('https://elsewhere.example/r/pasted-room#k=abc')).to.equal(true);
    expect(app.current?.roomId).to.equal('pasted-room');
    expect(app.notice).to.equal(undefined);
    await app.leaveRoom('pasted-room');
    expect(app.rooms).to.deep.equal([]);
    expect(app.current).to.equal(undefined);
    expect(win.location.pathname).to.equal('/');
    expect(users.mesh.rooms.every((r) => r.destroyed)).to.equal(true);
  });

  it('says what is wrong with a bad room link, on the room list, and joins nothing', async () => {
    const { app, win } = await user('Ann', '/r/room-1234#k=!!!');
    expect(app.notice).to.equal(BAD_PASSWORD);
    expect(app.rooms).to.deep.equal([]);
    expect(win.location.pathname).to.equal('/');
    expect(await app.joinByLink('https://chat.example/r/short')).to.equal(false);
    expect(app.notice).to.equal(BAD_ROOM_ID);
    expect(app.rooms).to.deep.equal([]);
  });

  it('forgets what this device stored of a room it leaves, once the room is closed', async () => {
    const forgotten: { roomId: string; closedFirst: boolean }[] = [];
    const history = {
      page: () => Promise.resolve({ events: [] }),
      exportRoom: () => Promise.resolve(''),
      importRoom: () => Promise.resolve({ imported: 0, duplicates: 0, badLines: 0 }),
      forgetRoom: (roomId: string) => {
        forgotten.push({ roomId, closedFirst: users.mesh.rooms.every((r) => r.destroyed) });
        return Promise.resolve();
      },
      warning: () => undefined,
      onWarning: () => () => undefined,
    };
    const directory = new MemoryRoomDirectory();
    const { app } = await user('Ann', '/', { history, directory });
    expect(await app.joinByLink('https://chat.example/r/leaving-room#k=abc')).to.equal(true);
    await app.leaveRoom('leaving-room');
    expect(forgotten).to.deep.equal([{ roomId: 'leaving-room', closedFirst: true }]);
    expect(await directory.list()).to.deep.equal([]);
  });

  it('imports the names a file gives as unverified, and names the room of a file from another', async () => {
    const exported: (string | undefined)[] = [];
    const reports = new Map([
      [
        'home-room',
        {
          imported: 2,
          duplicates: 0,
          badLines: 0,
          names: new Map([
            ['Z'.repeat(43), 'Zoe'],
            ['own', 'Not me'],
          ]),
        },
      ],
      ['away-room', { imported: 0, duplicates: 0, badLines: 0, otherRoom: 'home-room' }],
      ['third-room', { imported: 0, duplicates: 0, badLines: 0, otherRoom: 'never-seen' }],
    ]);
    const history = {
      page: () => Promise.resolve({ events: [] }),
      exportRoom: (_roomId: string, nameOf?: (userId: string) => string | undefined) => {
        exported.push(nameOf?.('Z'.repeat(43)));
        return Promise.resolve('');
      },
      importRoom: (roomId: string) => {
        const report = reports.get(roomId);
        return report ? Promise.resolve(report) : Promise.reject(new Error(`no file: ${roomId}`));
      },
      forgetRoom: () => Promise.resolve(),
      warning: () => undefined,
      onWarning: () => () => undefined,
    };
    const { app } = await user('Ann', '/', { history });
    await app.openRoom('home-room', 'pw');
    await app.openRoom('away-room', 'pw');
    // A file of another room: nothing learned, and the room it belongs to is named.
    const away = await app.importHistory('away-room', 'file');
    expect(away.otherRoom).to.equal('home-room');
    expect(away.otherRoomLabel).to.equal(
      app.rooms.find((r) => r.record.roomId === 'home-room')?.label,
    );
    const third = await app.importHistory('third-room', 'file');
    expect([third.otherRoom, third.otherRoomLabel]).to.deep.equal(['never-seen', undefined]);
    expect(app.names.label('Z'.repeat(43))).to.match(/^Unknown/);
    // The room's own file: its names show, marked, and never over a signed one.
    app.names.learn('own', 'Olga', 1);
    await app.importHistory('home-room', 'file');
    expect(app.names.label('Z'.repeat(43))).to.equal('Zoe (unverified)');
    expect(app.names.label('own')).to.equal('Olga');
    // Exported again, the file passes the name on.
    await app.exportHistory('home-room');
    expect(exported).to.deep.equal(['Zoe']);
  });

  it('counts unread messages of rooms not on screen', async () => {
    const ann = await user('Ann');
    const ben = await user('Ben');
    await ann.app.openRoom('shared-room', 'pw');
    await ben.app.openRoom('shared-room', 'pw');
    ben.app.goHome();
    // A message stamped in the very millisecond of the read mark counts as read: step past it.
    await new Promise((resolve) => setTimeout(resolve, 5));
    ann.app.current?.send('one');
    ann.app.current?.send('two');
    await poll(() => ben.app.rooms[0]?.unread === 2);
    await ben.app.openRoom('shared-room');
    expect(ben.app.rooms[0]?.unread).to.equal(0);
    ann.app.current?.send('three');
    await poll(
      () =>
        (ben.app.current?.snapshot().lines ?? []).filter((l) => l.kind === 'message').length === 3,
    );
    expect(ben.app.rooms[0]?.unread).to.equal(0);
  });

  it('keeps at most maxLiveRooms rooms connected, and says how many are not', async () => {
    const { app } = await user('Ann', '/', { maxLiveRooms: 2 });
    for (const id of ['first-room', 'second-room', 'third-room']) await app.openRoom(id, 'pw');
    expect(users.mesh.of(app.userId).map((r) => r.roomId)).to.deep.equal([
      'second-room',
      'third-room',
    ]);
    expect(app.rooms).to.have.length(3);
    expect(app.offlineRoomCount).to.equal(1);
  });

  it('asks before a link changes a room’s password; keeps it unless the user agrees', async () => {
    const ann = await user('Ann');
    await ann.app.openRoom('shared-room', 'first-pw');
    ann.app.goHome();
    await ann.app.openRoom('shared-room', 'another-pw');
    expect(ann.app.passwordQuestion).to.deep.equal({
      roomId: 'shared-room',
      password: 'another-pw',
    });
    expect(ann.app.currentRecord?.password).to.equal('first-pw');
    await ann.app.answerPasswordQuestion(false);
    expect(ann.app.passwordQuestion).to.equal(undefined);
    expect(ann.app.currentRecord?.password).to.equal('first-pw');
    await ann.app.openRoom('shared-room', 'another-pw');
    await ann.app.answerPasswordQuestion(true);
    expect(ann.app.currentRecord?.password).to.equal('another-pw');
    expect(ann.win.location.hash).to.equal('#k=another-pw');
  });

  it('lists a group room by the name its members gave it, stored for the next start', async () => {
    const directory = new MemoryRoomDirectory();
    const ann = await user('Ann', '/', { directory });
    const ben = await user('Ben');
    await ann.app.openRoom('named-room');
    await ben.app.openRoom('named-room');
    expect(ben.app.current?.nameRoom('Book club', 'Tuesdays')).to.equal(undefined);
    await poll(() => ann.app.rooms.some((r) => r.label === 'Book club'));
    // Stored as the list changed: the next start lists it by this name too.
    expect((await directory.get('named-room'))?.title).to.equal('Book club');
    expect(ann.app.currentRecord?.title).to.equal('Book club');
  });

  it('remembers where the user left a room, for the "new since you left" line', async () => {
    let clock = 1_000;
    const ann = await user('Ann', '/', { now: () => clock });
    const ben = await user('Ben');
    await ann.app.openRoom('marked-room');
    await ben.app.openRoom('marked-room');
    expect(ann.app.newSince('marked-room')).to.equal(undefined);
    clock = 2_000;
    ann.app.goHome();
    await poll(() => ann.app.current === undefined);
    ben.app.current?.send('while you were away');
    await poll(() => (ann.app.rooms[0]?.unread ?? 0) === 1);
    clock = 3_000;
    await ann.app.openRoom('marked-room');
    // The read mark of the first opening (1,000): Ben's message is after it.
    expect(ann.app.newSince('marked-room')).to.equal(1_000);
    expect(ann.app.rooms[0]?.unread).to.equal(0);
  });

  it('notifies a hidden page of a mention in a group room, not of other messages, unless muted', async () => {
    const ann = await user('Ann');
    const ben = await user('Ben');
    await ann.app.openRoom('busy-room');
    await ben.app.openRoom('busy-room');
    ann.hidden.value = true;
    await ann.app.visibilityChanged();
    const bens = ben.app.current;
    bens?.send('just chatting');
    bens?.send('@Ann can you bring the map?');
    await poll(() => ann.notifier.shown.length === 1, 'one notification');
    await poll(() => (ann.app.rooms[0]?.unread ?? 0) === 2, 'both counted');
    expect(ann.notifier.shown[0]).to.include({
      title: 'Ben in Room busy-r',
      body: '@Ann can you bring the map?',
      tag: 'busy-room',
    });
    await ann.app.setMuted('busy-room', true);
    expect(ann.app.rooms[0]?.record.muted).to.equal(true);
    bens?.send('@ann and the tickets');
    await poll(() => (ann.app.rooms[0]?.unread ?? 0) === 3, 'counted while muted');
    expect(ann.notifier.shown).to.have.length(1);
  });

  it('renames the user in every open room', async () => {
    const ann = await user('Ann');
    const ben = await user('Ben');
    await ann.app.openRoom('rename-room');
    await ben.app.openRoom('rename-room');
    await ann.app.setDisplayName('Annie');
    await poll(() =>
      (ben.app.current?.snapshot().participants ?? []).some((p) => p.label === 'Annie'),
    );
  });
});
