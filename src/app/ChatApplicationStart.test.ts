import { expect } from '@esm-bundle/chai';
import { DhKeys } from '../direct/DhKeys';
import { MemoryDhKeyStore } from '../direct/DhKeyStore';
import { Identity } from '../identity/Identity';
import { MemoryKeyStore } from '../identity/MemoryKeyStore';
import { Verifier } from '../identity/Verifier';
import { ChatApplication } from './ChatApplication';
import { NameBook } from './NameBook';
import { MemoryNotifier } from './Notifier';
import { MemoryRoomDirectory } from './RoomDirectory';
import { Router } from '../browser/Router';
import { FakeWindow } from '../testkit/app/FakeWindow';
import { MemorySettings } from './Settings';
import { poll } from '../testkit/waitFor';
import { appUsers } from '../testkit/app/appUsers';

describe('ChatApplication start', () => {
  const users = appUsers();
  const { apps, user } = users;

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
    const open = users.mesh.opener(signer);
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
    const ann = await user('Ann', '/', { signer, dh, openRoom: users.mesh.opener(identity) });
    await ann.app.openRoom('lobby-room', 'pw');
    await ann.app.painted();
    const ben = await user('Ben');
    await ben.app.openRoom('lobby-room', 'pw');
    await poll(() => ann.app.canMessagePrivately(ben.app.userId));
    expect(ben.app.canMessagePrivately(ann.app.userId)).to.equal(false);
    release();
    await poll(() => ben.app.canMessagePrivately(ann.app.userId));
  });
});
