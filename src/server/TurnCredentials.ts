/**
 * Short-lived TURN credentials in coturn's REST scheme ("TURN REST API",
 * draft-uberti-behave-turn-rest): the username is `<expiry unix seconds>:<id>` and the password
 * is base64(HMAC-SHA1(secret, username)). coturn, started with `--use-auth-secret
 * --static-auth-secret=<secret>`, recomputes the password itself and refuses a username whose
 * expiry has passed, so the server hands each visitor a credential that stops working on its
 * own and never publishes a password that lasts.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { ConfigError } from './ConfigError.js';
import type { IceServer } from './ClientConfig.js';

/** The TURN part of the configuration: where the relays are and the secret shared with them. */
export interface TurnConfig {
  /** `turn:` or `turns:` URLs of one relay deployment sharing {@link secret}. */
  readonly urls: readonly string[];
  /** coturn's `static-auth-secret`. */
  readonly secret: string;
  /** Lifetime of an issued credential, in seconds. */
  readonly ttlSeconds: number;
}

/** One day, the lifetime the TURN REST draft suggests: a tab fetches its config once. */
export const DEFAULT_TURN_TTL_SECONDS = 86_400;

/** Shorter secrets are refused: the HMAC key is all that keeps strangers off the relay. */
const MIN_SECRET_LENGTH = 16;

type Env = Readonly<Record<string, string | undefined>>;

function turnUrls(raw: string): string[] {
  const urls = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const url of urls) {
    // RFC 7065 URIs are not WHATWG URLs (turn:host:3478?transport=udp), so check the scheme only.
    if (!/^turns?:[^\s/]/.test(url)) {
      throw new ConfigError(`TURN_URLS: "${url}" must be a turn: or turns: URL`);
    }
  }
  return urls;
}

/**
 * Reads TURN_URLS, TURN_SECRET and TURN_TTL. Both of the first two or neither: relays without
 * a secret could only be offered with a static password, and a secret without relays is a typo.
 * @returns null when TURN is not configured.
 * @throws ConfigError on any invalid or half-given value.
 */
export function parseTurnConfig(env: Env): TurnConfig | null {
  const urls = turnUrls(env.TURN_URLS ?? '');
  const secret = env.TURN_SECRET ?? '';
  const ttlRaw = env.TURN_TTL?.trim() ?? '';
  if (urls.length === 0 && secret === '') {
    if (ttlRaw !== '')
      throw new ConfigError('TURN_TTL is set but TURN_URLS and TURN_SECRET are not');
    return null;
  }
  if (urls.length === 0) throw new ConfigError('TURN_SECRET is set but TURN_URLS is empty');
  if (secret === '') {
    throw new ConfigError('TURN_URLS is set but TURN_SECRET is not (coturn --static-auth-secret)');
  }
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(`TURN_SECRET must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  let ttlSeconds = DEFAULT_TURN_TTL_SECONDS;
  if (ttlRaw !== '') {
    ttlSeconds = Number(ttlRaw);
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 60 || ttlSeconds > 7 * 86_400) {
      throw new ConfigError(
        `TURN_TTL must be an integer from 60 to 604800 seconds, got "${ttlRaw}"`,
      );
    }
  }
  return { urls, secret, ttlSeconds };
}

/** The password coturn expects for `username` under `secret`. */
export function turnPassword(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username).digest('base64');
}

/**
 * Issues one credential valid for the configured TTL from `nowMs`. The id part is random, so
 * two visitors never share a username (coturn counts quotas per username).
 */
export function issueTurnServer(
  config: TurnConfig,
  nowMs: number = Date.now(),
  id: string = randomBytes(9).toString('base64url'),
): IceServer {
  const expiry = Math.floor(nowMs / 1000) + config.ttlSeconds;
  const username = `${expiry}:${id}`;
  return { urls: config.urls, username, credential: turnPassword(config.secret, username) };
}
