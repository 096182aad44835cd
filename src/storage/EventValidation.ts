import { isEventType, makeEvent, type ChatEvent } from '../hub/events';
import { DEFAULT_MAX_MESSAGE_LENGTH } from '../log/schema';

/** Longest id, room id, user id or session id accepted from storage or a file. */
export const MAX_ID_LENGTH = 256;

const FIELDS = new Set(['id', 'chatroomId', 'type', 'userId', 'sessionId', 'message', 'unixTime']);

/**
 * Checks an untrusted value (a stored record's event, a line of an imported file) and returns
 * it as a ChatEvent with exactly the event fields, or the reason it is not one. The rules are
 * those the hub itself follows: presence events carry userId and sessionId, a message carries
 * userId and no sessionId, close carries neither; empty optional fields are left out.
 */
export function validateEvent(value: unknown): ChatEvent | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'not an event object';
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!FIELDS.has(key)) return `unknown field "${key}"`;
  }
  const { id, chatroomId, type, userId, sessionId, message, unixTime } = record;
  if (!isId(id)) return 'id must be a non-empty string';
  if (!isId(chatroomId)) return 'chatroomId must be a non-empty string';
  if (!isEventType(type))
    return `unknown type ${typeof type === 'string' ? `"${type}"` : typeof type}`;
  if (typeof unixTime !== 'number' || !Number.isFinite(unixTime) || unixTime < 0) {
    return 'unixTime must be a non-negative number';
  }
  if (userId !== undefined && !isId(userId)) return 'userId must be a non-empty string';
  if (sessionId !== undefined && !isId(sessionId)) return 'sessionId must be a non-empty string';
  if (message !== undefined && typeof message !== 'string') return 'message must be a string';
  if (typeof message === 'string' && message.length > DEFAULT_MAX_MESSAGE_LENGTH) {
    return `message is longer than ${DEFAULT_MAX_MESSAGE_LENGTH} characters`;
  }
  if (type === 'message') {
    if (userId === undefined) return 'a message needs a userId';
    if (sessionId !== undefined) return 'a message has no sessionId';
  } else if (type === 'close') {
    if (userId !== undefined || sessionId !== undefined) return 'close has no userId or sessionId';
  } else if (userId === undefined || sessionId === undefined) {
    return `${type} needs a userId and a sessionId`;
  }
  if (type !== 'message' && message !== undefined && message !== '') {
    return `${type} carries no message`;
  }
  return makeEvent({ id, chatroomId, type, userId, sessionId, message, unixTime });
}

/** Whether `value` is a valid order key: any finite number. */
export function isOrder(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH;
}
