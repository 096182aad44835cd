/**
 * y-webrtc's signaling protocol, as its stock client (SignalingConn in y-webrtc 10.x) speaks it:
 * JSON text frames, each an object with a `type`.
 *
 *   client → server: subscribe {topics}, unsubscribe {topics}, publish {topic, data}, ping
 *   server → client: publish {topic, data, clients}, pong
 *
 * A publish is relayed to every subscriber of its topic, the sender included, with `clients`
 * set to the number of subscribers. `data` is opaque here: a plain object for open rooms, a
 * base64 string for rooms with a password.
 *
 * Routing, for clients that ask (stock clients never do): a client sends `hello` and gets
 * {@link HELLO_FRAME} back (a stock server ignores it and answers only the ping that follows).
 * Its publishes may then carry, beside the still opaque `data`, the sender's peer id in the
 * topic (`from`), the one peer it is for (`to`), and for announces `sample`: at most that many
 * random other subscribers receive it. See {@link PublishRoute}.
 */

/** Subscribe the connection to topics (room names). */
export interface SubscribeMessage {
  readonly type: 'subscribe';
  readonly topics: readonly string[];
}

/** Leave topics. */
export interface UnsubscribeMessage {
  readonly type: 'unsubscribe';
  readonly topics: readonly string[];
}

/** Who a publish is from and for, in cleartext beside its data (clients that said hello). */
export interface PublishRoute {
  /** The sender's peer id in the topic: registered to its connection on first use. */
  readonly from?: string;
  /** The peer it is for: only that peer's connection receives it, if the server knows it. */
  readonly to?: string;
  /**
   * Deliver to at most this many random other subscribers (capped at {@link MAX_SAMPLE}); 0
   * delivers to nobody, which only registers `from` (a client naming itself on connecting).
   */
  readonly sample?: number;
  /**
   * A secret the client chose for its `from` (16 to 64 letters, digits, `_` or `-`), never
   * relayed. A connection that claims an id held by another with the secret that one claimed
   * it with takes the id over: the same client, reconnected before its old connection was
   * dropped.
   */
  readonly secret?: string;
}

/** Relay `data` to every subscriber of `topic` (or as its route says). */
export interface PublishMessage extends PublishRoute {
  readonly type: 'publish';
  readonly topic: string;
  readonly data?: unknown;
}

/** Asks which protocol additions the server speaks. */
export interface HelloMessage {
  readonly type: 'hello';
}

/** The longest peer id a route may name (y-webrtc's are 36-character UUIDs). */
export const MAX_PEER_ID_LENGTH = 64;

/** The largest `sample` honoured; larger ones are cut to it. */
export const MAX_SAMPLE = 32;

const PEER_ID = /^[A-Za-z0-9_.:-]+$/;

const SECRET = /^[A-Za-z0-9_-]{16,64}$/;

/** Whether `value` can be a route's secret. */
export function isRouteSecret(value: unknown): value is string {
  return typeof value === 'string' && SECRET.test(value);
}

/** Whether `value` can be a peer id in a route: 1 to 64 letters, digits or `_.:-`. */
export function isPeerId(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_PEER_ID_LENGTH && PEER_ID.test(value);
}

/** Application-level keep-alive; answered with a pong. */
export interface PingMessage {
  readonly type: 'ping';
}

/** Every frame a client may send. */
export type ClientMessage =
  SubscribeMessage | UnsubscribeMessage | PublishMessage | PingMessage | HelloMessage;

/** A relayed publish as subscribers receive it. */
export interface RelayedPublish {
  readonly type: 'publish';
  readonly topic: string;
  readonly data?: unknown;
  readonly clients: number;
}

/** The answer to a hello: the additions this server speaks. */
export interface HelloAnswer {
  readonly type: 'hello';
  readonly features: readonly string[];
}

/** Every frame the server sends. */
export type ServerMessage = RelayedPublish | { readonly type: 'pong' } | HelloAnswer;

/** Why a frame could not be used. */
export type ParseFailure = 'invalid_json' | 'invalid_message' | 'unknown_type';

/** The outcome of {@link parseClientMessage}. */
export type ParseResult =
  | { readonly ok: true; readonly message: ClientMessage }
  | { readonly ok: false; readonly reason: ParseFailure };

type Fields = Readonly<Record<string, unknown>>;

function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** Type guard for {@link SubscribeMessage} and {@link UnsubscribeMessage}. */
export function isTopicsMessage(value: unknown): value is SubscribeMessage | UnsubscribeMessage {
  return (
    isRecord(value) &&
    (value.type === 'subscribe' || value.type === 'unsubscribe') &&
    isStringArray(value.topics)
  );
}

/** Type guard for {@link PublishMessage}, its route fields included when present. */
export function isPublishMessage(value: unknown): value is PublishMessage {
  return (
    isRecord(value) &&
    value.type === 'publish' &&
    typeof value.topic === 'string' &&
    (value.from === undefined || isPeerId(value.from)) &&
    (value.to === undefined || isPeerId(value.to)) &&
    (value.secret === undefined || (value.from !== undefined && isRouteSecret(value.secret))) &&
    (value.sample === undefined ||
      (typeof value.sample === 'number' && Number.isInteger(value.sample) && value.sample >= 0))
  );
}

/** Type guard for {@link HelloMessage}. */
export function isHelloMessage(value: unknown): value is HelloMessage {
  return isRecord(value) && value.type === 'hello';
}

/** Type guard for {@link PingMessage}. */
export function isPingMessage(value: unknown): value is PingMessage {
  return isRecord(value) && value.type === 'ping';
}

/** Type guard for any {@link ClientMessage}. */
export function isClientMessage(value: unknown): value is ClientMessage {
  return (
    isTopicsMessage(value) ||
    isPublishMessage(value) ||
    isPingMessage(value) ||
    isHelloMessage(value)
  );
}

const KNOWN_TYPES: ReadonlySet<unknown> = new Set([
  'subscribe',
  'unsubscribe',
  'publish',
  'ping',
  'hello',
]);

/**
 * Parses one frame. Never throws: a frame that is not JSON, not an object of a known shape, or
 * of an unknown type comes back as a failure with the reason to count.
 */
export function parseClientMessage(text: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'invalid_json' };
  }
  if (isClientMessage(value)) return { ok: true, message: value };
  if (isRecord(value) && typeof value.type === 'string' && !KNOWN_TYPES.has(value.type)) {
    return { ok: false, reason: 'unknown_type' };
  }
  return { ok: false, reason: 'invalid_message' };
}

/** The frame sent in answer to a ping, serialized once. */
export const PONG_FRAME = JSON.stringify({ type: 'pong' } satisfies ServerMessage);

/** The answer to a hello, serialized once: `route` is the from/to/sample routing above. */
export const HELLO_FRAME = JSON.stringify({
  type: 'hello',
  features: ['route'],
} satisfies ServerMessage);

/** The route fields of a publish, without its data (empty for a stock client's publish). */
export function routeOf(message: PublishMessage): PublishRoute {
  const { from, to, sample, secret } = message;
  if (from === undefined && to === undefined && sample === undefined) return NO_ROUTE;
  return {
    ...(from === undefined ? {} : { from }),
    ...(secret === undefined ? {} : { secret }),
    ...(to === undefined ? {} : { to }),
    ...(sample === undefined ? {} : { sample: Math.min(sample, MAX_SAMPLE) }),
  };
}

/** The route of a publish that has none: relayed to every subscriber. */
export const NO_ROUTE: PublishRoute = Object.freeze({});

/** Serializes a relayed publish; called once per publish, whatever the number of receivers. */
export function encodeRelayedPublish(topic: string, data: unknown, clients: number): string {
  const message: RelayedPublish = { type: 'publish', topic, data, clients };
  return JSON.stringify(message);
}
