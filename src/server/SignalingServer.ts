/**
 * The signaling endpoint: admits WebSocket upgrades (path, origin, capacity and per-address
 * limits), turns frames into hub operations, and closes exactly the one connection that
 * misbehaves. Nothing a client sends can throw out of here.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { addressKey } from './addressKey.js';
import { admission, clientAddress, REJECT_STATUS } from './admission.js';
import type { SignalingLimits } from './config.js';
import { Connection } from './Connection.js';
import { HeartbeatWheel } from './HeartbeatWheel.js';
import type { Logger } from './log.js';
import type { DropReason, Metrics } from './Metrics.js';
import {
  HELLO_FRAME,
  PONG_FRAME,
  parseClientMessage,
  routeOf,
  type ClientMessage,
} from './protocol.js';
import { PublishBudgets } from './PublishBudget.js';
import { relayedPublishText, type RedisBridge } from './RedisBridge.js';
import { SignalingHub } from './SignalingHub.js';
import { encodeTextFrame } from './TextFrame.js';

/** WebSocket close codes used here (RFC 6455 section 7.4.1). */
export const CloseCode = {
  goingAway: 1001,
  invalidPayload: 1007,
  policyViolation: 1008,
  tryAgainLater: 1013,
} as const;

const PONG = encodeTextFrame(PONG_FRAME);
const HELLO = encodeTextFrame(HELLO_FRAME);

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

/** Options of {@link SignalingServer}. */
export interface SignalingServerOptions {
  readonly limits: SignalingLimits;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

/** y-webrtc signaling over `ws`, attached to an HTTP server's 'upgrade' event. */
export class SignalingServer {
  readonly #limits: SignalingLimits;
  readonly #metrics: Metrics;
  readonly #logger: Logger;
  readonly #wss: WebSocketServer;
  readonly #hub: SignalingHub<Connection>;
  readonly #connections = new Set<Connection>();
  /** Open connections per address key (an IPv4 address or an IPv6 /64). */
  readonly #perAddress = new Map<string, number>();
  readonly #budgets: PublishBudgets;
  #bridge: RedisBridge | null = null;
  readonly #heartbeat: HeartbeatWheel<Connection>;
  #stopped: Promise<void> | null = null;

  constructor({ limits, metrics, logger }: SignalingServerOptions) {
    this.#limits = limits;
    this.#metrics = metrics;
    this.#logger = logger;
    this.#hub = new SignalingHub(limits, encodeTextFrame);
    this.#budgets = new PublishBudgets(limits);
    this.#wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: limits.maxFrameBytes,
    });
    this.#heartbeat = new HeartbeatWheel(
      limits.heartbeatIntervalMs,
      (connection) => this.#beat(connection),
      () => this.#budgets.sweep(),
    );
    metrics.setGauges({
      connections: () => this.#connections.size,
      topics: () => this.#hub.topicCount,
      subscriptions: () => this.#hub.subscriptionCount,
    });
  }

  /**
   * Shares this server's rooms with other processes over `bridge` (REDIS_URL). Called once,
   * before the server accepts connections.
   */
  share(bridge: RedisBridge): void {
    this.#bridge = bridge;
    this.#hub.observeTopics(bridge);
    bridge.onRemote((topic, dataJson, route) => {
      this.#hub.deliver(topic, (clients) => relayedPublishText(topic, dataJson, clients), route);
    });
  }

  /** Open connections. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Topics with at least one subscriber. */
  get topicCount(): number {
    return this.#hub.topicCount;
  }

  /** Handles an HTTP upgrade request: admits it as a WebSocket or answers with an error. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    // A reset during the handshake must not become an unhandled 'error' event.
    socket.on('error', () => socket.destroy());
    const address = clientAddress(request, this.#limits);
    const refusal = admission(
      request,
      address,
      this.#limits,
      this.#stopped !== null,
      this.#connections.size,
      this.#perAddress,
    );
    if (refusal !== null) {
      this.#metrics.rejectedUpgrades[refusal] += 1;
      this.#logger.log('info', 'upgrade refused', { reason: refusal, address });
      socket.end(
        `HTTP/1.1 ${REJECT_STATUS[refusal]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
      );
      return;
    }
    this.#wss.handleUpgrade(request, socket, head, (ws) => this.#accept(ws, socket, address));
  }

  /**
   * Closes every connection with 1001 (going away), waits up to `graceMs` for the closing
   * handshakes, then drops whatever is left. Idempotent: later calls return the same promise.
   */
  stop(graceMs = 3000): Promise<void> {
    this.#stopped ??= this.#stop(graceMs);
    return this.#stopped;
  }

  async #stop(graceMs: number): Promise<void> {
    this.#heartbeat.stop();
    const connections = [...this.#connections];
    for (const connection of connections)
      connection.close(CloseCode.goingAway, 'server shutting down');
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([Promise.all(connections.map((c) => c.closed())), grace]);
    clearTimeout(timer);
    for (const connection of this.#connections) connection.terminate();
    await Promise.all(connections.map((c) => c.closed()));
    this.#wss.close();
  }

  #accept(ws: WebSocket, stream: Duplex, address: string): void {
    const key = addressKey(address);
    const budget = this.#budgets.open(key);
    const connection = new Connection(ws, stream, address, budget, this.#limits, this.#metrics);
    this.#connections.add(connection);
    this.#heartbeat.add(connection);
    this.#perAddress.set(key, (this.#perAddress.get(key) ?? 0) + 1);
    this.#metrics.connectionsAccepted += 1;
    ws.on('message', (data) => this.#onFrame(connection, toBuffer(data)));
    ws.on('error', (error: Error & { code?: string }) => {
      // ws closes the socket itself after a protocol error; we only count it.
      const tooLarge = error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';
      this.#violation(connection, tooLarge ? 'frame_too_large' : 'invalid_message', null);
    });
    ws.on('close', () => this.#forget(connection));
    this.#logger.log('debug', 'connection opened', { address });
  }

  #forget(connection: Connection): void {
    if (!this.#connections.delete(connection)) return;
    this.#heartbeat.delete(connection);
    this.#hub.remove(connection);
    connection.dispose();
    const key = connection.publishBudget.key;
    this.#budgets.release(connection.publishBudget);
    const left = (this.#perAddress.get(key) ?? 1) - 1;
    if (left === 0) this.#perAddress.delete(key);
    else this.#perAddress.set(key, left);
    this.#logger.log('debug', 'connection closed', { address: connection.address });
  }

  #onFrame(connection: Connection, frame: Buffer): void {
    this.#metrics.framesIn += 1;
    this.#metrics.bytesIn += frame.length;
    if (connection.closing) return;
    const parsed = parseClientMessage(frame.toString());
    if (!parsed.ok) {
      if (parsed.reason === 'unknown_type') {
        // Ignored like the stock server does, so a newer client does not get disconnected.
        this.#metrics.drop('unknown_type');
      } else if (parsed.reason === 'invalid_json') {
        this.#violation(connection, 'invalid_json', [CloseCode.invalidPayload, 'invalid JSON']);
      } else {
        this.#violation(connection, 'invalid_message', [
          CloseCode.policyViolation,
          'invalid message',
        ]);
      }
      return;
    }
    this.#dispatch(connection, parsed.message, frame.length);
  }

  #dispatch(connection: Connection, message: ClientMessage, frameBytes: number): void {
    switch (message.type) {
      case 'subscribe': {
        const outcome = this.#hub.subscribe(connection, message.topics);
        if (outcome === 'too_many_topics') {
          this.#violation(connection, outcome, [CloseCode.policyViolation, 'too many topics']);
        } else if (outcome === 'topic_too_long') {
          this.#violation(connection, outcome, [CloseCode.policyViolation, 'topic too long']);
        }
        return;
      }
      case 'unsubscribe':
        this.#hub.unsubscribe(connection, message.topics);
        return;
      case 'publish': {
        const verdict = connection.publishBudget.admit(frameBytes);
        if (verdict === 'rate_limited') {
          this.#metrics.drop('rate_limited');
          return;
        }
        if (verdict === 'flooding') {
          // Closed before its traffic can fill the readers' queues (they get a grace, it not).
          this.#violation(connection, 'flooding', [
            CloseCode.policyViolation,
            'publishing too fast',
          ]);
          return;
        }
        const route = routeOf(message);
        const outcome = this.#hub.publish(connection, message.topic, message.data, route);
        if (!outcome.ok) this.#metrics.drop(outcome.reason);
        // Delivered to its one target here, or to no one: the other processes need not see it.
        else if (!outcome.delivered && (route.sample !== 0 || route.to !== undefined)) {
          this.#bridge?.published(message.topic, message.data, route);
        }
        return;
      }
      case 'ping':
        connection.send(PONG);
        return;
      case 'hello':
        connection.send(HELLO);
        return;
    }
  }

  /** Counts a violation and, when `close` is given, closes that one connection. */
  #violation(connection: Connection, reason: DropReason, close: [number, string] | null): void {
    this.#metrics.drop(reason);
    this.#hub.remove(connection);
    if (close !== null) connection.close(close[0], close[1]);
    this.#logger.log('info', 'connection closed for a violation', {
      reason,
      address: connection.address,
    });
  }

  /** Drops a connection that did not answer the last ping, else pings it again. */
  #beat(connection: Connection): void {
    if (!connection.alive) {
      this.#metrics.drop('heartbeat_timeout');
      this.#hub.remove(connection);
      connection.terminate();
    } else {
      connection.ping();
    }
  }
}
