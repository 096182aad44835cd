import { expect } from '@esm-bundle/chai';
import { DhKeys } from '../direct/DhKeys';
import { MemoryDhKeyStore } from '../direct/DhKeyStore';
import { Identity } from '../identity/Identity';
import { MemoryKeyStore } from '../identity/MemoryKeyStore';
import { Verifier } from '../identity/Verifier';
import { ChatApplication } from './ChatApplication';
import type { ChatApplicationOptions } from './ChatApplicationOptions';
import { BAD_PASSWORD, BAD_ROOM_ID } from './RoomLink';
import { MAX_PENDING_INVITATIONS } from '../direct/DirectRooms';
import { NameBook } from './NameBook';
import { MemoryNotifier } from './Notifier';
import { MemoryRoomDirectory } from './RoomDirectory';
import { Router } from '../browser/Router';
import { FakeWindow } from '../testkit/app/FakeWindow';
import { MemorySettings } from './Settings';
import { RoomMesh } from '../testkit/app/FakeRoom';
import { poll } from '../testkit/waitFor';
import { MemoryEventStore } from '../storage/MemoryEventStore';
import { makeEvent } from '../hub/events';

/** A room history that pages `store` and does nothing else. */
function pagesOf(store: MemoryEventStore) {
  return {
    page: store.page.bind(store),
    exportRoom: () => Promise.resolve(''),
    importRoom: () => Promise.reject(new Error('no import here')),
    forgetRoom: () => Promise.resolve(),
    warning: () => undefined,
    onWarning: () => () => undefined,
  };
}

interface TestUser {
  app: ChatApplication;
  win: FakeWindow;
  notifier: MemoryNotifier;
  hidden: { value: boolean };
}

describe('ChatApplication', () => {
  let mesh: RoomMesh;
  const apps: ChatApplication[] = [];
  beforeEach(() => {
    mesh = new RoomMesh();
  });
  afterEach(() => {
    for (const app of apps.splice(0)) app.destroy();
    mesh.destroy();
  });

  async function user(
    name: string | undefined,
    path = '/',
    extra: Partial<ChatApplicationOptions> = {},
  ): Promise<TestUser> {
    const signer = await Identity.loadOrCreate(new MemoryKeyStore());
    const win = new FakeWindow();
    win.move(path);
    const settings = new MemorySettings();
    if (name) settings.setDisplayName(name);
    const notifier = new MemoryNotifier();
    const hidden = { value: false };
    const app = new ChatApplication({
      signer,
      verifier: new Verifier(),
      dh: await DhKeys.loadOrCreate(new MemoryDhKeyStore()),
      settings,
      directory: new MemoryRoomDirectory(),
      router: new Router(win),
      names: new NameBook(),
      openRoom: mesh.opener(signer),
      notifier,
      isHidden: () => hidden.value,
      ...extra,
    });
    apps.push(app);
    await app.start();
    return { app, win, notifier, hidden };
  }

  it('lets the room on screen load its stored state first, then the others one by one', async () => {
    const signer = await Identity.loadOrCreate(new MemoryKeyStore());
    const win = new FakeWindow();
    win.move('/r/second-room');
    const settings = new MemorySettings();
    settings.setDisplayName('Ann');
    const directory = new MemoryRoomDirectory();
    for (const [n, roomId] of ['first-room', 'second-room', 'third-room'].entries()) {
      await directory.add({ roomId, kind: 'group', title: roomId, joinedAt: n, lastReadAt: 0 });
    }
    const order: string[] = [];
    // Each room's stored state takes a while to load; the next may not start before.
    const open = mesh.opener(signer);
    let loading = 0;
    const finishLoad: (() => void)[] = [];
    const app = new ChatApplication({
      signer,
      verifier: new Verifier(),
      dh: await DhKeys.loadOrCreate(new MemoryDhKeyStore()),
      settings,
      directory,
      router: new Router(win),
      names: new NameBook(),
      notifier: new MemoryNotifier(),
      openRoom: (options) => {
        const room = open(options);
        const loaded = (async () => {
          await options.loadAfter;
          loading += 1;
          order.push(`${options.roomId}${loading > 1 ? ' (overlapping)' : ''}`);
          // It finishes when the test says so: a load started beside it would overlap.
          await new Promise<void>((resolve) => finishLoad.push(resolve));
          loading -= 1;
        })();
        return Object.assign(room, { loaded });
      },
    });
    apps.push(app);
    await app.start();
    expect(app.current?.roomId).to.equal('second-room');
    for (let n = 0; n < 3; n += 1) {
      await poll(() => finishLoad.length > n, `load ${n + 1} to start`);
      finishLoad[n]?.();
    }
    expect(order).to.deep.equal(['second-room', 'first-room', 'third-room']);
  });

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
    expect(mesh.rooms.every((r) => r.destroyed)).to.equal(true);
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
        forgotten.push({ roomId, closedFirst: mesh.rooms.every((r) => r.destroyed) });
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

  it('finds a message that arrived a moment ago, before its room has stored it', async () => {
    const store = new MemoryEventStore();
    const history = pagesOf(store);
    const signer = await Identity.loadOrCreate(new MemoryKeyStore());
    // Ann's room writes what it receives a minute after it came, unless asked sooner.
    const ann = await user('Ann', '/', {
      history,
      signer,
      openRoom: mesh.opener(signer, { events: store, maxDelayMs: 60_000 }),
    });
    const ben = await user('Ben');
    await ann.app.openRoom('plan-room', 'pw');
    await ben.app.openRoom('plan-room', 'pw');
    ben.app.current?.send('the tickets are in the blue folder');
    await poll(() => ann.app.current?.snapshot().lines.some((l) => l.kind === 'message') ?? false);
    expect(await store.page('plan-room', 10))
      .to.have.property('events')
      .with.length(0);
    const hits = await ann.app.searchMessages('ticket fold');
    expect(hits.map((h) => h.text)).to.deep.equal(['the tickets are in the blue folder']);
    // Arrived after the index was built: found from memory.
    ben.app.current?.send('the folder is on the shelf');
    await poll(
      () => ann.app.current?.snapshot().lines.filter((l) => l.kind === 'message').length === 2,
    );
    expect((await ann.app.searchMessages('shelf')).map((h) => h.text)).to.deep.equal([
      'the folder is on the shelf',
    ]);
  });

  it('finds stored messages by their words, and an edited one by its new words only', async () => {
    const store = new MemoryEventStore();
    const history = pagesOf(store);
    const ann = await user('Ann', '/', { history });
    await ann.app.openRoom('plan-room', 'pw');
    const room = ann.app.current;
    room?.send('meet at noon by the fountain');
    await poll(() => room?.snapshot().lines.some((l) => l.kind === 'message') ?? false);
    const line = room?.snapshot().lines.find((l) => l.kind === 'message');
    if (!room || line?.kind !== 'message') throw new Error('the message did not show');
    // Storage keeps the text as it was sent; the room's log knows the edit.
    await store.put([
      {
        order: 1,
        event: makeEvent({
          id: line.id,
          chatroomId: 'plan-room',
          type: 'message',
          userId: ann.app.userId,
          message: 'meet at noon by the fountain',
          unixTime: 1,
        }),
      },
    ]);
    expect((await ann.app.searchMessages('fountain')).map((h) => h.id)).to.deep.equal([line.id]);
    expect(room.edit(line.id, 'meet at one by the fountain')).to.equal(undefined);
    await poll(() => room.snapshot().lines.some((l) => l.kind === 'message' && l.edited));
    expect(await ann.app.searchMessages('noon')).to.deep.equal([]);
    const hits = await ann.app.searchMessages('one fountain');
    expect(hits.map((h) => [h.roomId, h.text])).to.deep.equal([
      ['plan-room', 'meet at one by the fountain'],
    ]);
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

  it('starts without its key for direct messages, and announces it once its page is painted', async () => {
    const identity = await Identity.loadOrCreate(new MemoryKeyStore());
    // The key loads, and the announcement is signed, only when the test lets them: the app
    // must start and show its room before.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const signer = {
      userId: identity.userId,
      sign: async (data: Uint8Array) => {
        await held;
        return identity.sign(data);
      },
    };
    const dh = held.then(() => DhKeys.loadOrCreate(new MemoryDhKeyStore()));
    const ann = await user('Ann', '/', { signer, dh, openRoom: mesh.opener(identity) });
    await ann.app.openRoom('lobby-room', 'pw');
    await ann.app.painted();
    const ben = await user('Ben');
    await ben.app.openRoom('lobby-room', 'pw');
    await poll(() => ann.app.canMessagePrivately(ben.app.userId));
    expect(ben.app.canMessagePrivately(ann.app.userId)).to.equal(false);
    release();
    await poll(() => ben.app.canMessagePrivately(ann.app.userId));
  });

  it('opens a DM only once the invitee accepts; nobody else learns of it', async () => {
    const ann = await user('Ann');
    const ben = await user('Ben');
    const cy = await user('Cy');
    for (const u of [ann, ben, cy]) await u.app.openRoom('lobby-room', 'pw');
    await poll(() => ann.app.canMessagePrivately(ben.app.userId));
    expect(await ann.app.openDirectMessage(ben.app.userId)).to.equal(true);
    const dmId = ann.app.current?.roomId ?? '';
    expect(dmId).to.match(/^dm-/);
    await poll(() => ben.app.invitations.some((i) => i.peerUserId === ann.app.userId));
    // Nothing opens until Ben answers, and the third user is invited to nothing.
    expect(ben.app.rooms.map((r) => r.record.roomId)).to.deep.equal(['lobby-room']);
    expect(cy.app.invitations).to.deep.equal([]);
    expect(cy.app.rooms.map((r) => r.record.roomId)).to.deep.equal(['lobby-room']);
    await ben.app.acceptInvitation(ann.app.userId);
    expect(ben.app.invitations).to.deep.equal([]);
    expect(ben.app.current?.roomId).to.equal(dmId);
    const benDm = ben.app.rooms.find((r) => r.record.roomId === dmId);
    expect(benDm?.record.kind).to.equal('dm');
    expect(benDm?.label).to.equal('Ann');
    // The same password on both sides; neither the address bar nor a share link carries it.
    const annDm = ann.app.rooms.find((r) => r.record.roomId === dmId);
    expect(benDm?.record.password).to.equal(annDm?.record.password);
    expect(ben.win.location.hash).to.equal('');
    expect(ben.app.linkOf(dmId)).to.equal('');
    ben.hidden.value = true;
    await ben.app.visibilityChanged();
    ann.app.current?.send('psst');
    await poll(() => ben.notifier.shown.length === 1);
    expect(ben.notifier.shown[0]).to.include({ title: 'Ann', body: 'psst', tag: dmId });
    expect(ben.app.rooms.find((r) => r.record.roomId === dmId)?.unread).to.equal(1);
  });

  it('lets a flood of invitations from fresh identities open nothing, and caps the waiting ones', async () => {
    const ben = await user('Ben');
    await ben.app.openRoom('lobby-room', 'pw');
    const strangers = [];
    for (let i = 0; i <= MAX_PENDING_INVITATIONS; i += 1) strangers.push(await user(`Eve ${i}`));
    for (const eve of strangers) {
      await eve.app.openRoom('lobby-room', 'pw');
      await poll(() => eve.app.canMessagePrivately(ben.app.userId));
      expect(await eve.app.openDirectMessage(ben.app.userId)).to.equal(true);
    }
    await poll(() => ben.app.invitations.length === MAX_PENDING_INVITATIONS);
    expect(ben.app.rooms.map((r) => r.record.roomId)).to.deep.equal(['lobby-room']);
    expect(mesh.of(ben.app.userId).map((r) => r.roomId)).to.deep.equal(['lobby-room']);
  });

  it('keeps at most maxLiveRooms rooms connected, and says how many are not', async () => {
    const { app } = await user('Ann', '/', { maxLiveRooms: 2 });
    for (const id of ['first-room', 'second-room', 'third-room']) await app.openRoom(id, 'pw');
    expect(mesh.of(app.userId).map((r) => r.roomId)).to.deep.equal(['second-room', 'third-room']);
    expect(app.rooms).to.have.length(3);
    expect(app.offlineRoomCount).to.equal(1);
  });

  it('does not bring back a DM the user left or an invitation the user ignored', async () => {
    const ann = await user('Ann');
    const ben = await user('Ben');
    for (const u of [ann, ben]) await u.app.openRoom('lobby-room', 'pw');
    await poll(() => ann.app.canMessagePrivately(ben.app.userId));
    await ann.app.openDirectMessage(ben.app.userId);
    const dmId = ann.app.current?.roomId ?? '';
    await poll(() => ben.app.invitations.length === 1);
    await ben.app.ignoreInvitation(ann.app.userId);
    expect(ben.app.invitations).to.deep.equal([]);
    await ben.app.openRoom('lobby-room');
    // A later change of Ann's card (her name) shows Ben has read her state, invitation included.
    await ann.app.setDisplayName('Annie');
    await poll(() =>
      (ben.app.current?.snapshot().participants ?? []).some((p) => p.label === 'Annie'),
    );
    expect(ben.app.invitations).to.deep.equal([]);
    expect(ben.app.rooms.map((r) => r.record.roomId)).to.deep.equal(['lobby-room']);
    // Ben can still open it himself.
    expect(await ben.app.openDirectMessage(ann.app.userId)).to.equal(true);
    expect(ben.app.current?.roomId).to.equal(dmId);
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

  it('never lets a link change a DM’s password, nor a third user join a DM by its URL', async () => {
    const ann = await user('Ann');
    const ben = await user('Ben');
    for (const u of [ann, ben]) await u.app.openRoom('lobby-room', 'pw');
    await poll(() => ann.app.canMessagePrivately(ben.app.userId));
    await ann.app.openDirectMessage(ben.app.userId);
    const dmId = ann.app.current?.roomId ?? '';
    const password = ann.app.currentRecord?.password;
    await ann.app.openRoom(dmId, 'attacker-pw');
    expect(ann.app.passwordQuestion).to.equal(undefined);
    expect(ann.app.notice).to.match(/cannot change a private room/);
    expect(ann.app.currentRecord?.password).to.equal(password);
    const cy = await user('Cy', `/r/${dmId}#k=${password ?? ''}`);
    expect(cy.app.current).to.equal(undefined);
    expect(cy.app.rooms).to.deep.equal([]);
    expect(cy.app.notice).to.match(/cannot be joined by link/);
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
