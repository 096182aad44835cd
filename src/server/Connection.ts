/**
 * One signaling WebSocket: its client address, publish budget, heartbeat flag and the guarded
 * send path every relayed frame goes through.
 *
 * A reader whose queue passes MAX_BUFFERED_BYTES is not dropped at once: a busy room can queue
 * a burst for a reader on a slow link that it then drains in a moment. It is dropped when it is
 * still over the limit SLOW_READER_GRACE_MS later, or at once when the queue reaches
 * {@link HARD_BUFFER_FACTOR} times the limit, which bounds the memory one reader can hold.
 */
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import type { Metrics } from './Metrics.js';
import type { Subscriber } from './SignalingHub.js';
import type { ConnectionBudget } from './PublishBudget.js';
import { FrameQueue } from './WriteBatcher.js';

/** What a connection needs to know about the server's limits. */
export interface ConnectionLimits {
  readonly maxBufferedBytes: number;
  readonly slowReaderGraceMs: number;
}

/** A queue this many times MAX_BUFFERED_BYTES drops the reader without waiting for the grace. */
export const HARD_BUFFER_FACTOR = 4;

/** A connected client, as the hub and the server see it. */
export class Connection implements Subscriber {
  /** What the socket had received when the last heartbeat ping went out (-1: none yet). */
  #readMark = -1;
  /** Set once the server decided to close it; later frames are ignored. */
  closing = false;
  /** Set while the outgoing queue is over the limit: when the grace runs out. */
  #slowTimer: NodeJS.Timeout | null = null;
  readonly #socket: WebSocket;
  readonly #stream: Duplex;
  readonly #queue: FrameQueue;
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
    /** What this connection may still publish (shared with its address). */
    readonly publishBudget: ConnectionBudget,
    limits: ConnectionLimits,
    metrics: Metrics,
  ) {
    this.#socket = socket;
    this.#stream = stream;
    this.#queue = new FrameQueue(socket, stream);
    this.#limits = limits;
    this.#metrics = metrics;
  }

  /**
   * Sends one complete WebSocket frame (from encodeTextFrame) unless the socket is closing, or
   * drops the client when it does not read: without this a client that never reads would make
   * the server buffer a busy room's traffic for it without bound.
   */
  send(frame: Buffer): void {
    // CLOSING is set before ws writes a close frame: nothing may follow that frame.
    if (this.#socket.readyState !== WebSocket.OPEN) return;
    // What the reader has not taken: this turn's frames, still queued here, leave at once.
    const queued = this.#stream.writableLength;
    if (queued > this.#limits.maxBufferedBytes) {
      if (queued > HARD_BUFFER_FACTOR * this.#limits.maxBufferedBytes) {
        this.#dropSlow();
        return;
      }
      if (this.#slowTimer === null) {
        this.#metrics.slowReaders += 1;
        this.#slowTimer = setTimeout(() => this.#graceOver(), this.#limits.slowReaderGraceMs);
      }
    } else if (this.#slowTimer !== null) {
      // It caught up: a later backlog gets a grace of its own.
      this.dispose();
    }
    this.#queue.push(frame);
    this.#metrics.framesOut += 1;
    this.#metrics.bytesOut += frame.length;
  }

  /** Whether the grace started by a full queue has run out with the queue still full. */
  #graceOver(): void {
    this.#slowTimer = null;
    this.#metrics.slowReaders -= 1;
    if (this.#socket.readyState !== WebSocket.OPEN) return;
    if (this.#stream.writableLength > this.#limits.maxBufferedBytes) this.#dropSlow();
  }

  #dropSlow(): void {
    this.#metrics.drop('slow_consumer');
    this.terminate();
  }

  /** Stops the slow-reader timer; called once the socket has closed. Idempotent. */
  dispose(): void {
    if (this.#slowTimer === null) return;
    clearTimeout(this.#slowTimer);
    this.#slowTimer = null;
    this.#metrics.slowReaders -= 1;
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

  /**
   * Whether the client sent anything since the last heartbeat ping: its pong, or any frame.
   * Read from the socket's byte count rather than from a 'pong' listener: a fourth event name
   * on every WebSocket moved its listener table into an allocation half again as large.
   */
  get alive(): boolean {
    return this.#readMark < 0 || this.#bytesRead() > this.#readMark;
  }

  /** Sends a heartbeat ping; {@link alive} says at the next beat whether anything came back. */
  ping(): void {
    this.#readMark = this.#bytesRead();
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.ping();
  }

  /** Bytes received on the TCP socket so far (a stream that counts none never looks alive). */
  #bytesRead(): number {
    return (this.#stream as { readonly bytesRead?: number }).bytesRead ?? 0;
  }

  /** Resolves once the socket is fully closed. */
  closed(): Promise<void> {
    if (this.#socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => this.#socket.once('close', () => resolve()));
  }
}
