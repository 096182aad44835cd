/** The six kinds of hub event, as in the original Go message hub. */
export const EVENT_TYPES = ['join', 'add', 'remove', 'leave', 'message', 'close'] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/**
 * One hub event. Field names follow the original JSON; optional fields are left out when empty.
 * `id` is a stable string: the same for one event in every tab and in storage.
 * `unixTime` is milliseconds since the Unix epoch (the original used seconds; a chat needs
 * sub-second order).
 */
export interface ChatEvent {
  readonly id: string;
  readonly chatroomId: string;
  readonly type: EventType;
  readonly userId?: string;
  readonly sessionId?: string;
  readonly message?: string;
  readonly unixTime: number;
}

/** Whether `value` names one of the six event types. */
export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value);
}

/** Builds an event, leaving out empty optional fields as the original JSON does. */
export function makeEvent(fields: {
  id: string;
  chatroomId: string;
  type: EventType;
  userId?: string | undefined;
  sessionId?: string | undefined;
  message?: string | undefined;
  unixTime: number;
}): ChatEvent {
  const event: {
    -readonly [K in keyof ChatEvent]: ChatEvent[K];
  } = {
    id: fields.id,
    chatroomId: fields.chatroomId,
    type: fields.type,
    unixTime: fields.unixTime,
  };
  if (fields.userId) event.userId = fields.userId;
  if (fields.sessionId) event.sessionId = fields.sessionId;
  if (fields.message) event.message = fields.message;
  return event;
}
