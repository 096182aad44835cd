import { expect } from '@esm-bundle/chai';
import * as Y from 'yjs';
import { ManualTime } from '../testkit/ManualTime';
import { poll } from '../testkit/waitFor';
import type { WebrtcProvider } from 'y-webrtc';
import { handOverTopology, meshRoom, type MeshRoom, sendUpdatesOnlyToTabs } from './meshRoom';
import { guardRoomSignaling, onRoomPublish, publishToRoom } from './roomPublish';
import { jitterSignalingReconnects } from './signalingReconnect';
import { mapItemId, providerRoom, signalingConnected } from './yInternals';
import { loadWebrtcStack } from './webrtcStackLoad';

// These fail when an upgrade of y-webrtc or Yjs moves what yInternals reads.
describe('y-webrtc and Yjs internals this app relies on', () => {
  it('a Y.Map keeps the current item of each key, with the writer and clock', () => {
    const doc = new Y.Doc();
    const map = doc.getMap<number>('m');
    map.set('a', 1);
    map.set('b', 2);
    map.set('a', 3);
    expect(mapItemId(map, 'a')).to.deep.equal({ client: doc.clientID, clock: 2 });
    expect(mapItemId(map, 'b')).to.deep.equal({ client: doc.clientID, clock: 1 });
    expect(mapItemId(map, 'none')).to.equal(undefined);
  });

  it("a provider's room has the fields, functions and channel subscriber used here", async () => {
    const { WebrtcProvider } = await import('y-webrtc');
    const doc = new Y.Doc();
    const provider = new WebrtcProvider('internals-probe-room', doc, { signaling: [] });
    try {
      await provider.key;
      const room = providerRoom(provider);
      expect(room).to.not.equal(undefined);
      if (!room) return;
      expect(room.name).to.equal('internals-probe-room');
      expect(room.webrtcConns).to.be.instanceOf(Map);
      expect(room.bcConns).to.be.instanceOf(Set);
      expect(room.bcconnected).to.be.a('boolean');
      expect(room.mux).to.be.a('function');
      expect(room._bcSubscriber).to.be.a('function');
      let ran = false;
      room.mux(() => {
        ran = true;
      });
      expect(ran).to.equal(true);
      expect(Array.isArray(provider.signalingConns)).to.equal(true);
      expect(signalingConnected(provider)).to.equal(false);
    } finally {
      provider.destroy();
      doc.destroy();
    }
  });

  it('the mesh finds the room fields it drives, and speaks the room encryption both ways', async () => {
    const { WebrtcProvider } = await import('y-webrtc');
    const doc = new Y.Doc();
    const provider = new WebrtcProvider('internals-mesh-room', doc, {
      signaling: [],
      password: 'secret',
    });
    try {
      await provider.key;
      const room = meshRoom(provider);
      if (!room) throw new Error('no room');
      expect(room.peerId).to.be.a('string');
      expect(room.key).to.not.equal(null);
      expect(room._docUpdateHandler).to.be.a('function');
      handOverTopology(provider);
      expect(provider.maxConns).to.equal(0);
      // A stand-in signaling connection: what is published comes back to the listener.
      const sent: unknown[] = [];
      const handlers: ((m: unknown) => void)[] = [];
      (provider.signalingConns as unknown[]).push({
        connected: true,
        send: (m: unknown) => sent.push(m),
        on: (_e: string, f: (m: unknown) => void) => handlers.push(f),
        off: () => undefined,
      });
      const heard = new Promise<Record<string, unknown>>((resolve) => {
        onRoomPublish(provider, room, resolve);
      });
      await publishToRoom(provider, room, { type: 'announce', from: 'x', attempt: 2 });
      const frame = sent[0] as { type: string; topic: string; data: unknown };
      expect(frame.type).to.equal('publish');
      expect(frame.topic).to.equal('internals-mesh-room');
      expect(frame.data).to.be.a('string'); // encrypted, base64
      for (const handler of handlers) handler(frame);
      expect(await heard).to.deep.equal({ type: 'announce', from: 'x', attempt: 2 });
      (provider.signalingConns as unknown[]).length = 0;
      // Updates go to no WebRTC connection any more (the mesh sends them).
      const sends: unknown[] = [];
      room.webrtcConns.set('fake', {
        remotePeerId: 'fake',
        connected: true,
        peer: { send: (d: Uint8Array) => sends.push(d) },
        destroy: () => undefined,
      });
      sendUpdatesOnlyToTabs(doc, room);
      doc.getMap('m').set('k', 1);
      expect(sends).to.have.length(0);
      room.webrtcConns.delete('fake');
    } finally {
      provider.destroy();
      doc.destroy();
    }
  });

  it("a signaling connection's reconnects follow the jittered delay, not lib0's schedule", async () => {
    const { WebrtcProvider } = await import('y-webrtc');
    const doc = new Y.Doc();
    // Nothing listens on loopback port 2: every attempt is refused at once.
    const provider = new WebrtcProvider('internals-reconnect-room', doc, {
      signaling: ['ws://127.0.0.1:2/'],
    });
    const time = new ManualTime();
    const waits: number[] = [];
    jitterSignalingReconnects(provider, {
      delay: (failures) => {
        waits.push(failures);
        return 1000 * (failures + 1);
      },
      after: time.after,
      now: time.now,
    });
    const conn = provider.signalingConns[0] as unknown as {
      ws: unknown;
      shouldConnect: boolean;
      unsuccessfulReconnects: number;
    };
    try {
      await poll(() => conn.unsuccessfulReconnects === 1, 'the first attempt to fail');
      // lib0 scheduled its own attempt too; with shouldConnect off, that one does nothing.
      expect(conn.shouldConnect).to.equal(false);
      expect(conn.ws).to.equal(null);
      expect(waits).to.deep.equal([0]);
      expect(time.pending).to.equal(1);
      await time.advance(999);
      expect(conn.unsuccessfulReconnects).to.equal(1);
      await time.advance(1);
      await poll(() => conn.unsuccessfulReconnects === 2, 'the second attempt to fail');
      expect(waits).to.deep.equal([0, 1]);
      expect(time.pending).to.equal(1);
      await time.advance(2000);
      await poll(() => conn.unsuccessfulReconnects === 3, 'the third attempt to fail');
      expect(waits).to.deep.equal([0, 1, 2]);
      // Leaving cancels the attempt that was due: nothing reconnects any more.
      provider.disconnect();
      expect(time.pending).to.equal(0);
      expect(conn.shouldConnect).to.equal(false);
      await time.advance(60_000);
      expect(conn.unsuccessfulReconnects).to.equal(3);
    } finally {
      provider.destroy();
      doc.destroy();
    }
  });

  it('drops, counts and never throws on signaling messages of another password, in order', async () => {
    const { WebrtcProvider } = await import('y-webrtc');
    const doc = new Y.Doc();
    // A real signaling connection (y-webrtc's own handler on it) to a port where nothing
    // listens: messages are handed to it below as if the server had relayed them.
    const provider = new WebrtcProvider('internals-guard-room', doc, {
      signaling: ['ws://127.0.0.1:9'],
      password: 'the-right-one',
    });
    const uncaught: unknown[] = [];
    const onRejection = (event: PromiseRejectionEvent): void => {
      uncaught.push(event.reason);
    };
    window.addEventListener('unhandledrejection', onRejection);
    try {
      await provider.key;
      const room = meshRoom(provider);
      if (!room) throw new Error('no room');
      const [client] = provider.signalingConns as unknown as {
        emit(name: string, args: unknown[]): void;
      }[];
      if (!client) throw new Error('no signaling connection');
      let unreadable = 0;
      const stop = guardRoomSignaling(provider, room, () => (unreadable += 1));
      const heard: unknown[] = [];
      onRoomPublish(provider, room, (data) => heard.push(data.n));
      // Frames as someone with the right password and someone with another would publish them.
      const otherKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
        'encrypt',
        'decrypt',
      ]);
      const frame = async (key: CryptoKey | null, n: number): Promise<unknown> => {
        const frames: unknown[] = [];
        const stand = {
          signalingConns: [{ connected: true, send: (m: unknown) => frames.push(m) }],
        } as unknown as WebrtcProvider;
        const as = { name: room.name, key } as MeshRoom;
        // 'from' is this room's own id: y-webrtc takes it for an echo and does nothing with it.
        await publishToRoom(stand, as, { type: 'announce', from: room.peerId, n });
        return frames[0];
      };
      const frames = [
        await frame(otherKey, 1),
        await frame(room.key, 2),
        await frame(null, 3), // no password at all: a plain object
        await frame(room.key, 4),
        { type: 'publish', topic: room.name, data: 'not base64 at all!' },
      ];
      for (const f of frames) client.emit('message', [f]);
      await poll(() => unreadable === 3 && heard.length === 2);
      expect(heard).to.deep.equal([2, 4]);
      // An uncaught rejection is reported in a task of its own: let one run.
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(uncaught.map(String)).to.deep.equal([]);
      stop();
      expect(unreadable).to.equal(3);
    } finally {
      window.removeEventListener('unhandledrejection', onRejection);
      provider.destroy();
      doc.destroy();
    }
  });

  it('the WebRTC stack loads as a chunk of its own', async () => {
    const stack = await loadWebrtcStack();
    expect(stack.sendStateVector).to.be.a('function');
  });
});
