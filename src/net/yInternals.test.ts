import { expect } from '@esm-bundle/chai';
import * as Y from 'yjs';
import { mapItemId, providerRoom, signalingConnected } from './yInternals';
import { loadWebrtcStack } from './RoomNetwork';

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

  it('the WebRTC stack loads as a chunk of its own', async () => {
    const stack = await loadWebrtcStack();
    expect(stack.sendStateVector).to.be.a('function');
  });
});
