import { ChunkedDataChannel } from './ChunkedDataChannel';

/**
 * Makes an RTCPeerConnection class whose data channels are ChunkedDataChannels, for
 * simple-peer's `wrtc` option (y-webrtc passes `peerOpts` through to simple-peer). Works with
 * the browser's RTCPeerConnection and with a Node implementation of the same interface.
 */
export function chunkingPeerConnection(Base: typeof RTCPeerConnection): typeof RTCPeerConnection {
  class ChunkingPeerConnection extends Base {
    override createDataChannel(label: string, init?: RTCDataChannelInit): RTCDataChannel {
      const channel = super.createDataChannel(label, init);
      return new ChunkedDataChannel(channel) as unknown as RTCDataChannel;
    }
  }
  // simple-peer assigns `pc.ondatachannel = handler`: hand it wrapped channels. Defined on the
  // prototype because TypeScript will not let a subclass turn the property into an accessor.
  type Handler = ((event: { channel: unknown }) => void) | null;
  const handlers = new WeakMap<RTCPeerConnection, Handler>();
  Object.defineProperty(ChunkingPeerConnection.prototype, 'ondatachannel', {
    configurable: true,
    get(this: RTCPeerConnection): Handler {
      return handlers.get(this) ?? null;
    },
    set(this: RTCPeerConnection, handler: Handler) {
      if (!handlers.has(this)) {
        this.addEventListener('datachannel', (event: RTCDataChannelEvent) => {
          handlers.get(this)?.({ channel: new ChunkedDataChannel(event.channel) });
        });
      }
      handlers.set(this, handler);
    },
  });
  return ChunkingPeerConnection;
}
