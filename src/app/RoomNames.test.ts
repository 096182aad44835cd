import { expect } from '@esm-bundle/chai';
import { removeAwarenessStates } from 'y-protocols/awareness';
import { Identity } from '../identity/Identity';
import { MemoryKeyStore } from '../identity/MemoryKeyStore';
import { NAME } from '../log/entryKinds';
import { RoomMesh } from '../testkit/app/FakeRoom';
import { until } from '../testkit/waitFor';
import { NameBook } from './NameBook';
import { RoomState } from './RoomState';

const ROOM = 'names-room';

describe('RoomNames: the name an author signs travels with their messages', () => {
  let mesh: RoomMesh;
  const states: RoomState[] = [];
  beforeEach(() => {
    mesh = new RoomMesh();
  });
  afterEach(() => {
    for (const state of states.splice(0)) state.destroy();
    mesh.destroy();
  });

  async function person(name: () => string, names = new NameBook()) {
    const signer = await Identity.loadOrCreate(new MemoryKeyStore());
    const source = mesh.open({ roomId: ROOM, displayName: name(), signer });
    const state = new RoomState(source, { names, displayName: name });
    states.push(state);
    return { source, state, names, userId: signer.userId };
  }

  it("a newcomer sees an offline author's newest signed name in history", async () => {
    let annName = 'Ann';
    const ann = await person(() => annName);
    const carl = await person(() => 'Carl');
    ann.state.send('hello');
    annName = 'Annie';
    ann.state.rename(annName);
    ann.state.send('renamed');
    ann.state.send('once more');
    await until(
      (f) => carl.source.log.observe(f),
      () => carl.source.log.entries().length === 3,
      "Ann's messages reach Carl",
    );
    // Two name entries: one per name, not one per message.
    await until(
      (f) => carl.source.log.observeKinds(f),
      () => carl.source.log.kinds().filter((k) => k.kind === NAME).length === 2,
      "Ann's two names reach Carl",
    );
    // Ann goes away; Ben arrives later and meets only Carl, whose card names only Carl.
    ann.state.destroy();
    ann.source.destroy();
    // Her card has gone from Carl's presence too (it expires 30 s after her last one).
    removeAwarenessStates(carl.source.awareness, [ann.source.awareness.clientID], 'test');
    const ben = await person(() => 'Ben');
    await until(
      (f) => ben.source.log.observeKinds(f),
      () => ben.names.name(ann.userId) !== undefined,
      "Ann's name known to Ben",
    );
    expect(ben.names.label(ann.userId)).to.equal('Annie');
    expect(ben.source.hub.participants().map((m) => m.userId)).to.not.include(ann.userId);
  });

  it('an older signed name never overrides a newer one', async () => {
    const ann = await person(() => 'Ann');
    const names = new NameBook();
    names.learn(ann.userId, 'Ann Newer', Date.now() + 60_000);
    const ben = await person(() => 'Ben', names);
    ann.state.send('hello');
    await until(
      (f) => ben.source.log.observeKinds(f),
      () => ben.source.log.kinds().length === 1,
      "Ann's name entry reaches Ben",
    );
    expect(ben.names.name(ann.userId)).to.equal('Ann Newer');
  });
});
