/**
 * Rooms shared by several server processes over Redis pub/sub (REDIS_URL). Each process keeps
 * its own clients; a topic with at least one local subscriber is subscribed to one Redis
 * channel, `meshchat:signal:<topic>`, and every publish a local client makes is published there
 * too, so clients of one room on different processes find each other.
 *
 * A publish with a route (protocol.ts) carries it in the message's first word,
 * `<process id>;to=<peer>` or `;sample=<k>`: the process where `to` is registered sends it to that
 * connection only, the others (which cannot know where it is) to all of their subscribers, as
 * they would without a route, and each process applies `sample` to its own subscribers. (A
 * process of an older version reads the whole word as a foreign id and relays to everyone.) A
 * publish whose target is connected to the publishing process is not sent to Redis at all.
 *
 * Losing Redis is not an outage: rooms go on locally (clients on other processes simply stop
 * hearing each other), and ioredis reconnects with a capped backoff. A fresh Redis connection
 * has no subscriptions, so on every `ready` the bridge subscribes again to every local topic.
 */
import { randomBytes } from 'node:crypto';
import type { Redis, RedisOptions } from 'ioredis';
import type { Logger } from './log.js';
import { isPeerId, MAX_SAMPLE, NO_ROUTE, type PublishRoute } from './protocol.js';

/** The channel prefix; the topic (room name) follows it verbatim. */
export const CHANNEL_PREFIX = 'meshchat:signal:';

/** Topics per SUBSCRIBE command when resubscribing after a reconnect. */
const SUBSCRIBE_CHUNK = 500;

/** Where relayed messages from other processes go: the local subscribers of `topic`. */
export type RemoteDelivery = (topic: string, dataJson: string | null, route: PublishRoute) => void;

/** The first word of a message on a channel: the publishing process and the route. */
export function encodeHeader(id: string, route: PublishRoute): string {
  let header = id;
  if (route.to !== undefined) header += `;to=${route.to}`;
  if (route.sample !== undefined) header += `;sample=${route.sample}`;
  return header;
}

/** Reads {@link encodeHeader}'s word; parts it does not know (or that are malformed) are ignored. */
export function decodeHeader(header: string): { id: string; route: PublishRoute } {
  const [id = '', ...parts] = header.split(';');
  if (parts.length === 0) return { id, route: NO_ROUTE };
  let to: string | undefined;
  let sample: number | undefined;
  for (const part of parts) {
    if (part.startsWith('to=') && isPeerId(part.slice(3))) to = part.slice(3);
    if (part.startsWith('sample=')) {
      const k = Number(part.slice(7));
      if (Number.isInteger(k) && k >= 1) sample = Math.min(k, MAX_SAMPLE);
    }
  }
  return {
    id,
    route: { ...(to === undefined ? {} : { to }), ...(sample === undefined ? {} : { sample }) },
  };
}

/** Health of the Redis link, as /healthz and /metrics report it. */
export type RedisState = 'ok' | 'down';

/** Counters of the bridge, for /metrics. */
export interface RedisBridgeCounters {
  published: number;
  received: number;
  /** Publishes not sent to Redis because it was unreachable (delivered locally only). */
  skipped: number;
}

/**
 * The relayed publish for local subscribers, from a message another process relayed: the same
 * text encodeRelayedPublish makes, built around the data's JSON without parsing it again.
 */
export function relayedPublishText(
  topic: string,
  dataJson: string | null,
  clients: number,
): string {
  const data = dataJson === null ? '' : `,"data":${dataJson}`;
  return `{"type":"publish","topic":${JSON.stringify(topic)}${data},"clients":${clients}}`;
}

/** Reconnect delay after the n-th failed attempt: 100 ms doubling to at most 2 s. */
export function reconnectDelay(attempt: number): number {
  return Math.min(2000, 100 * 2 ** Math.min(attempt, 5));
}

/** One process's link to the other processes of the deployment. */
export class RedisBridge {
  readonly counters: RedisBridgeCounters = { published: 0, received: 0, skipped: 0 };
  /** Identifies this process's own messages when Redis echoes them back. */
  readonly #id = randomBytes(8).toString('hex');
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly #topics = new Set<string>();
  readonly #logger: Logger;
  #deliver: RemoteDelivery = () => undefined;
  #stopped = false;

  /**
   * Connects to `url`. ioredis is loaded only here: it costs a process about 25 MB, which a
   * deployment without REDIS_URL should not pay.
   */
  static async connect(url: string, logger: Logger): Promise<RedisBridge> {
    const { Redis: Client } = await import('ioredis');
    return new RedisBridge((options) => new Client(url, options), logger);
  }

  private constructor(client: (options: RedisOptions) => Redis, logger: Logger) {
    this.#logger = logger;
    const options = {
      // Fail fast while Redis is away instead of queueing: rooms go on locally meanwhile.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResubscribe: false,
      connectTimeout: 2000,
      retryStrategy: reconnectDelay,
    };
    this.#pub = client({ ...options, connectionName: `meshchat-pub-${this.#id}` });
    this.#sub = client({ ...options, connectionName: `meshchat-sub-${this.#id}` });
    for (const [name, client] of [
      ['publisher', this.#pub],
      ['subscriber', this.#sub],
    ] as const) {
      client.on('error', (error: Error) => {
        this.#logger.log('warn', 'redis error', { connection: name, error: error.message });
      });
      client.on('ready', () => this.#logger.log('info', 'redis ready', { connection: name }));
      client.on('end', () => undefined);
    }
    this.#sub.on('ready', () => this.#resubscribe());
    this.#sub.on('messageBuffer', (channel: Buffer, message: Buffer) =>
      this.#onMessage(channel.toString(), message),
    );
  }

  /** Where messages from other processes are delivered (set by the signaling server). */
  onRemote(deliver: RemoteDelivery): void {
    this.#deliver = deliver;
  }

  /** `ok` when both connections are ready. */
  get state(): RedisState {
    return this.#pub.status === 'ready' && this.#sub.status === 'ready' ? 'ok' : 'down';
  }

  /** A topic got its first local subscriber. */
  opened(topic: string): void {
    this.#topics.add(topic);
    if (this.#sub.status === 'ready') this.#command(this.#sub.subscribe(CHANNEL_PREFIX + topic));
  }

  /** A topic lost its last local subscriber. */
  closed(topic: string): void {
    this.#topics.delete(topic);
    if (this.#sub.status === 'ready') this.#command(this.#sub.unsubscribe(CHANNEL_PREFIX + topic));
  }

  /** A local client published `data` to `topic`: tell the other processes. */
  published(topic: string, data: unknown, route: PublishRoute = NO_ROUTE): void {
    if (this.#pub.status !== 'ready') {
      this.counters.skipped += 1;
      return;
    }
    // "<header> <data as JSON>"; no data at all (a publish without `data`) is just the header.
    const json = data === undefined ? '' : JSON.stringify(data);
    this.counters.published += 1;
    const header = encodeHeader(this.#id, route);
    this.#command(this.#pub.publish(CHANNEL_PREFIX + topic, `${header} ${json}`));
  }

  /** Closes both connections. Idempotent. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await Promise.all(
      [this.#pub, this.#sub].map((client) =>
        client.status === 'ready'
          ? client.quit().then(
              () => undefined,
              () => client.disconnect(),
            )
          : Promise.resolve(client.disconnect()),
      ),
    );
  }

  #onMessage(channel: string, message: Buffer): void {
    if (!channel.startsWith(CHANNEL_PREFIX)) return;
    const space = message.indexOf(0x20);
    if (space < 0) return;
    const { id, route } = decodeHeader(message.toString('latin1', 0, space));
    if (id === this.#id) return; // delivered locally already
    const topic = channel.slice(CHANNEL_PREFIX.length);
    if (!this.#topics.has(topic)) return;
    this.counters.received += 1;
    const json = message.toString('utf8', space + 1);
    this.#deliver(topic, json === '' ? null : json, route);
  }

  #resubscribe(): void {
    const channels = [...this.#topics].map((topic) => CHANNEL_PREFIX + topic);
    for (let i = 0; i < channels.length; i += SUBSCRIBE_CHUNK) {
      this.#command(this.#sub.subscribe(...channels.slice(i, i + SUBSCRIBE_CHUNK)));
    }
  }

  /** Commands fail while Redis is away; the reconnect repairs subscriptions, so just log. */
  #command(promise: Promise<unknown>): void {
    promise.catch((error: unknown) => {
      if (this.#stopped) return;
      this.#logger.log('debug', 'redis command failed', { error: String(error) });
    });
  }
}
