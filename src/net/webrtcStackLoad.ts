import type { NetworkConfig } from './NetworkConfig';

export type WebrtcStack = typeof import('./webrtcStack');
let stackLoad: Promise<WebrtcStack> | undefined;

/**
 * Loads the WebRTC code (y-webrtc, simple-peer and their helpers, a chunk of its own) once per
 * page. Every RoomNetwork calls it as it is made; calling it earlier only makes it ready sooner.
 * A failed load is forgotten, so the next room tries again.
 */
export function loadWebrtcStack(): Promise<WebrtcStack> {
  stackLoad ??= import('./webrtcStack').catch((error: unknown) => {
    stackLoad = undefined;
    throw error;
  });
  return stackLoad;
}

/**
 * An RTCPeerConnection constructor that takes the ICE servers `config` holds when each
 * connection is made, not those of when the room opened: a long-open tab gets the TURN
 * credentials fetched last (src/net/LiveNetworkConfig.ts), not ones that have expired.
 */
export function withCurrentIceServers(
  Base: typeof RTCPeerConnection,
  config: Pick<NetworkConfig, 'iceServers'>,
): typeof RTCPeerConnection {
  function CurrentIce(rtc?: RTCConfiguration): RTCPeerConnection {
    return new Base({ ...rtc, iceServers: [...config.iceServers] });
  }
  return CurrentIce as unknown as typeof RTCPeerConnection;
}
