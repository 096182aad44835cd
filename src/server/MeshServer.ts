/**
 * The whole server on one port: the built PWA, /config.json, /healthz, /metrics, and the
 * signaling WebSocket on /signal and /. One process, so the README's start command is one line.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServerConfig } from './config.js';
import type { Logger } from './log.js';
import { Metrics } from './Metrics.js';
import { RedisBridge } from './RedisBridge.js';
import { SignalingServer } from './SignalingServer.js';
import { requestPath } from './requestPath.js';
import { StaticFiles } from './StaticFiles.js';
import { issueTurnServer } from './TurnCredentials.js';

/** Where a started server listens. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/** HTTP server plus signaling, with an idempotent {@link MeshServer.stop}. */
export class MeshServer {
  readonly metrics = new Metrics();
  readonly signaling: SignalingServer;
  /** The link to the deployment's other processes; null without REDIS_URL (or before listen). */
  redis: RedisBridge | null = null;
  readonly #config: ServerConfig;
  readonly #logger: Logger;
  readonly #http: Server;
  readonly #static: StaticFiles;
  readonly #clientConfigBody: string;
  #stopped: Promise<void> | null = null;

  constructor(config: ServerConfig, logger: Logger) {
    this.#config = config;
    this.#logger = logger;
    this.#static = new StaticFiles(config.staticDir);
    this.#clientConfigBody = JSON.stringify(config.clientConfig);
    this.signaling = new SignalingServer({ limits: config.limits, metrics: this.metrics, logger });
    this.#http = createHttpServer(config, (request, response) => this.#route(request, response));
    this.#http.on('upgrade', (request: IncomingMessage, socket, head: Buffer) =>
      this.signaling.handleUpgrade(request, socket, head),
    );
  }

  /** Starts listening on the configured host and port (port 0 picks a free one). */
  async listen(): Promise<ListenAddress> {
    if (this.#config.redisUrl !== null && this.redis === null) {
      // Before the first client: every topic it opens must reach Redis.
      this.redis = await RedisBridge.connect(this.#config.redisUrl, this.#logger);
      this.metrics.redis = this.redis;
      this.signaling.share(this.redis);
    }
    if (this.#config.limits.allowedOrigins === null && !this.#config.development) {
      this.#logger.log(
        'warn',
        'ALLOWED_ORIGINS is not set: pages on any site may use this signaling server ' +
          '(set it to the app’s origin, or NODE_ENV=development to silence this)',
      );
    }
    await new Promise<void>((resolve, reject) => {
      this.#http.once('error', reject);
      this.#http.listen(this.#config.port, this.#config.host, () => {
        this.#http.off('error', reject);
        resolve();
      });
    });
    const { address, port } = this.#http.address() as AddressInfo;
    this.#logger.log('info', 'listening', {
      host: address,
      port,
      staticDir: this.#config.staticDir,
      signalingPaths: '/signal, /',
    });
    return { host: address, port };
  }

  /**
   * Stops accepting, closes every WebSocket with 1001, then closes idle HTTP connections.
   * Idempotent: every call returns the same promise.
   */
  stop(): Promise<void> {
    this.#stopped ??= this.#stop();
    return this.#stopped;
  }

  async #stop(): Promise<void> {
    this.#logger.log('info', 'shutting down', { connections: this.signaling.connectionCount });
    const httpClosed = new Promise<void>((resolve) => this.#http.close(() => resolve()));
    await this.signaling.stop(this.#config.shutdownGraceMs);
    await this.redis?.stop();
    this.#http.closeAllConnections();
    if (this.#http.listening) await httpClosed;
    this.#logger.log('info', 'stopped');
  }

  #route(request: IncomingMessage, response: ServerResponse): void {
    this.metrics.httpRequests += 1;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD', 'Content-Length': 0 }).end();
      return;
    }
    switch (requestPath(request.url)) {
      case '/healthz': {
        const stopping = this.#stopped !== null;
        // Without Redis the rooms still work locally: degraded, not down (200), so a load
        // balancer keeps sending this process its clients.
        const redis = this.redis?.state;
        const status = stopping ? 'stopping' : redis === 'down' ? 'degraded' : 'ok';
        const body = JSON.stringify({
          status,
          connections: this.signaling.connectionCount,
          ...(redis === undefined ? {} : { redis }),
        });
        return send(response, stopping ? 503 : 200, 'application/json; charset=utf-8', body);
      }
      case '/metrics':
        return send(
          response,
          200,
          'text/plain; version=0.0.4; charset=utf-8',
          this.metrics.render(),
        );
      case '/config.json':
        return this.#sendClientConfig(response);
      default:
        this.#static.serve(request, response).catch((error: unknown) => {
          this.#logger.log('error', 'static file error', { error: String(error) });
          response.destroy();
        });
    }
  }

  /**
   * The app's network configuration. With TURN configured every request gets a credential of
   * its own that expires after TURN_TTL, and no cache may keep it for anyone else.
   */
  #sendClientConfig(response: ServerResponse): void {
    const turn = this.#config.turn;
    if (turn === null) {
      send(response, 200, JSON_TYPE, this.#clientConfigBody, 'no-cache');
      return;
    }
    const { signalingUrls, iceServers } = this.#config.clientConfig;
    const body = JSON.stringify({
      signalingUrls,
      iceServers: [...iceServers, issueTurnServer(turn)],
      // How long the credential lasts, so a page that stays open fetches a new one in time.
      iceServersTtl: turn.ttlSeconds,
    });
    send(response, 200, JSON_TYPE, body, 'private, no-store');
  }
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** Room beside the WebSockets (upgraded sockets still count) for plain HTTP requests. */
const HTTP_CONNECTION_HEADROOM = 1024;

/**
 * The HTTP server with limits on what a client can hold open: headers must arrive within
 * HTTP_HEADERS_TIMEOUT_MS (Node checks only every 30 s by default, so a slow-loris client
 * kept its socket a minute or more), a whole request within 30 s, an idle keep-alive socket
 * 5 s; at most 16 KiB and 64 headers; at most MAX_CONNECTIONS plus some headroom sockets.
 */
function createHttpServer(
  config: ServerConfig,
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Server {
  const headersTimeout = config.httpHeadersTimeoutMs;
  const server = createServer(
    {
      headersTimeout,
      requestTimeout: Math.max(30_000, headersTimeout),
      keepAliveTimeout: 5000,
      maxHeaderSize: 16 * 1024,
      connectionsCheckingInterval: Math.min(1000, Math.ceil(headersTimeout / 4)),
    },
    handler,
  );
  server.maxHeadersCount = 64;
  server.maxConnections = config.limits.maxConnections + HTTP_CONNECTION_HEADROOM;
  return server;
}

function send(
  response: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  cacheControl = 'no-store',
): void {
  response.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': cacheControl,
  });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}
