import { expect } from '@esm-bundle/chai';
import { Identity } from '../identity/Identity';
import { MemoryKeyStore } from '../identity/MemoryKeyStore';
import { Verifier } from '../identity/Verifier';
import { until } from '../testkit/waitFor';
import { DeferredRoom, loadRoomCode, type RoomCode } from './DeferredRoom';

const offline = { signalingUrls: [], iceServers: [] };
let rooms = 0;

/** A loader as a fresh page has it: nothing loaded until a room asks. */
function freshCode(): RoomCode {
  let code: Awaited<ReturnType<typeof loadRoomCode>> | undefined;
  return {
    loaded: () => code,
    load: async () => (code = await loadRoomCode()),
  };
}

async function deferred(
  code: RoomCode = freshCode(),
): Promise<{ room: DeferredRoom; open: () => void }> {
  const signer = await Identity.loadOrCreate(new MemoryKeyStore());
  let open: () => void = () => undefined;
  const loadAfter = new Promise<void>((resolve) => (open = resolve));
  rooms += 1;
  const room = new DeferredRoom(
    {
      roomId: `deferred-${Date.now()}-${rooms}`,
      signer,
      verifier: new Verifier(),
      network: offline,
      displayName: 'Ann',
      loadAfter,
    },
    code,
  );
  return { room, open };
}

describe('DeferredRoom', () => {
  it('is an empty offline room until it may load, then the session with what was asked before', async () => {
    const { room, open } = await deferred();
    const seen: string[] = [];
    room.log.observe((entries) => seen.push(...entries.map((e) => e.message)));
    let statusCalls = 0;
    room.network.onStatus(() => (statusCalls += 1));
    room.presence.setField('typing', 5);
    expect(room.log.entries()).to.deep.equal([]);
    expect(room.network.status()).to.deep.equal({
      signaling: false,
      peers: 0,
      localTabs: 0,
      unreachable: false,
    });
    expect(room.hub.participants()).to.deep.equal([]);
    expect(room.awareness.clientID).to.equal(-1);
    expect(room.send('too early')).to.equal(undefined);

    open();
    await room.loaded;
    expect(room.awareness.clientID).to.be.above(-1);
    const own = room.presence.states().get(room.awareness.clientID);
    expect(own?.typing).to.equal(5);
    const id = room.send('hello');
    expect(id).to.be.a('string');
    await until(
      (change) => room.log.observe(change),
      () => seen.includes('hello'),
      'hello',
    );
    expect(seen).to.deep.equal(['hello']);
    expect(room.log.get(id ?? '')?.message).to.equal('hello');
    expect(room.hub.participants().map((p) => p.userId)).to.deep.equal([room.userId]);
    await room.destroy();
  });

  it('delivers the session stream, and a listener removed before the load stays off', async () => {
    const { room, open } = await deferred();
    const removed: unknown[] = [];
    const off = room.log.observe((entries) => removed.push(...entries));
    off();
    const first = room.stream.nextBatch();
    open();
    const batch = await first;
    expect(batch?.[0]?.type).to.equal('join');
    const kept: string[] = [];
    room.log.observe((entries) => kept.push(...entries.map((e) => e.message)));
    room.send('after');
    await until(
      (change) => room.log.observe(change),
      () => kept.length > 0,
      'after',
    );
    expect(removed).to.deep.equal([]);
    await room.destroy();
  });

  it('once the code is loaded, a room starts at once and takes a message sent right away', async () => {
    const code = freshCode();
    await code.load();
    const { room } = await deferred(code);
    const id = room.send('right away');
    expect(id).to.be.a('string');
    expect(room.awareness.clientID).to.be.above(-1);
    await room.destroy();
  });

  it('a room closed before it could load never starts a session', async () => {
    const { room, open } = await deferred();
    const ended = room.stream.nextBatch();
    await room.destroy();
    open();
    const loaded = await room.loaded.then(
      () => 'loaded',
      () => 'refused',
    );
    expect(loaded).to.equal('refused');
    expect(await ended).to.equal(undefined);
    expect(room.awareness.clientID).to.equal(-1);
  });
});
