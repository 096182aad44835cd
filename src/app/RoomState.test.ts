import { expect } from '@esm-bundle/chai';
import { Identity } from '../identity/Identity';
import { MemoryKeyStore } from '../identity/MemoryKeyStore';
import { NameBook } from './NameBook';
import { RoomState } from './RoomState';
import { RoomMesh, type FakeRoom } from '../testkit/app/FakeRoom';
import { until, type Subscribe } from '../testkit/waitFor';
import { MemoryEventStore } from '../storage/MemoryEventStore';
import type { StoredHistoryEvent } from './StoredHistory';
import type { MessageLine } from './ChatLine';

/** The state's own change notifications, to wait on. */
const changesOf =
  (state: RoomState): Subscribe =>
  (onChange) =>
    state.subscribe(onChange);

const messages = (state: RoomState): MessageLine[] =>
  state.snapshot().lines.filter((l): l is MessageLine => l.kind === 'message');

describe('RoomState', () => {
  let mesh: RoomMesh;
  const states: RoomState[] = [];
  beforeEach(() => {
    mesh = new RoomMesh();
  });
  afterEach(() => {
    for (const s of states.splice(0)) s.destroy();
    mesh.destroy();
  });

  async function member(name: string, options = {}): Promise<{ room: FakeRoom; state: RoomState }> {
    const signer = await Identity.loadOrCreate(new MemoryKeyStore());
    const room = mesh.open({ roomId: 'room-state', displayName: name, signer });
    const state = new RoomState(room, { names: new NameBook(), ...options });
    states.push(state);
    return { room, state };
  }

  it('sends text, ignores empty and whitespace-only input', async () => {
    const { state } = await member('Ann');
    expect(state.send('')).to.equal(false);
    expect(state.send('  \n\t ')).to.equal(false);
    expect(state.send('hello')).to.equal(true);
    await until(changesOf(state), () => messages(state).length === 1);
    expect(messages(state)[0]).to.include({ text: 'hello', own: true });
  });

  it('lists each user once however many tabs, with names and tags', async () => {
    const ann = await member('Ann');
    const signer = await Identity.loadOrCreate(new MemoryKeyStore());
    mesh.open({ roomId: 'room-state', displayName: 'Ben', signer });
    mesh.open({ roomId: 'room-state', displayName: 'Ben', signer });
    await until(changesOf(ann.state), () => ann.state.snapshot().participants.length === 2);
    const [self, ben] = ann.state.snapshot().participants;
    expect(self).to.include({ label: 'Ann', self: true, tabs: 1 });
    expect(ben).to.include({ label: 'Ben', self: false, tabs: 2 });
  });

  it('shows who left, not who was there when the room opened, never add/remove', async () => {
    const ann = await member('Ann');
    const ben = await member('Ben');
    await until(changesOf(ann.state), () => ann.state.snapshot().participants.length === 2);
    ben.room.destroy();
    await until(changesOf(ann.state), () =>
      ann.state.snapshot().lines.some((l) => l.kind === 'left'),
    );
    // Ann's own join and Ben's, found present as Ann opened the room, are not news.
    const kinds = ann.state.snapshot().lines.map((l) => l.kind);
    expect(kinds).to.deep.equal(['left']);
  });

  it('ends the transcript when the hub closes', async () => {
    const ann = await member('Ann');
    ann.room.hub.close();
    await until(changesOf(ann.state), () => ann.state.snapshot().ended);
    expect(ann.state.snapshot().lines.at(-1)?.kind).to.equal('ended');
    expect(ann.state.send('too late')).to.equal(false);
  });

  it('marks a message pending until a peer holds it', async () => {
    const ann = await member('Ann');
    ann.state.send('first');
    await until(changesOf(ann.state), () => messages(ann.state).length === 1);
    expect(messages(ann.state)[0]?.delivered).to.equal(false);
    const ben = await member('Ben');
    await until(changesOf(ben.state), () => messages(ben.state).length === 1);
    await until(changesOf(ann.state), () => messages(ann.state)[0]?.delivered === true);
  });

  it('shows who is typing until it goes stale, and not after sending', async () => {
    const ann = await member('Ann', { typingTtlMs: 300 });
    const ben = await member('Ben', { typingThrottleMs: 0 });
    await until(changesOf(ann.state), () => ann.state.snapshot().participants.length === 2);
    ben.state.typing();
    await until(changesOf(ann.state), () => ann.state.snapshot().typing.includes('Ben'));
    // Stale after typingTtlMs: RoomState's own timer reports the change.
    await until(changesOf(ann.state), () => ann.state.snapshot().typing.length === 0);
    ben.state.typing();
    await until(changesOf(ann.state), () => ann.state.snapshot().typing.length === 1);
    ben.state.send('done');
    await until(changesOf(ann.state), () => ann.state.snapshot().typing.length === 0);
    expect(ben.state.snapshot().typing).to.deep.equal([]);
  });

  it('stops showing typing at once when the user stops (a refused send, an emptied box)', async () => {
    const ann = await member('Ann');
    const ben = await member('Ben', { typingThrottleMs: 0 });
    await until(changesOf(ann.state), () => ann.state.snapshot().participants.length === 2);
    ben.state.typing();
    await until(changesOf(ann.state), () => ann.state.snapshot().typing.includes('Ben'));
    ben.state.stopTyping();
    await until(changesOf(ann.state), () => ann.state.snapshot().typing.length === 0);
    expect(ben.state.snapshot().participants.find((p) => p.self)?.typing).to.equal(false);
  });

  it('says "connecting" without signaling only for a grace period', async () => {
    const signer = await Identity.loadOrCreate(new MemoryKeyStore());
    const room = mesh.open({ roomId: 'lonely-room', displayName: 'Ann', signer });
    room.setStatus({ signaling: false });
    const state = new RoomState(room, { names: new NameBook(), connectGraceMs: 100 });
    states.push(state);
    expect(state.snapshot().connecting).to.equal(true);
    // After connectGraceMs: RoomState's own timer reports the change.
    await until(changesOf(state), () => !state.snapshot().connecting);
    room.setStatus({ signaling: true });
    await until(changesOf(state), () => state.snapshot().status.signaling);
    expect(state.snapshot().connecting).to.equal(false);
  });

  it('never shows a forged message as from the user it names', async () => {
    const ann = await member('Ann');
    const mallory = await member('Mallory');
    await until(changesOf(ann.state), () => ann.state.snapshot().participants.length === 2);
    const now = Date.now();
    // Written straight into the shared document, as a hostile peer could, claiming Ann.
    mallory.room.doc.getMap('messages').set('forged-entry-1', {
      v: 1,
      u: ann.room.userId,
      t: now,
      c: now,
      m: 'I did not write this',
      b: 'A'.repeat(22),
      i: 0,
      g: 'A'.repeat(86),
    });
    mallory.state.send('marker');
    await until(changesOf(ann.state), () => messages(ann.state).some((m) => m.text === 'marker'));
    expect(messages(ann.state).map((m) => m.text)).to.deep.equal(['marker']);
  });

  it('tells subscribers about changes, batched', async () => {
    const ann = await member('Ann');
    let calls = 0;
    ann.state.subscribe(() => (calls += 1));
    ann.state.send('a');
    ann.state.send('b');
    await until(changesOf(ann.state), () => messages(ann.state).length === 2);
    expect(calls).to.be.greaterThan(0);
    expect(calls).to.be.lessThan(5);
  });

  it('loads older stored pages on scroll-up and marks what it cannot verify', async () => {
    // A room whose device history holds a join and 299 messages imported from a file, none of
    // them in the (loaded, empty) log.
    const history = new MemoryEventStore();
    const stored: StoredHistoryEvent[] = [
      {
        order: 1,
        event: {
          id: 'j',
          chatroomId: 'room-state',
          type: 'join',
          userId: 'ben',
          sessionId: 'ben-tab',
          unixTime: 1,
        },
      },
    ];
    for (let n = 0; n < 299; n += 1) {
      const at = 10 + n;
      stored.push({
        order: at,
        event: {
          id: `i${n}`,
          chatroomId: 'room-state',
          type: 'message',
          userId: 'ben',
          message: `old ${n}`,
          unixTime: at,
        },
      });
    }
    await history.put(stored);
    const { state } = await member('Ann', { history });
    await state.storedShown;
    expect(messages(state)).to.have.length(200);
    expect(messages(state).every((m) => !m.verified && m.userId === 'ben')).to.equal(true);
    const bensJoin = (): boolean =>
      state.snapshot().lines.some((l) => l.kind === 'joined' && l.userId === 'ben');
    expect(bensJoin()).to.equal(false);
    expect(state.snapshot().hasOlder).to.equal(true);

    expect(state.showOlder()).to.equal(true);
    await until(changesOf(state), () => messages(state).length === 299);
    expect(messages(state)[0]?.text).to.equal('old 0');
    expect(state.snapshot().lines[0]).to.include({ kind: 'joined', userId: 'ben' });
    expect(state.snapshot().hasOlder).to.equal(false);
    expect(state.showOlder()).to.equal(false);
  });
});
