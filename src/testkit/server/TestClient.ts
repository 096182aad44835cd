/**
 * Test helpers: a MeshServer on 127.0.0.1 with an ephemeral port, configured through the same
 * environment variables as production, and a WebSocket client that records what it receives
 * and lets a test wait for a message or the close with a deadline instead of sleeping.
 */
import { WebSocket, type ClientOptions } from 'ws';
import { loadConfig, type ServerConfig } from '../../server/config.js';
import { MemoryLogger } from '../../server/log.js';
import { MeshServer } from '../../server/MeshServer.js';
import { WAIT_MS, withTimeout } from '../waitFor.js';

/** A started test server. */
export interface TestServer {
  readonly server: MeshServer;
  readonly config: ServerConfig;
  readonly logger: MemoryLogger;
  /** ws://127.0.0.1:port */
  readonly wsBase: string;
  /** http://127.0.0.1:port */
  readonly httpBase: string;
  stop(): Promise<void>;
}

/** Starts a server from environment variables (PORT and HOST default to 0 and 127.0.0.1). */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', ...env });
  const logger = new MemoryLogger();
  const server = new MeshServer(config, logger);
  const { port } = await server.listen();
  return {
    server,
    config,
    logger,
    wsBase: `ws://127.0.0.1:${port}`,
    httpBase: `http://127.0.0.1:${port}`,
    stop: () => server.stop(),
  };
}

/** A received message: parsed JSON (or the raw text when it is not JSON). */
export type Received = Record<string, unknown>;

/** A recording WebSocket client. */
export class TestClient {
  readonly received: Received[] = [];
  /** Resolves with the close code and reason, whoever closed. */
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters: { test: (m: Received) => boolean; resolve: (m: Received) => void }[] = [];

  private constructor(readonly socket: WebSocket) {
    this.closed = new Promise((resolve) =>
      socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    socket.on('message', (raw: Buffer) => {
      const text = raw.toString();
      let message: Received;
      try {
        message = JSON.parse(text) as Received;
      } catch {
        message = { raw: text };
      }
      this.received.push(message);
      this.#waiters = this.#waiters.filter((waiter) => {
        if (!waiter.test(message)) return true;
        waiter.resolve(message);
        return false;
      });
    });
  }

  /** Connects; rejects on refusal with the HTTP status in the message. */
  static async connect(url: string, options: ClientOptions = {}): Promise<TestClient> {
    const socket = new WebSocket(url, { perMessageDeflate: false, ...options });
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('unexpected-response', (_request, response) =>
          reject(new Error(`refused with HTTP ${response.statusCode ?? '?'}`)),
        );
        socket.once('error', reject);
      }),
      `connection to ${url}`,
    );
    return new TestClient(socket);
  }

  /** Sends an object as JSON, or a string as is. */
  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Subscribes and waits until the server has processed it (frames are handled in order). */
  async subscribe(...topics: string[]): Promise<void> {
    this.send({ type: 'subscribe', topics });
    await this.roundTrip();
  }

  /** A ping/pong exchange: everything sent before it has been processed by the server. */
  async roundTrip(): Promise<void> {
    // The waiter is registered before any reply can arrive: delivery needs an event-loop turn.
    const pong = this.waitFor((m) => m.type === 'pong', 'pong');
    this.send({ type: 'ping' });
    await pong;
  }

  /** The next message (received from now on) that satisfies `test`. */
  waitFor(test: (message: Received) => boolean, what: string, ms = WAIT_MS): Promise<Received> {
    return withTimeout(
      new Promise<Received>((resolve) => this.#waiters.push({ test, resolve })),
      what,
      ms,
    );
  }

  /** Relayed publishes received so far on a topic. */
  publishes(topic: string): Received[] {
    return this.received.filter((m) => m.type === 'publish' && m.topic === topic);
  }

  /** Waits for the close initiated by either side. */
  waitClosed(ms = WAIT_MS): Promise<{ code: number; reason: string }> {
    return withTimeout(this.closed, 'the connection to close', ms);
  }

  /** Closes (if still open) and waits for the close. Idempotent. */
  async close(): Promise<void> {
    if (
      this.socket.readyState === WebSocket.OPEN ||
      this.socket.readyState === WebSocket.CONNECTING
    ) {
      this.socket.close();
    }
    if (this.socket.readyState !== WebSocket.CLOSED) await this.waitClosed();
  }
}
