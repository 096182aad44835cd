import { ChunkedDataChannel } from './ChunkedDataChannel';

type DataChannelHandler = ((event: { channel: unknown }) => void) | null;

/**
 * Makes an RTCPeerConnection constructor whose data channels are ChunkedDataChannels, for
 * simple-peer's `wrtc` option (y-webrtc passes `peerOpts` through to simple-peer). It returns
 * a Proxy of a real connection that wraps `createDataChannel` and every `ondatachannel`
 * handler assigned to it: a subclass could not do that everywhere, because Chromium dispatches
 * through the handler attribute while Node's wrtc calls the `ondatachannel` property itself.
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
  function ChunkingPeerConnection(config?: RTCConfiguration): RTCPeerConnection {
    const connection = new Base(config);
    let handler: DataChannelHandler = null;
    return new Proxy(connection, {
      get(target, property) {
        if (property === 'createDataChannel') {
          return (label: string, init?: RTCDataChannelInit) =>
            wrap(target.createDataChannel(label, init));
        }
        if (property === 'ondatachannel') return handler;
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function'
          ? (value as (...args: unknown[]) => unknown).bind(target)
          : value;
      },
      set(target, property, value: unknown) {
        if (property !== 'ondatachannel') return Reflect.set(target, property, value, target);
        handler = (value as DataChannelHandler) ?? null;
        target.ondatachannel = handler
          ? (event: RTCDataChannelEvent) => handler?.({ channel: wrap(event.channel) })
          : null;
        return true;
      },
    });
  }
  return ChunkingPeerConnection as unknown as typeof RTCPeerConnection;
}
