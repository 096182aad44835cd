/**
 * The entry kinds of schema version 2 (docs/LOG_SCHEMA.md, "Entry kinds"). A kind entry is
 * signed and hashed like a chat message; its `m` holds its fields as a JSON array, so the
 * hash (over `m` and `k`) covers them without a new field. A reader drops a kind entry whose
 * payload does not have its kind's shape (`bad-shape`); whether it may take effect (an edit
 * by the target's author, say) is decided where entries are folded (amendments.ts and
 * reactions.ts), because that needs the target, which may arrive later.
 */

import { FILE, decodeFile, encodeFile, type FilePayload } from './fileEntry';

/** A version 2 entry id: base64url of a SHA-256 hash (schema.ts's isContentKey). */
const TARGET = /^[A-Za-z0-9_-]{43}$/;

/** Replaces the text of one of the author's own messages: `[targetId, text]`. */
export const EDIT = 'edit';
/** Withdraws one of the author's own messages: `[targetId]`. */
export const DELETE = 'delete';
/** Adds (1) or takes back (0) the author's reaction to a message: `[targetId, emoji, 1|0]`. */
export const REACT = 'react';
/** Makes the author's own message `messageId` a reply to `targetId`: `[messageId, targetId]`. */
export const REPLY = 'reply';
/** Names the room and gives it a topic: `[name, topic]`. */
export const ROOM = 'room';
/** The display name the author signs with: `[name]`. It names its author, nobody else. */
export const NAME = 'name';
/** Attaches a file to the author's own message (src/log/fileEntry.ts). */
export { FILE };
/** Longest display name a `name` entry may carry, in UTF-16 code units. */
export const MAX_SIGNED_NAME = 64;

/** The kinds this version reads. */
export const KNOWN_KINDS: ReadonlySet<string> = new Set([
  EDIT,
  DELETE,
  REACT,
  REPLY,
  ROOM,
  NAME,
  FILE,
]);

/** The longest reaction, in UTF-16 code units (a family or flag sequence fits). */
export const MAX_REACTION = 32;
/** The longest room name and topic, in characters (code points), after trimming. */
export const MAX_ROOM_NAME = 64;
export const MAX_ROOM_TOPIC = 256;

/**
 * One emoji (or a short sequence of them): pictographs, flags, keycaps, skin tones and the
 * joiners between them; no letters, spaces or markup. The view shows it as text either way;
 * the check keeps reactions what they claim to be.
 */
const EMOJI =
  /^(?:\p{Extended_Pictographic}|\p{Regional_Indicator}|\p{Emoji_Modifier}|[#*0-9]\ufe0f?\u20e3|\u200d|\ufe0f)+$/u;

/** Whether `text` may be a reaction. */
export function isReaction(text: string): boolean {
  return text.length > 0 && text.length <= MAX_REACTION && EMOJI.test(text);
}

/** A decoded kind entry's payload. */
export type KindPayload =
  | { readonly kind: typeof EDIT; readonly target: string; readonly text: string }
  | { readonly kind: typeof DELETE; readonly target: string }
  | {
      readonly kind: typeof REACT;
      readonly target: string;
      readonly emoji: string;
      readonly on: boolean;
    }
  | { readonly kind: typeof REPLY; readonly message: string; readonly target: string }
  | { readonly kind: typeof ROOM; readonly name: string; readonly topic: string }
  | { readonly kind: typeof NAME; readonly name: string }
  | FilePayload;

/**
 * Reads the payload of a kind entry: undefined when the kind is unknown or `m` does not have
 * its shape. Every id in a payload is a version 2 entry id (43 characters).
 */
export function decodePayload(kind: string, message: string): KindPayload | undefined {
  if (!KNOWN_KINDS.has(kind)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  const fields: unknown[] = parsed;
  if (kind === ROOM) return room(fields);
  if (kind === NAME) return decodeName(fields);
  if (kind === FILE) return decodeFile(fields);
  if (!isId(fields[0])) return undefined;
  const target = fields[0];
  switch (kind) {
    case EDIT: {
      const text = fields[1];
      if (fields.length !== 2 || typeof text !== 'string' || text.trim() === '') return undefined;
      return { kind, target, text };
    }
    case DELETE:
      return fields.length === 1 ? { kind, target } : undefined;
    case REACT: {
      const [, emoji, on] = fields;
      if (fields.length !== 3 || typeof emoji !== 'string' || !isReaction(emoji)) return undefined;
      if (on !== 0 && on !== 1) return undefined;
      return { kind, target, emoji, on: on === 1 };
    }
    case REPLY: {
      const to = fields[1];
      if (fields.length !== 2 || !isId(to) || to === target) return undefined;
      return { kind, message: target, target: to };
    }
    default:
      return undefined;
  }
}

/** A `name` payload: one string, not blank, at most MAX_SIGNED_NAME code units. */
function decodeName(fields: unknown[]): KindPayload | undefined {
  if (fields.length !== 1) return undefined;
  const name: unknown = fields[0];
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_SIGNED_NAME) {
    return undefined;
  }
  return { kind: NAME, name };
}

/** The `m` of a kind entry: its payload's fields as a JSON array. */
export function encodePayload(payload: KindPayload): string {
  switch (payload.kind) {
    case EDIT:
      return JSON.stringify([payload.target, payload.text]);
    case DELETE:
      return JSON.stringify([payload.target]);
    case REACT:
      return JSON.stringify([payload.target, payload.emoji, payload.on ? 1 : 0]);
    case REPLY:
      return JSON.stringify([payload.message, payload.target]);
    case ROOM:
      return JSON.stringify([payload.name, payload.topic]);
    case NAME:
      return JSON.stringify([payload.name]);
    case FILE:
      return encodeFile(payload);
  }
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && TARGET.test(value);
}

/** A room name is 1-64 characters, a topic 0-256, both trimmed, neither with a line break. */
function room(fields: unknown[]): KindPayload | undefined {
  const [name, topic] = fields;
  if (fields.length !== 2 || typeof name !== 'string' || typeof topic !== 'string')
    return undefined;
  if (name !== name.trim() || topic !== topic.trim() || /[\n\r]/.test(name + topic)) {
    return undefined;
  }
  const nameLength = charCount(name);
  if (nameLength === 0 || nameLength > MAX_ROOM_NAME || charCount(topic) > MAX_ROOM_TOPIC) {
    return undefined;
  }
  return { kind: ROOM, name, topic };
}

/** Characters (code points) in `text`, as the room name limits count them. */
export function charCount(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    // A high surrogate and its low surrogate are one character.
    if (code < 0xdc00 || code > 0xdfff) count += 1;
  }
  return count;
}
