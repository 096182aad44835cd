/**
 * The server's whole configuration, read once from the environment at startup. Every limit has
 * a default a public deployment can live with; every value is checked here so that a typo stops
 * the process with a clear message instead of quietly disabling a protection.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseIceServers, parseSignalingUrls, type ClientConfig } from './ClientConfig.js';
import { ConfigError, urlList } from './ConfigError.js';
import { LOG_LEVELS, type LogLevel } from './log.js';
import { parseTurnConfig, type TurnConfig } from './TurnCredentials.js';

export { ConfigError };

/** The protections of the signaling endpoint. */
export interface SignalingLimits {
  /** Largest accepted WebSocket message; larger ones close the connection (1009). */
  readonly maxFrameBytes: number;
  readonly maxTopicsPerConnection: number;
  /** Longest accepted topic (room) name, in UTF-16 code units. */
  readonly maxTopicLength: number;
  readonly maxConnections: number;
  readonly maxConnectionsPerAddress: number;
  /** Sustained publishes per second per connection (token bucket refill rate). */
  readonly publishRatePerSec: number;
  /** Publishes a connection may send at once before the rate applies (bucket size). */
  readonly publishBurst: number;
  /** Sustained publish bytes per second per connection. */
  readonly publishBytesPerSec: number;
  /** Publish bytes a connection may send at once. */
  readonly publishBytesBurst: number;
  /** Sustained publishes per second from one address (an IPv6 /64), all connections together. */
  readonly addressPublishRatePerSec: number;
  /** Sustained publish bytes per second from one address (an IPv6 /64). */
  readonly addressPublishBytesPerSec: number;
  /** A socket that has not answered a ping within one interval is dropped. */
  readonly heartbeatIntervalMs: number;
  /** Outgoing bytes queued for one socket beyond which it counts as not reading. */
  readonly maxBufferedBytes: number;
  /** How long a socket may stay over maxBufferedBytes before it is dropped. */
  readonly slowReaderGraceMs: number;
  /** Allowed Origin header values; null allows every origin. */
  readonly allowedOrigins: readonly string[] | null;
  /** Take the client address from the last X-Forwarded-For entry (behind a reverse proxy). */
  readonly trustProxy: boolean;
}

/** Everything main.ts needs to start the server. */
export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  /** Directory of the built PWA; null when there is none to serve. */
  readonly staticDir: string | null;
  readonly clientConfig: ClientConfig;
  /** TURN relays whose credentials are issued per /config.json request; null when none. */
  readonly turn: TurnConfig | null;
  readonly limits: SignalingLimits;
  readonly logLevel: LogLevel;
  /** How long shutdown waits for clients to acknowledge the going-away close. */
  readonly shutdownGraceMs: number;
  /** How long a client may take to send a request's headers (slow-loris protection). */
  readonly httpHeadersTimeoutMs: number;
  /** redis:// or rediss:// URL shared by every process of the deployment; null: one process. */
  readonly redisUrl: string | null;
  /** NODE_ENV=development: no warnings meant for public deployments. */
  readonly development: boolean;
}

/** Defaults, exported so tests and the README can refer to one source. */
export const DEFAULT_LIMITS: SignalingLimits = {
  maxFrameBytes: 64 * 1024,
  maxTopicsPerConnection: 100,
  maxTopicLength: 256,
  maxConnections: 10_000,
  maxConnectionsPerAddress: 128,
  publishRatePerSec: 50,
  publishBurst: 200,
  publishBytesPerSec: 64 * 1024,
  publishBytesBurst: 256 * 1024,
  addressPublishRatePerSec: 500,
  addressPublishBytesPerSec: 1024 * 1024,
  heartbeatIntervalMs: 30_000,
  maxBufferedBytes: 1024 * 1024,
  slowReaderGraceMs: 5000,
  allowedOrigins: null,
  trustProxy: false,
};

type Env = Readonly<Record<string, string | undefined>>;

function intVar(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw.trim());
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function boolVar(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function originsVar(env: Env): readonly string[] | null {
  const raw = env.ALLOWED_ORIGINS;
  if (raw === undefined || raw.trim() === '') return null;
  return urlList('ALLOWED_ORIGINS', raw, 'an origin like https://host', (url, entry) => {
    // Browsers send the serialized origin: scheme://host[:port], no path, no trailing slash.
    if (url.origin === 'null' || url.pathname !== '/' || url.search !== '' || url.hash !== '') {
      throw new ConfigError(`ALLOWED_ORIGINS: "${entry}" must be scheme://host[:port] only`);
    }
    return url.origin;
  });
}

/**
 * Where the built PWA is: STATIC_DIR when set (it must exist), otherwise <repo>/dist found
 * relative to this file (both src/server/ and dist-server/server/ sit two levels below the
 * repository root) or, failing that, relative to the working directory.
 */
function staticDirVar(env: Env, moduleDir: string): string | null {
  const raw = env.STATIC_DIR;
  if (raw !== undefined && raw.trim() !== '') {
    const dir = resolve(raw.trim());
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new ConfigError(`STATIC_DIR: "${dir}" is not a directory`);
    }
    return dir;
  }
  for (const candidate of [resolve(moduleDir, '../../dist'), resolve('dist')]) {
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
  }
  return null;
}

function redisUrlVar(env: Env): string | null {
  const raw = env.REDIS_URL?.trim() ?? '';
  if (raw === '') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`REDIS_URL: "${raw}" is not a URL like redis://host:6379`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ConfigError(`REDIS_URL must start with redis:// or rediss://, got "${raw}"`);
  }
  return raw;
}

function logLevelVar(env: Env): LogLevel {
  const raw = env.LOG_LEVEL?.trim().toLowerCase();
  if (raw === undefined || raw === '') return 'info';
  const level = LOG_LEVELS.find((candidate) => candidate === raw);
  if (level === undefined) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  }
  return level;
}

/**
 * Reads and validates the configuration.
 * @param env Usually process.env; tests pass their own.
 * @throws ConfigError on any invalid value.
 */
export function loadConfig(
  env: Env,
  moduleDir = dirname(fileURLToPath(import.meta.url)),
): ServerConfig {
  const d = DEFAULT_LIMITS;
  const maxFrameBytes = intVar(env, 'MAX_FRAME_BYTES', d.maxFrameBytes, 256, 16 * 1024 * 1024);
  const limits: SignalingLimits = {
    maxFrameBytes,
    maxTopicsPerConnection: intVar(
      env,
      'MAX_TOPICS_PER_CONNECTION',
      d.maxTopicsPerConnection,
      1,
      1e5,
    ),
    maxTopicLength: intVar(env, 'MAX_TOPIC_LENGTH', d.maxTopicLength, 1, 65_536),
    maxConnections: intVar(env, 'MAX_CONNECTIONS', d.maxConnections, 1, 1e7),
    maxConnectionsPerAddress: intVar(
      env,
      'MAX_CONNECTIONS_PER_IP',
      d.maxConnectionsPerAddress,
      1,
      1e7,
    ),
    publishRatePerSec: intVar(env, 'PUBLISH_RATE', d.publishRatePerSec, 1, 1e6),
    publishBurst: intVar(env, 'PUBLISH_BURST', d.publishBurst, 1, 1e6),
    publishBytesPerSec: intVar(env, 'PUBLISH_BYTES_RATE', d.publishBytesPerSec, 256, 2 ** 31),
    // Never below one frame: a frame the server accepts must be relayable.
    publishBytesBurst: Math.max(
      maxFrameBytes,
      intVar(env, 'PUBLISH_BYTES_BURST', d.publishBytesBurst, 256, 2 ** 31),
    ),
    addressPublishRatePerSec: intVar(
      env,
      'ADDRESS_PUBLISH_RATE',
      d.addressPublishRatePerSec,
      1,
      1e7,
    ),
    addressPublishBytesPerSec: intVar(
      env,
      'ADDRESS_PUBLISH_BYTES_RATE',
      d.addressPublishBytesPerSec,
      256,
      2 ** 31,
    ),
    heartbeatIntervalMs: intVar(env, 'HEARTBEAT_INTERVAL_MS', d.heartbeatIntervalMs, 50, 3_600_000),
    maxBufferedBytes: intVar(env, 'MAX_BUFFERED_BYTES', d.maxBufferedBytes, 1024, 2 ** 31),
    slowReaderGraceMs: intVar(env, 'SLOW_READER_GRACE_MS', d.slowReaderGraceMs, 0, 600_000),
    allowedOrigins: originsVar(env),
    trustProxy: boolVar(env, 'TRUST_PROXY', d.trustProxy),
  };
  return {
    port: intVar(env, 'PORT', 8080, 0, 65_535),
    host: env.HOST?.trim() || '0.0.0.0',
    staticDir: staticDirVar(env, moduleDir),
    clientConfig: {
      signalingUrls: parseSignalingUrls(env.SIGNALING_URLS),
      iceServers: parseIceServers(env.ICE_SERVERS),
    },
    turn: parseTurnConfig(env),
    limits,
    logLevel: logLevelVar(env),
    shutdownGraceMs: intVar(env, 'SHUTDOWN_GRACE_MS', 3000, 0, 60_000),
    httpHeadersTimeoutMs: intVar(env, 'HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 600_000),
    redisUrl: redisUrlVar(env),
    development: env.NODE_ENV?.trim() === 'development',
  };
}
