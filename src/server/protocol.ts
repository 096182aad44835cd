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

/** Relay `data` to every subscriber of `topic`. */
export interface PublishMessage {
  readonly type: 'publish';
  readonly topic: string;
  readonly data?: unknown;
}

/** Application-level keep-alive; answered with a pong. */
export interface PingMessage {
  readonly type: 'ping';
}

/** Every frame a client may send. */
export type ClientMessage = SubscribeMessage | UnsubscribeMessage | PublishMessage | PingMessage;

/** A relayed publish as subscribers receive it. */
export interface RelayedPublish {
  readonly type: 'publish';
  readonly topic: string;
  readonly data?: unknown;
  readonly clients: number;
}

/** Every frame the server sends. */
export type ServerMessage = RelayedPublish | { readonly type: 'pong' };

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

/** Type guard for {@link PublishMessage}. */
export function isPublishMessage(value: unknown): value is PublishMessage {
  return isRecord(value) && value.type === 'publish' && typeof value.topic === 'string';
}

/** Type guard for {@link PingMessage}. */
export function isPingMessage(value: unknown): value is PingMessage {
  return isRecord(value) && value.type === 'ping';
}

/** Type guard for any {@link ClientMessage}. */
export function isClientMessage(value: unknown): value is ClientMessage {
  return isTopicsMessage(value) || isPublishMessage(value) || isPingMessage(value);
}

const KNOWN_TYPES: ReadonlySet<unknown> = new Set(['subscribe', 'unsubscribe', 'publish', 'ping']);

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

/** Serializes a relayed publish; called once per publish, whatever the number of receivers. */
export function encodeRelayedPublish(topic: string, data: unknown, clients: number): string {
  const message: RelayedPublish = { type: 'publish', topic, data, clients };
  return JSON.stringify(message);
}
