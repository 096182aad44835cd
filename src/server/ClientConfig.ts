/**
 * The document served at GET /config.json: which signaling servers and ICE servers the app
 * should use. Both lists come from the operator's environment, so they are validated once at
 * startup; a typo here would otherwise surface only as peers that silently never meet.
 */
import { ConfigError, urlList } from './ConfigError.js';

/** One entry of RTCConfiguration.iceServers, restricted to the fields the app passes on. */
export interface IceServer {
  readonly urls: string | readonly string[];
  readonly username?: string;
  readonly credential?: string;
}

/** The body of GET /config.json. */
export interface ClientConfig {
  /** ws:// or wss:// URLs; empty means "use the app's own origin". */
  readonly signalingUrls: readonly string[];
  readonly iceServers: readonly IceServer[];
}

const ICE_SCHEMES = ['stun:', 'stuns:', 'turn:', 'turns:'];

/**
 * Parses SIGNALING_URLS: a comma-separated list of ws(s) URLs. Blank entries are ignored so a
 * trailing comma is harmless.
 * @throws ConfigError naming the offending entry.
 */
export function parseSignalingUrls(raw: string | undefined): string[] {
  return urlList('SIGNALING_URLS', raw, 'a URL', (url, entry) => {
    if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
      throw new ConfigError(`SIGNALING_URLS: "${entry}" must start with ws:// or wss://`);
    }
    return entry;
  });
}

function checkIceUrl(url: unknown, index: number): string {
  if (typeof url !== 'string' || !ICE_SCHEMES.some((scheme) => url.startsWith(scheme))) {
    throw new ConfigError(
      `ICE_SERVERS[${index}].urls: ${JSON.stringify(url)} must be a stun:, stuns:, turn: or turns: URL`,
    );
  }
  return url;
}

function checkIceServer(entry: unknown, index: number): IceServer {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new ConfigError(`ICE_SERVERS[${index}] must be an object like {"urls":"stun:host:3478"}`);
  }
  const record = entry as Record<string, unknown>;
  const rawUrls = record.urls;
  let urls: string | string[];
  if (Array.isArray(rawUrls)) {
    if (rawUrls.length === 0) throw new ConfigError(`ICE_SERVERS[${index}].urls is empty`);
    urls = rawUrls.map((url) => checkIceUrl(url, index));
  } else {
    urls = checkIceUrl(rawUrls, index);
  }
  const server: { urls: string | string[]; username?: string; credential?: string } = { urls };
  for (const key of ['username', 'credential'] as const) {
    const value = record[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') {
      throw new ConfigError(`ICE_SERVERS[${index}].${key} must be a string`);
    }
    server[key] = value;
  }
  const relay = (Array.isArray(urls) ? urls : [urls]).find((url) => url.startsWith('turn'));
  if (relay !== undefined) {
    // A credential here would be served to every visitor and never expire; without one the
    // browser refuses the entry. Relays get per-visitor credentials from TURN_URLS instead.
    throw new ConfigError(
      `ICE_SERVERS[${index}]: ${JSON.stringify(relay)} belongs in TURN_URLS (with TURN_SECRET), ` +
        'so each visitor gets a short-lived credential instead of a password everyone can read',
    );
  }
  return server;
}

/**
 * Parses ICE_SERVERS: a JSON array of RTCIceServer objects (urls, optional username and
 * credential). Unknown fields are refused rather than passed through unseen, and so are
 * turn:/turns: URLs: a static TURN password published in /config.json is anyone's relay.
 * @throws ConfigError with the position and the expected form.
 */
export function parseIceServers(raw: string | undefined): IceServer[] {
  if (raw === undefined || raw.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(
      'ICE_SERVERS must be a JSON array, e.g. [{"urls":"stun:stun.example.org:3478"}]',
    );
  }
  if (!Array.isArray(parsed)) throw new ConfigError('ICE_SERVERS must be a JSON array');
  return parsed.map((entry: unknown, index) => {
    const server = checkIceServer(entry, index);
    const extra = Object.keys(entry as object).filter(
      (key) => key !== 'urls' && key !== 'username' && key !== 'credential',
    );
    if (extra.length > 0) {
      throw new ConfigError(`ICE_SERVERS[${index}] has unknown field(s): ${extra.join(', ')}`);
    }
    return server;
  });
}
