/** Where peers meet: signaling servers and ICE (STUN/TURN) servers. */
export interface NetworkConfig {
  /** ws:// or wss:// URLs of y-webrtc signaling servers. */
  readonly signalingUrls: readonly string[];
  /** Passed to RTCPeerConnection; empty works between peers on one network. */
  readonly iceServers: readonly RTCIceServer[];
}

/** The signaling endpoint of the server that served the app: ws(s)://host/signal. */
export function ownSignalingUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/signal`;
}

/**
 * Reads the deployment's /config.json (served by src/server from SIGNALING_URLS and
 * ICE_SERVERS). An empty signaling list, a missing file or an unreachable server (offline)
 * all mean: the app's own origin, no ICE servers.
 */
export async function loadNetworkConfig(
  location: { protocol: string; host: string; origin: string } = window.location,
  fetcher: typeof fetch = fetch,
): Promise<NetworkConfig> {
  const fallback: NetworkConfig = { signalingUrls: [ownSignalingUrl(location)], iceServers: [] };
  let body: unknown;
  try {
    const response = await fetcher(`${location.origin}/config.json`, { cache: 'no-cache' });
    if (!response.ok) return fallback;
    body = await response.json();
  } catch {
    return fallback;
  }
  return parseNetworkConfig(body, fallback);
}

/** Takes what is usable from an untrusted config document, the fallback for the rest. */
export function parseNetworkConfig(body: unknown, fallback: NetworkConfig): NetworkConfig {
  if (typeof body !== 'object' || body === null) return fallback;
  const { signalingUrls, iceServers } = body as Record<string, unknown>;
  const urls = Array.isArray(signalingUrls)
    ? signalingUrls.filter(
        (url): url is string => typeof url === 'string' && /^wss?:\/\/[^\s]+$/.test(url),
      )
    : [];
  const ice = Array.isArray(iceServers)
    ? iceServers.filter(
        (server): server is RTCIceServer =>
          typeof server === 'object' &&
          server !== null &&
          (typeof (server as RTCIceServer).urls === 'string' ||
            Array.isArray((server as RTCIceServer).urls)),
      )
    : [];
  return {
    signalingUrls: urls.length > 0 ? urls : fallback.signalingUrls,
    iceServers: ice,
  };
}
