import { ChunkedDataChannel } from './ChunkedDataChannel';

/**
 * Makes an RTCPeerConnection class whose data channels are ChunkedDataChannels, for
 * simple-peer's `wrtc` option (y-webrtc passes `peerOpts` through to simple-peer). Works with
 * the browser's RTCPeerConnection and with a Node implementation of the same interface.
 */
export function chunkingPeerConnection(
  Base: typeof RTCPeerConnection,
  onChannelState: (channel: ChunkedDataChannel, open: boolean) => void = () => undefined,
): typeof RTCPeerConnection {
  const wrap = (raw: RTCDataChannel): ChunkedDataChannel => {
    const channel = new ChunkedDataChannel(raw);
    // Told when a channel opens or closes, so connection status is current at once.
    raw.addEventListener('open', () => onChannelState(channel, true));
    raw.addEventListener('close', () => onChannelState(channel, false));
    // The answering side may receive a channel that is open already: no 'open' follows.
    if (raw.readyState === 'open') queueMicrotask(() => onChannelState(channel, true));
    return channel;
  };
  class ChunkingPeerConnection extends Base {
    override createDataChannel(label: string, init?: RTCDataChannelInit): RTCDataChannel {
      return wrap(super.createDataChannel(label, init)) as unknown as RTCDataChannel;
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
          handlers.get(this)?.({ channel: wrap(event.channel) });
        });
      }
      handlers.set(this, handler);
    },
  });
  return ChunkingPeerConnection;
}
