/** Where peers meet: signaling servers and ICE (STUN/TURN) servers. */
export interface NetworkConfig {
  /** ws:// or wss:// URLs of y-webrtc signaling servers. */
  readonly signalingUrls: readonly string[];
  /** Passed to RTCPeerConnection; empty works between peers on one network. */
  readonly iceServers: readonly RTCIceServer[];
  /**
   * When to fetch the config again, before its TURN credentials expire (ms since the epoch,
   * this device's clock); absent when nothing in it expires.
   */
  readonly refreshAt?: number;
}

/** The signaling endpoint of the server that served the app: ws(s)://host/signal. */
export function ownSignalingUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/signal`;
}

type Location = { protocol: string; host: string; origin: string };

/** What the app uses without a config document: its own origin, no ICE servers. */
export function fallbackNetworkConfig(location: Location = window.location): NetworkConfig {
  return { signalingUrls: [ownSignalingUrl(location)], iceServers: [] };
}

/**
 * Fetches the deployment's /config.json (served by src/server from SIGNALING_URLS,
 * ICE_SERVERS and TURN_URLS). Rejects when the server cannot be reached or answers an error.
 */
export async function fetchNetworkConfig(
  location: Location = window.location,
  fetcher: typeof fetch = fetch,
  now: () => number = Date.now,
): Promise<NetworkConfig> {
  const response = await fetcher(`${location.origin}/config.json`, { cache: 'no-cache' });
  if (!response.ok) throw new Error(`/config.json answered ${response.status}`);
  const body: unknown = await response.json();
  return parseNetworkConfig(body, fallbackNetworkConfig(location), now());
}

/**
 * Reads the deployment's /config.json. An empty signaling list, a missing file or an
 * unreachable server (offline) all mean: the app's own origin, no ICE servers.
 */
export async function loadNetworkConfig(
  location: Location = window.location,
  fetcher: typeof fetch = fetch,
): Promise<NetworkConfig> {
  try {
    return await fetchNetworkConfig(location, fetcher);
  } catch {
    return fallbackNetworkConfig(location);
  }
}

/** Never fetch again sooner than this, whatever the clocks say (a wrong clock would spin). */
const MIN_REFRESH_MS = 60_000;

/**
 * When credentials fetched at `now` should be replaced: half their lifetime from now, and no
 * later than half a lifetime before the earliest expiry a TURN REST username states
 * (`<expiry unix seconds>:<id>`), which catches a copy the service worker kept from long ago.
 */
function refreshTime(
  servers: readonly RTCIceServer[],
  ttlSeconds: number | undefined,
  now: number,
): number | undefined {
  const expiries = servers.flatMap((server) => {
    const match = /^(\d{1,12}):/.exec(server.username ?? '');
    return match?.[1] !== undefined ? [Number(match[1]) * 1000] : [];
  });
  const earliest = expiries.length > 0 ? Math.min(...expiries) : undefined;
  let at: number;
  if (ttlSeconds !== undefined) {
    const half = (ttlSeconds * 1000) / 2;
    at = Math.min(now + half, earliest === undefined ? Infinity : earliest - half);
  } else if (earliest !== undefined) {
    at = now + (earliest - now) / 2;
  } else {
    return undefined;
  }
  return Math.max(at, now + MIN_REFRESH_MS);
}

/**
 * Takes what is usable from an untrusted config document, the fallback for the rest.
 * @param now when the document was fetched (to plan when its credentials are refreshed)
 */
export function parseNetworkConfig(
  body: unknown,
  fallback: NetworkConfig,
  now: number = Date.now(),
): NetworkConfig {
  if (typeof body !== 'object' || body === null) return fallback;
  const { signalingUrls, iceServers, iceServersTtl } = body as Record<string, unknown>;
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
  const ttl =
    typeof iceServersTtl === 'number' && Number.isFinite(iceServersTtl) && iceServersTtl > 0
      ? iceServersTtl
      : undefined;
  const refreshAt = refreshTime(ice, ttl, now);
  return {
    signalingUrls: urls.length > 0 ? urls : fallback.signalingUrls,
    iceServers: ice,
    ...(refreshAt !== undefined ? { refreshAt } : {}),
  };
}
