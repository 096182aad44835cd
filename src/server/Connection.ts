/**
 * One signaling WebSocket: its client address, publish budget, heartbeat flag and the guarded
 * send path every relayed frame goes through.
 */
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import type { Metrics } from './Metrics.js';
import type { Subscriber } from './SignalingHub.js';
import { TokenBucket } from './TokenBucket.js';

/** What a connection needs to know about the server's limits. */
export interface ConnectionLimits {
  readonly publishRatePerSec: number;
  readonly publishBurst: number;
  readonly maxBufferedBytes: number;
}

/** A connected client, as the hub and the server see it. */
export class Connection implements Subscriber {
  /** Whether the socket answered the last heartbeat ping. */
  alive = true;
  /** Set once the server decided to close it; later frames are ignored. */
  closing = false;
  readonly publishBudget: TokenBucket;
  readonly #socket: WebSocket;
  readonly #stream: Duplex;
  readonly #limits: ConnectionLimits;
  readonly #metrics: Metrics;

  /**
   * @param socket the ws WebSocket (handshake, control frames, closing)
   * @param stream the TCP stream under it, which relayed frames are written to directly
   *   (see TextFrame.ts for why that is safe)
   */
  constructor(
    socket: WebSocket,
    stream: Duplex,
    readonly address: string,
    limits: ConnectionLimits,
    metrics: Metrics,
  ) {
    this.#socket = socket;
    this.#stream = stream;
    this.#limits = limits;
    this.#metrics = metrics;
    this.publishBudget = new TokenBucket(limits.publishRatePerSec, limits.publishBurst);
  }

  /**
   * Sends one complete WebSocket frame (from encodeTextFrame) unless the socket is closing, or
   * drops the client when it does not read:
   * without this a client that never reads would make the server buffer a busy room's
   * traffic for it without bound.
   */
  send(frame: Buffer): void {
    // CLOSING is set before ws writes a close frame: nothing may follow that frame.
    if (this.#socket.readyState !== WebSocket.OPEN) return;
    if (this.#stream.writableLength > this.#limits.maxBufferedBytes) {
      this.#metrics.drop('slow_consumer');
      this.terminate();
      return;
    }
    this.#stream.write(frame);
    this.#metrics.framesOut += 1;
    this.#metrics.bytesOut += frame.length;
  }

  /** Starts the closing handshake with a code and a short human-readable reason. Idempotent. */
  close(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    this.#socket.close(code, reason);
  }

  /** Drops the TCP connection at once (for sockets that no longer answer). Idempotent. */
  terminate(): void {
    this.closing = true;
    this.#socket.terminate();
  }

  /** Sends a heartbeat ping; the pong handler sets {@link alive} again. */
  ping(): void {
    this.alive = false;
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.ping();
  }

  /** Resolves once the socket is fully closed. */
  closed(): Promise<void> {
    if (this.#socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => this.#socket.once('close', () => resolve()));
  }
}
