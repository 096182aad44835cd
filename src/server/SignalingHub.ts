/**
 * Topics and their subscribers, with no knowledge of sockets: a subscriber is anything that can
 * take an already-serialized frame. The hub enforces the per-connection topic rules and serializes
 * each publish exactly once, however many subscribers receive it.
 */
import { PeerRoutes } from './PeerRoutes.js';
import { encodeRelayedPublish, NO_ROUTE, type PublishRoute } from './protocol.js';

/** A receiver of relayed frames (in production, one WebSocket connection). */
export interface Subscriber {
  /** Sends a frame made by the hub's encoder from one serialized message. */
  send(frame: Buffer): void;
}

/** Turns one serialized message into the bytes every subscriber is sent. */
export type FrameEncoder = (text: string) => Buffer;

/** Limits the hub enforces per subscriber. */
export interface HubLimits {
  readonly maxTopicsPerConnection: number;
  readonly maxTopicLength: number;
}

/** Result of {@link SignalingHub.subscribe}; on failure nothing was subscribed. */
export type SubscribeOutcome = 'ok' | 'too_many_topics' | 'topic_too_long';

/**
 * Result of {@link SignalingHub.publish}: receivers reached, or why nothing was sent.
 * `delivered` is true when a publish `to` a peer reached that peer's connection here, so no
 * other process needs it.
 */
export type PublishOutcome =
  | {
      readonly ok: true;
      readonly receivers: number;
      readonly frameBytes: number;
      readonly delivered: boolean;
    }
  | {
      readonly ok: false;
      readonly reason: 'not_subscribed' | 'impersonation' | 'too_many_peer_ids';
    };

/** Told when a topic gets its first subscriber and loses its last (to share rooms over Redis). */
export interface TopicObserver {
  opened(topic: string): void;
  closed(topic: string): void;
}

/** The topic registry of one signaling server. */
export class SignalingHub<S extends Subscriber> {
  readonly #limits: HubLimits;
  readonly #encode: FrameEncoder;
  /** Set by {@link observeTopics}; null while this process shares rooms with no other. */
  #observer: TopicObserver | null = null;
  readonly #subscribers = new Map<string, Set<S>>();
  readonly #topicsOf = new Map<S, Set<string>>();
  readonly #routes = new PeerRoutes<S>();
  readonly #random: () => number;
  #subscriptionCount = 0;

  /**
   * @param encode frames a message once per publish; the default gives the UTF-8 JSON text,
   *   the WebSocket server passes a complete WebSocket frame encoder.
   */
  constructor(
    limits: HubLimits,
    encode: FrameEncoder = (text) => Buffer.from(text),
    random: () => number = Math.random,
  ) {
    this.#limits = limits;
    this.#encode = encode;
    this.#random = random;
  }

  /** Reports every topic opened or closed from now on. */
  observeTopics(observer: TopicObserver): void {
    this.#observer = observer;
  }

  /** Topics with at least one subscriber. */
  get topicCount(): number {
    return this.#subscribers.size;
  }

  /** Subscriber-topic pairs. */
  get subscriptionCount(): number {
    return this.#subscriptionCount;
  }

  /** The number of subscribers of a topic (0 when the topic does not exist). */
  subscriberCount(topic: string): number {
    return this.#subscribers.get(topic)?.size ?? 0;
  }

  /**
   * Subscribes to every topic or, if that would break a limit, to none: a partly applied
   * subscribe would leave the client believing it is in rooms it is not in.
   */
  subscribe(subscriber: S, topics: readonly string[]): SubscribeOutcome {
    const own = this.#topicsOf.get(subscriber);
    const fresh = new Set<string>();
    for (const topic of topics) {
      if (topic.length > this.#limits.maxTopicLength) return 'topic_too_long';
      if (own?.has(topic) !== true) fresh.add(topic);
      if ((own?.size ?? 0) + fresh.size > this.#limits.maxTopicsPerConnection) {
        return 'too_many_topics';
      }
    }
    if (fresh.size === 0) return 'ok';
    const mine = own ?? new Set<string>();
    if (own === undefined) this.#topicsOf.set(subscriber, mine);
    for (const topic of fresh) {
      mine.add(topic);
      let set = this.#subscribers.get(topic);
      if (set === undefined) {
        set = new Set();
        this.#subscribers.set(topic, set);
        this.#observer?.opened(topic);
      }
      set.add(subscriber);
    }
    this.#subscriptionCount += fresh.size;
    return 'ok';
  }

  /** Leaves the given topics; topics left without subscribers are forgotten. */
  unsubscribe(subscriber: S, topics: readonly string[]): void {
    const own = this.#topicsOf.get(subscriber);
    if (own === undefined) return;
    for (const topic of topics) {
      if (own.delete(topic)) this.#detach(subscriber, topic);
    }
    if (own.size === 0) this.#topicsOf.delete(subscriber);
  }

  /** Leaves every topic; called when a connection closes. Idempotent. */
  remove(subscriber: S): void {
    const own = this.#topicsOf.get(subscriber);
    if (own === undefined) return;
    this.#topicsOf.delete(subscriber);
    for (const topic of own) this.#detach(subscriber, topic);
  }

  /**
   * Relays `data` to every subscriber of `topic`, the sender included (the stock server does,
   * and y-webrtc clients ignore their own messages). Only subscribers may publish: otherwise
   * anyone could inject forged WebRTC offers into any room.
   *
   * With a route (see protocol.ts): `from` is claimed for the sender first, and a `from` that
   * another connection holds is refused (unless `secret` is the one it was claimed with); a publish `to` a known peer goes to that peer's
   * connection alone, to an unknown one to everyone; `sample` picks that many others at random.
   */
  publish(sender: S, topic: string, data: unknown, route: PublishRoute = NO_ROUTE): PublishOutcome {
    const receivers = this.#subscribers.get(topic);
    if (receivers === undefined || !receivers.has(sender)) {
      return { ok: false, reason: 'not_subscribed' };
    }
    if (route.from !== undefined) {
      const claim = this.#routes.claim(sender, topic, route.from, route.secret);
      if (claim !== 'ok') return { ok: false, reason: claim };
    }
    const count = receivers.size;
    const frame = this.#encode(encodeRelayedPublish(topic, data, count));
    const target = route.to === undefined ? undefined : this.#routes.owner(topic, route.to);
    if (target !== undefined) {
      target.send(frame);
      return { ok: true, receivers: 1, frameBytes: frame.length, delivered: true };
    }
    const reached = this.#sendRouted(receivers, frame, route, sender);
    return { ok: true, receivers: reached, frameBytes: frame.length, delivered: false };
  }

  #detach(subscriber: S, topic: string): void {
    const set = this.#subscribers.get(topic);
    if (set?.delete(subscriber) !== true) return;
    this.#routes.release(subscriber, topic);
    this.#subscriptionCount -= 1;
    if (set.size === 0) {
      this.#subscribers.delete(topic);
      this.#observer?.closed(topic);
    }
  }

  /**
   * Sends the subscribers of `topic` one frame made by `text(subscriberCount)`: messages that
   * other server processes relayed, whose senders are not here. A route's `to` known here
   * narrows it to that connection, `sample` to that many at random. Returns the receivers.
   */
  deliver(
    topic: string,
    text: (clients: number) => string,
    route: PublishRoute = NO_ROUTE,
  ): number {
    const receivers = this.#subscribers.get(topic);
    if (receivers === undefined) return 0;
    const frame = this.#encode(text(receivers.size));
    const target = route.to === undefined ? undefined : this.#routes.owner(topic, route.to);
    if (target !== undefined) {
      target.send(frame);
      return 1;
    }
    return this.#sendRouted(receivers, frame, route, undefined);
  }

  /** Sends `frame` to every receiver, or to `route.sample` of them other than `sender`. */
  #sendRouted(
    receivers: Set<S>,
    frame: Buffer,
    route: PublishRoute,
    sender: S | undefined,
  ): number {
    const sample = route.sample;
    if (sample === undefined) {
      for (const receiver of receivers) receiver.send(frame);
      return receivers.size;
    }
    const others = [...receivers].filter((receiver) => receiver !== sender);
    const picked = Math.min(sample, others.length);
    // The first `picked` places of a partial Fisher-Yates shuffle.
    for (let i = 0; i < picked; i += 1) {
      const j = i + Math.floor(this.#random() * (others.length - i));
      const chosen = others[j] as S;
      others[j] = others[i] as S;
      others[i] = chosen;
      chosen.send(frame);
    }
    return picked;
  }
}
